import Support

/// Writes NumPy `.npz` archives that `numpy.load` opens: a zip of uncompressed `.npy` arrays (ZIP64 when
/// an array or the archive passes 4 GB), written atomically.
public struct NPZWriter {
    private enum Payload {
        case doubles([Double])
        case ints([Int64])
        case bytes([UInt8])
        /// `count` float64 values handed over piece by piece.
        case pieces(count: Int, DoublePieces)

        /// The payload's size in bytes and its content, piece by piece.
        var size: Int {
            switch self {
            case let .doubles(v): return v.count * 8
            case let .ints(v): return v.count * 8
            case let .bytes(v): return v.count
            case let .pieces(count, _): return count * 8
            }
        }

        /// Hands the content to `visit` (one piece, or the pieces of a `.pieces` payload).
        func visit(_ visit: (UnsafeRawBufferPointer) throws(AtomicFileError) -> Void) throws(AtomicFileError) {
            // `withUnsafeBytes` rethrows untyped errors: the typed one travels in a `Result`.
            func whole(_ raw: UnsafeRawBufferPointer) -> Result<Void, AtomicFileError> {
                Result { () throws(AtomicFileError) in try visit(raw) }
            }
            switch self {
            case let .doubles(v): try v.withUnsafeBytes(whole).get()
            case let .ints(v): try v.withUnsafeBytes(whole).get()
            case let .bytes(v): try v.withUnsafeBytes(whole).get()
            case let .pieces(_, pieces): try pieces { values throws(AtomicFileError) in try visit(UnsafeRawBufferPointer(values)) }
            }
        }
    }

    /// Hands the values of a large array to `visit`, piece by piece and in order.
    public typealias DoublePieces =
        (_ visit: (UnsafeBufferPointer<Double>) throws(AtomicFileError) -> Void) throws(AtomicFileError) -> Void

    private var entries: [(name: String, header: [UInt8], payload: Payload)] = []

    /// An empty archive.
    public init() {}

    /// Adds a float64 array of the given shape (row-major; the element count must match the shape).
    public mutating func add(_ name: String, _ values: [Double], shape: [Int]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        entries.append((name, Self.header(descr: "<f8", shape: shape), .doubles(values)))
    }

    /// Adds a 1-D float64 array of `count` values that `pieces` hands over in order. It runs twice when the
    /// archive is written (checksum, then the bytes), so a large array that lives in pieces (e.g. the columns
    /// of a triangle) is never gathered into one buffer; the pieces must hold exactly `count` values.
    public mutating func add(_ name: String, count: Int, pieces: @escaping DoublePieces) {
        entries.append((name, Self.header(descr: "<f8", shape: [count]), .pieces(count: count, pieces)))
    }

    /// Adds an int64 array of the given shape.
    public mutating func add(_ name: String, _ values: [Int], shape: [Int]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        entries.append((name, Self.header(descr: "<i8", shape: shape), .ints(values.map(Int64.init))))
    }

    /// Adds `npy`, a complete `.npy` file, as it is and unchecked (for testing readers on any payload).
    public mutating func add(_ name: String, npy: [UInt8]) {
        entries.append((name, [], .bytes(npy)))
    }

    /// Adds UTF-8 text as a 1-D uint8 array (`bytes(npz[name]).decode()` gives it back).
    public mutating func add(_ name: String, text: String) {
        let bytes = Array(text.utf8)
        entries.append((name, Self.header(descr: "|u1", shape: [bytes.count]), .bytes(bytes)))
    }

    /// Writes the archive to `path` atomically. `zip64Limit` lowers the size at which ZIP64 records are
    /// used (for tests; the default is the zip format's 4 GB limit).
    public func write(to path: String, zip64Limit: UInt64 = 0xFFFF_FFFF) throws(AtomicFileError) {
        let file = try AtomicFile(path: path)
        _ = try archive(into: file, zip64Limit: zip64Limit)
        try file.commit()
    }

    /// The archive as bytes in memory.
    public func bytes() -> [UInt8] {
        do { return try archive(into: [UInt8](), zip64Limit: 0xFFFF_FFFF) } catch {
            preconditionFailure("writing to memory cannot fail: \(error)")
        }
    }

    /// Writes every entry and the central directory to `sink`, and returns the sink.
    private func archive<Sink: ZipSink>(into sink: Sink, zip64Limit: UInt64) throws(AtomicFileError) -> Sink {
        var zip = ZipWriter(sink: sink, zip64Limit: zip64Limit)
        for entry in entries {
            try zip.addStored(name: entry.name + ".npy", header: entry.header, bodySize: entry.payload.size) {
                visit throws(AtomicFileError) in try entry.payload.visit(visit)
            }
        }
        try zip.finish()
        return zip.sink
    }

    /// The `.npy` version 1.0 header of a little-endian C-order array, padded to a multiple of 64 bytes.
    public static func header(descr: String, shape: [Int]) -> [UInt8] {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(dims), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }
}
