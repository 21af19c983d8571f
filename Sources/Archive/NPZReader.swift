import Foundation

/// Reads NumPy `.npz` archives of uncompressed float64, int64 and uint8 arrays (what `NPZWriter` and
/// `numpy.savez` write), checking every entry's CRC.
public struct NPZReader: Sendable {
    /// One array: its shape and values (float64 and int64 arrays as doubles and ints, uint8 as bytes).
    public enum Array: Sendable, Equatable {
        case doubles([Double], shape: [Int])
        case ints([Int], shape: [Int])
        case bytes([UInt8], shape: [Int])
    }

    /// The arrays by name (without `.npy`).
    public let arrays: [String: Array]

    /// Reads the archive at `path`.
    /// - Throws: `NPZError` naming the file and what is wrong (truncated, corrupt, unsupported).
    public init(path: String) throws(NPZError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPZError(path: path, problem: "cannot be read")
        }
        arrays = try data.withUnsafeBytes { raw in
            Result { () throws(NPZError) in try Self.parse(raw, path: path) }
        }.get()
    }

    /// The float64 array `name`, nil when absent or of another type.
    public func doubles(_ name: String) -> (values: [Double], shape: [Int])? {
        if case let .doubles(v, s)? = arrays[name] { return (v, s) }
        return nil
    }

    /// The int64 array `name`.
    public func ints(_ name: String) -> (values: [Int], shape: [Int])? {
        if case let .ints(v, s)? = arrays[name] { return (v, s) }
        return nil
    }

    /// The uint8 array `name` as UTF-8 text.
    public func text(_ name: String) -> String? {
        if case let .bytes(v, _)? = arrays[name] { return String(decoding: v, as: UTF8.self) }
        return nil
    }

    private static func parse(_ raw: UnsafeRawBufferPointer, path: String) throws(NPZError) -> [String: Array] {
        func fail(_ problem: String) -> NPZError { NPZError(path: path, problem: problem) }
        func u16(_ at: Int) throws(NPZError) -> Int {
            guard at >= 0, at + 2 <= raw.count else { throw fail("is truncated") }
            return Int(raw.loadUnaligned(fromByteOffset: at, as: UInt16.self).littleEndian)
        }
        func u32(_ at: Int) throws(NPZError) -> Int {
            guard at >= 0, at + 4 <= raw.count else { throw fail("is truncated") }
            return Int(raw.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
        }
        func u64(_ at: Int) throws(NPZError) -> Int {
            guard at >= 0, at + 8 <= raw.count else { throw fail("is truncated") }
            return Int(raw.loadUnaligned(fromByteOffset: at, as: UInt64.self).littleEndian)
        }
        // End of central directory: the last signature 0x06054b50 within the final 64 kB.
        var eocd = -1
        var at = raw.count - 22
        while at >= max(0, raw.count - 65_557) {
            if try u32(at) == 0x0605_4B50 { eocd = at; break }
            at -= 1
        }
        guard eocd >= 0 else { throw fail("is not a zip archive (truncated or corrupt)") }
        var entries = try u16(eocd + 10)
        var centralOffset = try u32(eocd + 16)
        if entries == 0xFFFF || centralOffset == 0xFFFF_FFFF {
            // ZIP64 end record, through its locator just before the end record.
            guard eocd >= 20, try u32(eocd - 20) == 0x0706_4B50 else { throw fail("has a damaged ZIP64 locator") }
            let record = try u64(eocd - 12)
            guard try u32(record) == 0x0606_4B50 else { throw fail("has a damaged ZIP64 end record") }
            entries = try u64(record + 32)
            centralOffset = try u64(record + 48)
        }
        var out = [String: Array]()
        var cursor = centralOffset
        for _ in 0..<entries {
            guard try u32(cursor) == 0x0201_4B50 else { throw fail("has a corrupt central directory") }
            let method = try u16(cursor + 10), crc = UInt32(try u32(cursor + 16))
            var size = try u32(cursor + 24)
            let nameLength = try u16(cursor + 28), extraLength = try u16(cursor + 30), commentLength = try u16(cursor + 32)
            var local = try u32(cursor + 42)
            guard cursor + 46 + nameLength <= raw.count else { throw fail("is truncated") }
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: raw[(cursor + 46)..<(cursor + 46 + nameLength)]), as: UTF8.self)
            // ZIP64 extra field: sizes and offset that did not fit, in that order.
            var extra = cursor + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                if id == 0x0001 {
                    var field = extra + 4
                    if size == 0xFFFF_FFFF {
                        size = try u64(field)
                        field += 16   // uncompressed, then compressed size (equal for stored entries)
                    }
                    if local == 0xFFFF_FFFF { local = try u64(field) }
                }
                extra += 4 + length
            }
            cursor = extraEnd + commentLength
            guard method == 0 else { throw fail("entry \(name) is compressed; only stored archives are supported") }
            guard try u32(local) == 0x0403_4B50 else { throw fail("entry \(name) has a corrupt local header") }
            let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
            guard start + size <= raw.count else { throw fail("entry \(name) is truncated") }
            let body = UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)])
            var check = CRC32()
            check.update(body)
            guard check.value == crc else { throw fail("entry \(name) is corrupt (checksum mismatch)") }
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            out[key] = try npy(body, name: name, fail: fail)
        }
        return out
    }

    /// Parses one `.npy` payload.
    private static func npy(_ body: UnsafeRawBufferPointer, name: String, fail: (String) -> NPZError) throws(NPZError) -> Array {
        guard body.count >= 10, body[0] == 0x93, String(decoding: UnsafeRawBufferPointer(rebasing: body[1..<6]), as: UTF8.self) == "NUMPY"
        else { throw fail("entry \(name) is not a .npy array") }
        let major = body[6]
        let headerLength = major == 1 ? Int(body[8]) | Int(body[9]) << 8
            : Int(body[8]) | Int(body[9]) << 8 | Int(body[10]) << 16 | Int(body[11]) << 24
        let headerStart = major == 1 ? 10 : 12
        guard headerStart + headerLength <= body.count else { throw fail("entry \(name) has a truncated header") }
        let header = String(decoding: UnsafeRawBufferPointer(rebasing: body[headerStart..<(headerStart + headerLength)]), as: UTF8.self)
        guard !header.contains("'fortran_order': True") else { throw fail("entry \(name) is Fortran-ordered") }
        guard let descrRange = header.range(of: "'descr': '"), let shapeStart = header.range(of: "'shape': (") else {
            throw fail("entry \(name) has an unreadable header")
        }
        let descr = String(header[descrRange.upperBound...].prefix { $0 != "'" })
        let shapeText = header[shapeStart.upperBound...].prefix { $0 != ")" }
        let shape = shapeText.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let data = UnsafeRawBufferPointer(rebasing: body[(headerStart + headerLength)...])
        let width = descr == "|u1" ? 1 : 8
        guard data.count == count * width else { throw fail("entry \(name) holds \(data.count) bytes, expected \(count * width)") }
        switch descr {
        case "<f8":
            return .doubles((0..<count).map { Double(bitPattern: data.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self).littleEndian) }, shape: shape)
        case "<i8":
            return .ints((0..<count).map { Int(Int64(littleEndian: data.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }, shape: shape)
        case "|u1":
            return .bytes(Swift.Array(data), shape: shape)
        default:
            throw fail("entry \(name) has dtype \(descr); float64, int64 and uint8 are supported")
        }
    }
}

/// An `.npz` archive could not be read.
public struct NPZError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The archive.
    public let path: String
    /// What is wrong.
    public let problem: String

    public var description: String { "\(path) \(problem)" }
}
