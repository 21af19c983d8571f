import Atoms
import Support

/// Silicon configurations of the kinds a general-purpose Si potential must know: bulk diamond under
/// strain (including shear) with thermal rattling, a vacancy, a tetrahedral self-interstitial, and
/// (100) and (111) slabs with vacuum. Every random choice follows from `seed`.
public struct SiliconRecipe: Sendable {
    /// The seed of every random choice.
    public var seed: UInt64
    /// Diamond lattice constant in Å.
    public var latticeConstant = 5.431

    /// A recipe with this seed.
    public init(seed: UInt64) { self.seed = seed }

    /// The configurations, unlabelled, each with a `config_type`: `bulk_strained` (counts.bulk, 8 or 64
    /// atoms), `vacancy` and `interstitial` (63 and 65 atoms), `surface_100` and `surface_111`.
    public func structures(
        counts: (bulk: Int, defects: Int, surfaces: Int) = (16, 4, 4)
    ) -> [Structure] {
        var rng = SeededGenerator(seed: seed)
        let cubic = Crystal.diamond.structure([14], a: latticeConstant, cubic: true)
        var out = [Structure]()
        func add(_ s: Structure, _ type: String, rattle: Double) {
            var t = s.rattled(stdev: rattle, seed: rng.next())
            t.info["config_type"] = .string(type)
            out.append(t)
        }
        for k in 0..<counts.bulk {
            var strain = Matrix3.zero
            for a in 0..<3 {
                for b in a..<3 {
                    let e = (rng.uniform() * 2 - 1) * (a == b ? 0.04 : 0.02)
                    strain[a, b] = e
                    strain[b, a] = e
                }
            }
            let base = k % 4 == 3 ? cubic.repeated(SIMD3(2, 2, 2)) : cubic
            add(base.strained(strain), "bulk_strained", rattle: 0.02 + 0.1 * rng.uniform())
        }
        let big = cubic.repeated(SIMD3(2, 2, 2))
        for k in 0..<counts.defects {
            if k % 2 == 0 {
                add(big.selecting(Array(1..<big.count)), "vacancy", rattle: 0.05 + 0.05 * rng.uniform())
            } else {
                var s = big
                s.atomicNumbers.append(14)
                s.positions.append(SIMD3(repeating: 0.5 * latticeConstant))
                add(s, "interstitial", rattle: 0.05 + 0.05 * rng.uniform())
            }
        }
        let primitive = Crystal.diamond.structure([14], a: latticeConstant)
        let slab111 = primitive.supercell([[-1, 1, 0], [-1, 0, 1], [1, 1, 1]]).repeated(SIMD3(2, 2, 2))
        let slab100 = cubic.repeated(SIMD3(2, 2, 2))
        for k in 0..<counts.surfaces {
            let (slab, type) = k % 2 == 0 ? (slab100, "surface_100") : (slab111, "surface_111")
            add(slab.withVacuum(12), type, rattle: 0.03 + 0.07 * rng.uniform())
        }
        return out
    }
}

extension Structure {
    /// A copy with `vacuum` Å added along the third lattice vector (a slab for surface calculations).
    func withVacuum(_ vacuum: Double) -> Structure {
        var out = self
        let c = cell[2]
        let normal = cross(cell[0], cell[1])
        let height = abs(dot(c, normal)) / norm(normal)
        out.cell = Cell(cell[0], cell[1], c * (1 + vacuum / height))
        return out
    }
}
