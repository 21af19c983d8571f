import Atoms

/// QUIP's `angle_3b` descriptor: around each center i, one instance per ordered pair of distinct neighbors
/// (j, k) closer than the cutoff, x = (r_ij + r_ik, (r_ij − r_ik)², r_jk) — symmetric in j and k — weighted by
/// f_c(r_ij) f_c(r_ik); optionally only centers of element Z and neighbor pairs of elements {Z1, Z2}.
public struct AngleThreeBody: Codable, Equatable, Sendable {
    /// Cutoff and transition width of f_c.
    public var cutoff: CosineCutoff
    /// The center's element (0: any).
    public var z: Int
    /// The neighbors' elements, in either order (0: any).
    public var z1: Int, z2: Int

    /// A descriptor; `validate()` checks it.
    public init(cutoff: CosineCutoff, z: Int = 0, z1: Int = 0, z2: Int = 0) {
        self.cutoff = cutoff
        self.z = z
        self.z1 = z1
        self.z2 = z2
    }

    /// Checks the cutoff and the elements.
    /// - Throws: `DescriptorError.invalidSetting`.
    public func validate() throws(DescriptorError) {
        try cutoff.validate("angle_3b")
        for (name, element) in [("Z", z), ("Z1", z1), ("Z2", z2)] where element != 0 && Element.symbol(element) == nil {
            throw .invalidSetting(name: "angle_3b \(name)", value: "\(element)", hint: "must be 0 (any) or an atomic number")
        }
    }

    /// The instances of `s`, from a full neighbor list `list` whose cutoff is at least this one's.
    public func instances(of s: Structure, list: NeighborList, gradients: Bool) -> GeometricInstances {
        var out = GeometricInstances(dimension: 3, gradients: gradients)
        let numbers = s.atomicNumbers
        var pairs = [Int]()  // the pairs of center i within the cutoff, one buffer for all centers
        for i in 0..<s.count where z == 0 || numbers[i] == z {
            pairs.removeAll(keepingCapacity: true)
            for p in list.pairs(of: i) where list.distances[p] < cutoff.cutoff { pairs.append(p) }
            for pj in pairs {
                let j = Int(list.neighbors[pj])
                let j1 = z1 == 0 || numbers[j] == z1, j2 = z2 == 0 || numbers[j] == z2
                for pk in pairs where pk != pj {
                    let k = Int(list.neighbors[pk])
                    let k1 = z1 == 0 || numbers[k] == z1, k2 = z2 == 0 || numbers[k] == z2
                    guard (j1 && k2) || (j2 && k1) else { continue }
                    let dij = list.vectors[pj], dik = list.vectors[pk]
                    let djk = dik - dij
                    let rjk = (djk * djk).sum().squareRoot()
                    guard rjk > 0 else { continue }
                    let rij = list.distances[pj], rik = list.distances[pk]
                    let (fj, dfj) = cutoff(rij), (fk, dfk) = cutoff(rik)
                    let uij = dij / rij, uik = dik / rik, ujk = djk / rjk
                    // x1 = r_ij + r_ik, x2 = (r_ij − r_ik)², x3 = |D_ik − D_ij|; w = f_c(r_ij) f_c(r_ik).
                    let difference = rij - rik
                    out.append(
                        center: i, value: (rij + rik, difference * difference, rjk), weight: fj * fk,
                        legs: .init(neighbor: j, vector: dij, dx: (uij, 2 * difference * uij, -ujk), dw: fk * dfj * uij),
                        .init(neighbor: k, vector: dik, dx: (uik, -2 * difference * uik, ujk), dw: fj * dfk * uik))
                }
            }
        }
        return out
    }
}
