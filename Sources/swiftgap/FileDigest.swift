import Foundation
import Support

/// The SHA-256 of a file, recorded in a potential's fit record so that it says exactly which data it saw.
enum FileDigest {
    /// The digest of the file at `path` as 64 lowercase hexadecimal characters, read in 1 MiB chunks.
    /// - Throws: `FileDigestError` naming the file when it cannot be read.
    static func sha256(ofFile path: String) throws(FileDigestError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw FileDigestError(path: path) }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 1 << 20) ?? Data() } catch { throw FileDigestError(path: path) }
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// A file that could not be read to compute its digest.
struct FileDigestError: Error, CustomStringConvertible {
    /// The file.
    let path: String
    var description: String { "\(path): cannot be read to record its SHA-256" }
}
