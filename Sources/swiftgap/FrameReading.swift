import Atoms

/// Every frame of a data file with the line each starts at.
/// - Throws: `DataFileError` naming the file's `role` when it cannot be read or holds no configurations.
func readFrames(_ path: String, role: String) throws(DataFileError) -> (structures: [Structure], lines: [Int]) {
    var structures = [Structure](), lines = [Int]()
    do throws(ExtXYZError) {
        let reader = try ExtXYZReader(path: path)
        while let s = try reader.next() {
            structures.append(s)
            lines.append(reader.frameLine)
        }
    } catch {
        throw .unreadable(role: role, error)
    }
    guard !structures.isEmpty else { throw .noConfigurations(role: role, path: path) }
    return (structures, lines)
}
