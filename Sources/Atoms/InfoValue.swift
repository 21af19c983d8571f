/// One value of a structure's info dictionary (an extxyz comment-line key), typed as ASE types it.
public enum InfoValue: Equatable, Sendable {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case string(String)
    case ints([Int])
    case doubles([Double])
    case bools([Bool])
    case strings([String])
    /// A `_JSON` value, kept as its raw JSON text (without the `_JSON ` prefix).
    case json(String)

    /// The value as a number, when it is one (an integer is widened).
    public var doubleValue: Double? {
        switch self {
        case let .double(x): return x
        case let .int(n): return Double(n)
        default: return nil
        }
    }

    /// The value as a list of numbers, when it is numeric (a scalar gives one element).
    public var doublesValue: [Double]? {
        switch self {
        case let .doubles(xs): return xs
        case let .ints(ns): return ns.map(Double.init)
        case let .double(x): return [x]
        case let .int(n): return [Double(n)]
        default: return nil
        }
    }

    /// The value as text, when it is a string.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// A short name of the value's type, for messages and summaries.
    public var typeName: String {
        switch self {
        case .int: return "int"
        case .double: return "real"
        case .bool: return "bool"
        case .string: return "string"
        case .ints: return "int array"
        case .doubles: return "real array"
        case .bools: return "bool array"
        case .strings: return "string array"
        case .json: return "json"
        }
    }
}
