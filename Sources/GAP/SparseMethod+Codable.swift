/// Stored as "cur", "random", "fps" or "uniform", or as the list of indices.
extension SparseMethod: Codable, CustomStringConvertible {
    /// "cur", "random", "fps", "uniform", or "file" for given indices (as the command line spells them).
    public var description: String {
        switch self {
        case .cur: return "cur"
        case .random: return "random"
        case .fps: return "fps"
        case .uniform: return "uniform"
        case .indices: return "file"
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let indices = try? c.decode([Int].self) {
            self = .indices(indices)
            return
        }
        switch try c.decode(String.self) {
        case "cur": self = .cur
        case "random": self = .random
        case "fps": self = .fps
        case "uniform": self = .uniform
        case "file", "indices": self = .indices([])
        case let other:
            throw DecodingError.dataCorruptedError(
                in: c, debugDescription: "unknown sparse method '\(other)' (cur, random, fps, uniform or file)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if case let .indices(list) = self, !list.isEmpty { try c.encode(list) } else { try c.encode(description) }
    }
}
