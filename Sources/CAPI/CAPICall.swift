import LinearAlgebra

/// How every C entry point reports: a status (0 success, 1 failure) and, on failure, the error's text in the
/// caller's buffer. Errors never cross the language boundary as anything but text.
enum CAPIStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
}

/// An error of the C ABI itself: arguments a C caller got wrong (null pointers, negative sizes, bad JSON).
struct CAPIError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}

/// Set once, before the first call does any work: OpenBLAS's own threads would compete with SwiftGAP's parallel
/// loops and spin between the many small products a descriptor or potential makes (as in the command-line tool).
private let singleThreadedBLAS: Void = BLASThreads.set(1)

/// Runs `body`; on error writes its text (UTF-8, truncated at a character boundary, NUL-terminated) into
/// `buffer` of `capacity` bytes and returns `CAPIStatus.failure`.
func capiCall(
    error buffer: UnsafeMutablePointer<CChar>?, capacity: Int64, _ body: () throws -> Void
) -> Int32 {
    singleThreadedBLAS
    do {
        try body()
        return CAPIStatus.success
    } catch {
        write(String(describing: error), to: buffer, capacity: capacity)
        return CAPIStatus.failure
    }
}

/// Copies `text` into a C buffer of `capacity` bytes, NUL-terminated, cut at a UTF-8 character boundary.
func write(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: Int64) {
    guard let buffer, capacity > 0 else { return }
    var bytes = Array(text.utf8)
    if bytes.count > Int(capacity) - 1 {
        bytes = Array(bytes[0..<(Int(capacity) - 1)])
        // Drop the last character when it was cut: find its lead byte (continuation bytes are 10xxxxxx) and
        // compare the length the lead byte announces with the bytes kept.
        if var start = bytes.indices.last {
            while start > 0, bytes[start] & 0xC0 == 0x80 { start -= 1 }
            let lead = bytes[start]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            if bytes.count - start < length { bytes.removeSubrange(start...) }
        }
    }
    for (k, b) in bytes.enumerated() { buffer[k] = CChar(bitPattern: b) }
    buffer[bytes.count] = 0
}

/// A non-null pointer argument, or a `CAPIError` naming it.
func required<T>(_ pointer: T?, _ name: String) throws -> T {
    guard let pointer else { throw CAPIError("\(name) must not be NULL") }
    return pointer
}
