/// Any JSON value, decoded with `JSONDecoder` (which parses numbers exactly; Foundation's
/// `JSONSerialization` on Linux does not).
public enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// The number, if this is one.
    public var number: Double? { if case let .number(x) = self { x } else { nil } }

    /// All numbers of a (nested) array in row-major order, if it holds only numbers.
    public var flatNumbers: [Double]? {
        switch self {
        case let .number(x): return [x]
        case let .array(items):
            var out = [Double]()
            for item in items {
                guard let v = item.flatNumbers else { return nil }
                out += v
            }
            return out
        default: return nil
        }
    }

    /// Member `key` of an object.
    public subscript(key: String) -> JSONValue? { if case let .object(o) = self { o[key] } else { nil } }
}
