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

/// The frames of a --test (or --calibration) file, read before the fit: every element must be in the training set.
/// - Throws: `DataFileError` naming the file by its `role` (and the line of the first frame with a new element).
func readTestFrames(
    _ path: String, trainingElements: Set<Int>, role: String = "test file"
) throws(DataFileError) -> [Structure] {
    let (frames, lines) = try readFrames(path, role: role)
    for (k, s) in frames.enumerated() {
        if let z = s.atomicNumbers.first(where: { !trainingElements.contains($0) }) {
            throw .elementNotInTraining(
                role: role, path: path, line: lines[k], configuration: k, element: z, training: trainingElements.sorted())
        }
    }
    return frames
}
