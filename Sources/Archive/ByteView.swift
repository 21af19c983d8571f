/// Bounds-checked little-endian reads from an archive's bytes. Every read checks its range without
/// overflowing, and every offset or size read from the file is checked against the bytes there are.
struct ByteView {
    /// The bytes.
    let raw: UnsafeRawBufferPointer
    /// The archive, for errors.
    let path: String

    /// The byte count.
    var count: Int { raw.count }

    /// An error about the archive or one of its entries.
    func fail(_ problem: String, entry: String? = nil) -> NPZError { NPZError(path: path, entry: entry, problem: problem) }

    /// The little-endian integer at `at`.
    private func load<T: FixedWidthInteger>(_ at: Int, _ type: T.Type, entry: String?) throws(NPZError) -> T {
        guard at >= 0, at <= raw.count - MemoryLayout<T>.size else {
            throw fail(
                "is truncated (a \(MemoryLayout<T>.size)-byte field at offset \(at) lies past the end, \(raw.count) bytes)",
                entry: entry)
        }
        return T(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: T.self))
    }

    /// The 16-bit field at `at`.
    func u16(_ at: Int, entry: String? = nil) throws(NPZError) -> Int { Int(try load(at, UInt16.self, entry: entry)) }

    /// The 32-bit field at `at`.
    func u32(_ at: Int, entry: String? = nil) throws(NPZError) -> Int { Int(try load(at, UInt32.self, entry: entry)) }

    /// The 64-bit offset or size `what` at `at`, which must not exceed the byte count.
    func offset64(_ at: Int, _ what: String, entry: String? = nil) throws(NPZError) -> Int {
        let value = try load(at, UInt64.self, entry: entry)
        guard value <= UInt64(raw.count) else {
            throw fail("has \(what) \(value), beyond the \(raw.count) bytes there are", entry: entry)
        }
        return Int(value)
    }

    /// Checks that the offset or size `what` does not exceed the byte count.
    func bounded(_ value: Int, _ what: String, entry: String? = nil) throws(NPZError) -> Int {
        guard value >= 0, value <= raw.count else {
            throw fail("has \(what) \(value), beyond the \(raw.count) bytes there are", entry: entry)
        }
        return value
    }

    /// The bytes `start..<start + length`; both were checked against the byte count, so the sum cannot overflow.
    func slice(_ start: Int, _ length: Int, _ what: String, entry: String? = nil) throws(NPZError) -> UnsafeRawBufferPointer {
        guard start >= 0, length >= 0, start <= raw.count, length <= raw.count - start else {
            throw fail("is truncated (\(what): \(length) bytes at offset \(start), file has \(raw.count))", entry: entry)
        }
        return UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
    }
}
