import Atoms

/// Stored as "isolated", "average" or "fit", or as the given values by element symbol ({"Si": -158.54}).
extension E0Mode: Codable, CustomStringConvertible {
    /// As `init?(_:)` parses it: isolated, average, fit, or Si=-158.54,O=-432.1.
    public var description: String {
        switch self {
        case .isolated: return "isolated"
        case .average: return "average"
        case .fit: return "fit"
        case let .explicit(values):
            return values.sorted { $0.key < $1.key }.map { "\(Element.label($0.key))=\($0.value)" }.joined(separator: ",")
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let values = try? c.decode([String: Double].self) {
            self = .explicit(try ElementKeyed.decode(values, codingPath: c.codingPath))
            return
        }
        let text = try c.decode(String.self)
        guard let mode = E0Mode(text) else {
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown e0 method '\(text)' (isolated, average, fit or values)")
        }
        self = mode
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if case let .explicit(values) = self { try c.encode(ElementKeyed.encode(values)) } else { try c.encode(description) }
    }
}
