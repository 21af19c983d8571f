import Foundation

/// Reads NumPy `.npz` archives of uncompressed float64, int64 and uint8 arrays (what `NPZWriter` and
/// `numpy.savez` write), checking every entry's CRC and every size the archive states before anything is
/// allocated, so a damaged or hostile file is an `NPZError`, never a crash.
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
    /// - Throws: `NPZError` naming the file, the entry and what is wrong (truncated, corrupt, unsupported).
    public init(path: String) throws(NPZError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw NPZError(path: path, problem: "cannot be read (missing or not readable)")
        }
        try self.init(bytes: data, name: path)
    }

    /// Reads an archive held in memory; `name` stands for the file in errors.
    /// - Throws: `NPZError` naming `name`, the entry and what is wrong.
    public init(bytes: some ContiguousBytes, name: String) throws(NPZError) {
        arrays = try bytes.withUnsafeBytes { raw in
            Result { () throws(NPZError) in try Self.parse(ByteView(raw: raw, path: name)) }
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

    private static func parse(_ view: ByteView) throws(NPZError) -> [String: Array] {
        var out = [String: Array]()
        try ZipEntries.forEach(in: view) { (name, body) throws(NPZError) in
            let key = name.hasSuffix(".npy") ? String(name.dropLast(4)) : name
            guard out[key] == nil else { throw view.fail("appears twice", entry: name) }
            out[key] = try NPYArray.parse(body, name: name, view: view)
        }
        return out
    }
}
