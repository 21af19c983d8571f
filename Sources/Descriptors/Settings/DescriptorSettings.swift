import Atoms
import Foundation
import Support

/// The settings of one descriptor as a JSON object with DScribe's names, read key by key: what the C ABI,
/// the Python package and `swiftgap describe --settings` all take.
///
/// ```swift
/// let soap = try DescriptorSettings.descriptor(json: #"{"kind": "soap", "species": [1, 8], "r_cut": 5, "n_max": 8, "l_max": 6}"#)
/// ```
///
/// Each kind's reader (`DescriptorKinds`) asks for the keys it knows, then `"pooling"` and `"site_weights"` pool a
/// local descriptor's rows into one per structure (`PooledDescriptor`); a key no reader asked for is an error that
/// names it, never silently ignored.
public struct DescriptorSettings: Sendable {
    /// The descriptor kind (`"soap"`, `"coulomb_matrix"`, …).
    public let kind: String
    /// Where these settings sit, for messages (`"soap settings"`, `"soap weighting"`).
    let context: String
    private let values: [String: JSONValue]
    private var read: Set<String> = ["kind"]

    /// The descriptor that JSON `text` describes.
    /// - Throws: `DescriptorError.invalidSetting` for malformed JSON, an unknown kind or key, a missing or
    ///   mistyped value, or a value out of range.
    public static func descriptor(json text: String) throws(DescriptorError) -> any Descriptor {
        let value: JSONValue
        do { value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) } catch {
            throw .invalidSetting(name: "descriptor settings", value: String(text.prefix(200)), hint: "not valid JSON: \(error)")
        }
        guard case let .object(object) = value else {
            throw .invalidSetting(
                name: "descriptor settings", value: String(text.prefix(200)), hint: "must be a JSON object with a \"kind\"")
        }
        guard case let .string(kind)? = object["kind"] else {
            throw .invalidSetting(
                name: "kind", value: object["kind"].map { "\($0)" } ?? "missing",
                hint: "name the descriptor: one of \(DescriptorKinds.names.joined(separator: ", "))")
        }
        guard let make = DescriptorKinds.readers[kind] else {
            throw .invalidSetting(
                name: "kind", value: kind, hint: "unknown descriptor; use one of \(DescriptorKinds.names.joined(separator: ", "))")
        }
        var settings = DescriptorSettings(kind: kind, context: "\(kind) settings", values: object)
        let descriptor = try PooledDescriptor.pooling(try make(&settings), settings: &settings)
        try settings.refuseUnread()
        return descriptor
    }

    init(kind: String, context: String, values: [String: JSONValue]) {
        self.kind = kind
        self.context = context
        self.values = values
    }

    /// Whether `key` was given (and not null).
    public mutating func contains(_ key: String) -> Bool {
        read.insert(key)
        if case .null? = values[key] { return false }
        return values[key] != nil
    }

    /// A required number.
    public mutating func double(_ key: String) throws(DescriptorError) -> Double {
        guard let v = try optionalDouble(key) else { throw missing(key, "a number") }
        return v
    }

    /// A number, nil when absent or null.
    public mutating func optionalDouble(_ key: String) throws(DescriptorError) -> Double? {
        guard let value = take(key) else { return nil }
        guard case let .number(x) = value, x.isFinite else { throw mistyped(key, value, "a finite number") }
        return x
    }

    /// A required integer.
    public mutating func int(_ key: String) throws(DescriptorError) -> Int {
        guard let v = try optionalInt(key) else { throw missing(key, "an integer") }
        return v
    }

    /// An integer, nil when absent or null.
    public mutating func optionalInt(_ key: String) throws(DescriptorError) -> Int? {
        guard let value = take(key) else { return nil }
        guard case let .number(x) = value, let i = Self.integer(x) else { throw mistyped(key, value, "an integer") }
        return i
    }

    /// A Boolean, `defaultValue` when absent or null.
    public mutating func bool(_ key: String, default defaultValue: Bool) throws(DescriptorError) -> Bool {
        guard let value = take(key) else { return defaultValue }
        guard case let .bool(b) = value else { throw mistyped(key, value, "true or false") }
        return b
    }

    /// A string, nil when absent or null.
    public mutating func optionalString(_ key: String) throws(DescriptorError) -> String? {
        guard let value = take(key) else { return nil }
        guard case let .string(s) = value else { throw mistyped(key, value, "a string") }
        return s
    }

    /// A list of integers, nil when absent or null.
    public mutating func optionalInts(_ key: String) throws(DescriptorError) -> [Int]? {
        guard let value = take(key) else { return nil }
        guard case let .array(items) = value else { throw mistyped(key, value, "a list of integers") }
        var out = [Int]()
        for item in items {
            guard case let .number(x) = item, let i = Self.integer(x) else { throw mistyped(key, value, "a list of integers") }
            out.append(i)
        }
        return out
    }

    /// DScribe's `species`: element symbols or atomic numbers, nil when absent or null.
    public mutating func optionalSpecies(_ key: String = "species") throws(DescriptorError) -> [Int]? {
        guard let value = take(key) else { return nil }
        let expected = "a list of element symbols or atomic numbers"
        guard case let .array(items) = value else { throw mistyped(key, value, expected) }
        var numbers = [Int]()
        for item in items {
            switch item {
            case let .number(x):
                guard let z = Self.integer(x), Element.symbol(z) != nil else {
                    throw invalid(key, x, "\(x) is not an atomic number")
                }
                numbers.append(z)
            case let .string(symbol):
                guard let z = Element.atomicNumber(symbol) else {
                    throw invalid(key, symbol, "'\(symbol)' is not an element symbol")
                }
                numbers.append(z)
            default: throw mistyped(key, value, expected)
            }
        }
        return numbers
    }

    /// A list of finite numbers (`[kappa, …]`), nil when absent or null.
    public mutating func optionalDoubles(_ key: String) throws(DescriptorError) -> [Double]? {
        guard let value = take(key) else { return nil }
        guard case let .array(items) = value else { throw mistyped(key, value, "a list of numbers") }
        var out = [Double]()
        for item in items {
            guard case let .number(x) = item, x.isFinite else { throw mistyped(key, value, "a list of finite numbers") }
            out.append(x)
        }
        return out
    }

    /// A list of rows of `width` numbers each (`[[eta, r_s], …]`), nil when absent or null.
    public mutating func optionalRows(_ key: String, width: Int) throws(DescriptorError) -> [[Double]]? {
        guard let value = take(key) else { return nil }
        let expected = "a list of [\(Array(repeating: "number", count: width).joined(separator: ", "))] rows"
        guard case let .array(items) = value else { throw mistyped(key, value, expected) }
        var rows = [[Double]]()
        for item in items {
            guard case let .array(entries) = item, entries.count == width else { throw mistyped(key, value, expected) }
            var row = [Double]()
            for entry in entries {
                guard case let .number(x) = entry, x.isFinite else { throw mistyped(key, value, expected) }
                row.append(x)
            }
            rows.append(row)
        }
        return rows
    }

    /// A nested object (DScribe's `weighting`, MBTR's `geometry`/`grid`), nil when absent or null; read it
    /// like the outer settings, then call `refuseUnread()` on it.
    public mutating func optionalObject(_ key: String) throws(DescriptorError) -> DescriptorSettings? {
        guard let value = take(key) else { return nil }
        guard case let .object(object) = value else { throw mistyped(key, value, "a JSON object") }
        var nested = DescriptorSettings(kind: kind, context: "\(kind) \(key)", values: object)
        nested.read = []
        return nested
    }

    /// An invalid-setting error for `key` with `value` and what is allowed.
    public func invalid(_ key: String, _ value: some CustomStringConvertible, _ hint: String) -> DescriptorError {
        .invalidSetting(name: "\(context): \(key)", value: "\(value)", hint: hint)
    }

    /// Throws for the first key no reader asked for.
    public func refuseUnread() throws(DescriptorError) {
        if let unknown = values.keys.sorted().first(where: { !read.contains($0) }) {
            throw .invalidSetting(
                name: context, value: unknown,
                hint: "unknown key; this descriptor takes \(read.sorted().joined(separator: ", "))")
        }
    }

    private mutating func take(_ key: String) -> JSONValue? {
        read.insert(key)
        if case .null? = values[key] { return nil }
        return values[key]
    }

    private func missing(_ key: String, _ what: String) -> DescriptorError {
        let given = values.keys.sorted().first { !read.contains($0) && Self.similar($0, key) }
        let hint = given.map { "give \(what) (the settings have '\($0)': did you mean '\(key)'?)" } ?? "give \(what)"
        return .invalidSetting(name: "\(context): \(key)", value: "missing", hint: hint)
    }

    /// Whether `a` looks like a misspelling of `b`: equal up to case and underscores, or one edit apart.
    private static func similar(_ a: String, _ b: String) -> Bool {
        func plain(_ s: String) -> [Character] { Array(s.lowercased().filter { $0 != "_" && $0 != "-" }) }
        let x = plain(a), y = plain(b)
        if x == y { return true }
        guard abs(x.count - y.count) <= 1, !x.isEmpty, !y.isEmpty else { return false }
        // Levenshtein distance, one row of the table at a time.
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var row = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[y.count] <= 1
    }

    private func mistyped(_ key: String, _ value: JSONValue, _ what: String) -> DescriptorError {
        .invalidSetting(name: "\(context): \(key)", value: "\(value)", hint: "must be \(what)")
    }

    private static func integer(_ x: Double) -> Int? {
        guard x.rounded() == x, abs(x) < 9.0e15 else { return nil }
        return Int(x)
    }
}
