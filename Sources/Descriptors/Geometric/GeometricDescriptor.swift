import Atoms

/// A low-dimensional descriptor of a GAP term, one of QUIP's: `distance_2b` or `angle_3b`. Stored in
/// potential files as `{"distance_2b": {…}}` or `{"angle_3b": {…}}`.
public enum GeometricDescriptor: Codable, Equatable, Sendable {
    /// Pair distances.
    case distance2b(DistanceTwoBody)
    /// Triplets around a center.
    case angle3b(AngleThreeBody)

    /// QUIP's name of the descriptor.
    public var name: String {
        switch self {
        case .distance2b: "distance_2b"
        case .angle3b: "angle_3b"
        }
    }

    /// Length of an instance's vector.
    public var dimension: Int {
        switch self {
        case .distance2b: 1
        case .angle3b: 3
        }
    }

    /// The cutoff function.
    public var cutoff: CosineCutoff {
        switch self {
        case let .distance2b(d): d.cutoff
        case let .angle3b(d): d.cutoff
        }
    }

    /// The elements the descriptor is restricted to (0: any), in QUIP's order (Z1, Z2 or Z, Z1, Z2).
    public var species: [Int] {
        switch self {
        case let .distance2b(d): [d.z1, d.z2]
        case let .angle3b(d): [d.z, d.z1, d.z2]
        }
    }

    /// A short description: name, cutoff and elements, e.g. "distance_2b Si–C, cutoff 5 Å".
    public var summary: String {
        let elements = species.map { $0 == 0 ? "*" : Element.label($0) }.joined(separator: "–")
        return "\(name) \(elements), cutoff \(cutoff.cutoff) Å (transition \(cutoff.width) Å)"
    }

    /// Checks the settings.
    /// - Throws: `DescriptorError.invalidSetting`.
    public func validate() throws(DescriptorError) {
        switch self {
        case let .distance2b(d): try d.validate()
        case let .angle3b(d): try d.validate()
        }
    }

    /// The instances of `s` from a full neighbor list at least as long as the cutoff.
    public func instances(of s: Structure, list: NeighborList, gradients: Bool) -> GeometricInstances {
        switch self {
        case let .distance2b(d): d.instances(of: s, list: list, gradients: gradients)
        case let .angle3b(d): d.instances(of: s, list: list, gradients: gradients)
        }
    }

    enum CodingKeys: String, CodingKey {
        case distance2b = "distance_2b", angle3b = "angle_3b"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "a descriptor is one object keyed distance_2b or angle_3b"))
        }
        switch key {
        case .distance2b: self = .distance2b(try c.decode(DistanceTwoBody.self, forKey: key))
        case .angle3b: self = .angle3b(try c.decode(AngleThreeBody.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .distance2b(d): try c.encode(d, forKey: .distance2b)
        case let .angle3b(d): try c.encode(d, forKey: .angle3b)
        }
    }
}
