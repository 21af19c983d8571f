import Atoms

/// QUIP's `distance_2b` descriptor: one instance per ordered pair (i, j) of atoms closer than the cutoff
/// (both orders, periodic images included), x = r_ij, weighted by the cosine cutoff; optionally only pairs
/// of the elements Z1 and Z2 (in either order).
public struct DistanceTwoBody: Codable, Equatable, Sendable {
    /// Cutoff and transition width.
    public var cutoff: CosineCutoff
    /// The elements of the pair (0: any).
    public var z1: Int, z2: Int

    /// A descriptor; `validate()` checks it.
    public init(cutoff: CosineCutoff, z1: Int = 0, z2: Int = 0) {
        self.cutoff = cutoff
        self.z1 = z1
        self.z2 = z2
    }

    /// Checks the cutoff and the elements.
    /// - Throws: `DescriptorError.invalidSetting`.
    public func validate() throws(DescriptorError) {
        try cutoff.validate("distance_2b")
        for (name, z) in [("Z1", z1), ("Z2", z2)] where z != 0 && Element.symbol(z) == nil {
            throw .invalidSetting(name: "distance_2b \(name)", value: "\(z)", hint: "must be 0 (any) or an atomic number")
        }
    }

    /// Whether a pair of atoms with atomic numbers `a` (center) and `b` belongs to the descriptor.
    @inline(__always)
    func matches(_ a: Int, _ b: Int) -> Bool {
        let a1 = z1 == 0 || a == z1, a2 = z2 == 0 || a == z2
        let b1 = z1 == 0 || b == z1, b2 = z2 == 0 || b == z2
        return (a1 && b2) || (a2 && b1)
    }

    /// The instances of `s`, from a full neighbor list `list` whose cutoff is at least this one's.
    public func instances(of s: Structure, list: NeighborList, gradients: Bool) -> GeometricInstances {
        var out = GeometricInstances(dimension: 1, gradients: gradients)
        let z = s.atomicNumbers
        for i in 0..<s.count {
            for p in list.pairs(of: i) {
                let r = list.distances[p], j = Int(list.neighbors[p])
                guard r < cutoff.cutoff, matches(z[i], z[j]) else { continue }
                let (w, dw) = cutoff(r)
                let u = list.vectors[p] / r
                out.append(
                    center: i, value: (r, 0, 0), weight: w,
                    legs: .init(neighbor: j, vector: list.vectors[p], dx: (u, .zero, .zero), dw: dw * u))
            }
        }
        return out
    }
}
