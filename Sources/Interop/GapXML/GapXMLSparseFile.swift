import Foundation
import Support

/// A sparseX file as gap_fit writes it beside a GAP XML (`sparse_separate_file=T`): the M × D sparse points as
/// text, one value a line, point after point, with its MD5 sum recorded in the XML (`sparseX_md5sum`).
enum GapXMLSparseFile {
    /// The `count` values of the sparseX file `name`, looked up in `folder` (QUIP reads it from beside the XML).
    /// - Throws: `GapXMLError.sparseFile` when the file is missing, unreadable, larger than its values can be,
    ///   not `md5` (when given), holds a word that is not a number, or holds more or fewer than `count` values.
    static func read(name: String, folder: String, md5: String?, count: Int, xml: String) throws(GapXMLError) -> [Double] {
        func fail(_ detail: String) -> GapXMLError { .sparseFile(file: xml, sparseFile: name, detail: detail) }
        // gap_fit writes the bare name (it strips any folder); a path could reach files that are not the model's.
        guard !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
            throw fail("must be a file name beside the XML, as gap_fit writes it")
        }
        let path = (folder as NSString).appendingPathComponent(name)
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw fail("does not exist in \(folder); keep the sparseX files gap_fit wrote beside the XML")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        // A value takes at least 2 bytes (a digit and a newline); QUIP writes about 28.
        guard size <= 64 * max(count, 1) + 4096 else {
            throw fail("has \(size) bytes, far more than \(count) values need: it is not this model's file")
        }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw fail("cannot be read: \(error.localizedDescription)")
        }
        if let md5, !md5.trimmingCharacters(in: .whitespaces).isEmpty {
            let sum = MD5.hash(data: data).map { String(format: "%02x", $0) }.joined()
            guard sum == md5.trimmingCharacters(in: .whitespaces).lowercased() else {
                throw fail(
                    "has MD5 sum \(sum), but the XML records \(md5): it was changed or belongs to another model; "
                        + "use the sparseX files written with this XML")
            }
        }
        var problem: GapXMLError?
        let values = GapXMLNumbers.parse(
            data, limit: count,
            invalid: { line, word in problem = fail("line \(line): '\(word)' is not a finite number") },
            tooMany: { problem = fail("holds more than the \(count) values the XML declares") })
        guard let values else { throw problem ?? fail("cannot be read") }
        guard values.count == count else {
            throw fail("holds \(values.count) values, but the XML declares \(count) (n_sparseX × dimensions): it is truncated")
        }
        return values
    }
}
