import Atoms

/// The Lennard-Jones pair potential φ(r) = 4ε[(σ/r)¹² − (σ/r)⁶] − φ_c, truncated at r_c and shifted by
/// φ_c = 4ε[(σ/r_c)¹² − (σ/r_c)⁶] so the energy is continuous at the cutoff (ASE's `LennardJones`).
///
/// Parameters are per unordered species pair; per-atom energies are half of each pair energy.
public struct LennardJones: Calculator {
    /// ε, σ and cutoff of one species pair.
    public struct Parameters: Equatable, Sendable {
        /// Well depth ε in eV.
        public var epsilon: Double
        /// Zero-crossing distance σ in Å.
        public var sigma: Double
        /// Cutoff r_c in Å (ASE's default is 3σ).
        public var cutoff: Double

        /// Pair parameters; `cutoff` defaults to 3σ as in ASE.
        public init(epsilon: Double, sigma: Double, cutoff: Double? = nil) {
            self.epsilon = epsilon
            self.sigma = sigma
            self.cutoff = cutoff ?? 3 * sigma
        }

        /// φ(r_c), subtracted from every pair energy.
        var shift: Double {
            let s6 = pow6(sigma / cutoff)
            return 4 * epsilon * (s6 * s6 - s6)
        }
    }

    private let table: SpeciesPairTable<Parameters>
    private let maxCutoff: Double

    /// A potential with parameters per species pair, keyed (Z1, Z2) in either order.
    /// - Throws: `PotentialError.invalidParameter` for a non-positive σ or cutoff, or a negative ε.
    public init(pairs: [(Int, Int, Parameters)]) throws(PotentialError) {
        for (_, _, p) in pairs {
            guard p.sigma > 0, p.sigma.isFinite else {
                throw .invalidParameter(potential: "LennardJones", name: "sigma", value: p.sigma)
            }
            guard p.cutoff > 0, p.cutoff.isFinite else {
                throw .invalidParameter(potential: "LennardJones", name: "cutoff", value: p.cutoff)
            }
            guard p.epsilon >= 0, p.epsilon.isFinite else {
                throw .invalidParameter(potential: "LennardJones", name: "epsilon", value: p.epsilon)
            }
        }
        table = SpeciesPairTable(pairs)
        maxCutoff = pairs.map(\.2.cutoff).max() ?? 1
    }

    /// A single-species potential for element `z` (ASE's `LennardJones(epsilon, sigma, rc)`).
    public init(element z: Int, epsilon: Double, sigma: Double, cutoff: Double? = nil) throws(PotentialError) {
        try self.init(pairs: [(z, z, Parameters(epsilon: epsilon, sigma: sigma, cutoff: cutoff))])
    }

    public func calculate(_ structure: Structure) throws -> Calculation {
        let species: [Int]
        switch table.speciesIndices(structure.atomicNumbers) {
        case let .success(s): species = s
        case let .failure(missing):
            throw PotentialError.missingParameters(potential: "LennardJones", elements: [missing.atomicNumber])
        }
        let list = try NeighborList(structure, cutoff: maxCutoff, kind: .half)
        return try PairSum.calculate(structure, list: list) { i, j, r in
            guard let params = table[species[i], species[j]] else {
                throw PotentialError.missingParameters(
                    potential: "LennardJones", elements: [structure.atomicNumbers[i], structure.atomicNumbers[j]])
            }
            guard r < params.cutoff else { return nil }
            let s6 = pow6(params.sigma / r)
            return (4 * params.epsilon * (s6 * s6 - s6) - params.shift, -24 * params.epsilon * (2 * s6 * s6 - s6) / r)
        }
    }
}

@inline(__always) func pow6(_ x: Double) -> Double {
    let x2 = x * x
    return x2 * x2 * x2
}
