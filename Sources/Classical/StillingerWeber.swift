import Atoms
import Foundation

/// The Stillinger–Weber potential for silicon (Phys. Rev. B 31, 5262 (1985)):
///
/// E = Σ_{i<j} ε f₂(r_ij/σ) + Σ_i Σ_{j<k} ε λ exp(γ/(r_ij/σ − a) + γ/(r_ik/σ − a)) (cos θ_jik + 1/3)²,
/// f₂(r) = A (B r^−p − r^−q) exp(1/(r − a)) for r < a, as QUIP's `IP SW` evaluates it.
/// Per-atom energies give each atom half of its pair terms and its own three-body terms.
public struct StillingerWeber: Calculator {
    /// The parameter set.
    public struct Parameters: Equatable, Sendable {
        public var epsilon: Double, sigma: Double, a: Double, lambda: Double, gamma: Double
        public var A: Double, B: Double, p: Double, q: Double

        /// The original 1985 silicon parameters (ε = 50 kcal/mol = 2.1683 eV, σ = 2.0951 Å).
        public static let silicon1985 = Parameters(
            epsilon: 2.1683, sigma: 2.0951, a: 1.80, lambda: 21.0, gamma: 1.20, A: 7.049556277, B: 0.6022245584,
            p: 4, q: 0)

        /// The interaction range aσ in Å.
        public var cutoff: Double { a * sigma }
    }

    /// The parameters in use.
    public let parameters: Parameters
    /// The element the parameters describe.
    public let element: Int

    /// A single-element Stillinger–Weber potential; defaults to the 1985 silicon parameters.
    public init(parameters: Parameters = .silicon1985, element: Int = 14) {
        self.parameters = parameters
        self.element = element
    }

    public func calculate(_ structure: Structure) throws -> Calculation {
        if let other = structure.atomicNumbers.first(where: { $0 != element }) {
            throw PotentialError.missingParameters(potential: "StillingerWeber", elements: [other])
        }
        let P = parameters
        let list = try NeighborList(structure, cutoff: P.cutoff, kind: .full)
        var energies = [Double](repeating: 0, count: structure.count)
        var acc = PairGradientAccumulator(count: structure.count)
        // Radial factors of each neighbor of the current center, reused across its triplets.
        var expo = [Double](), dexpo = [Double](), unit = [SIMD3<Double>](), inverseR = [Double]()
        for i in 0..<structure.count {
            let range = list.pairs(of: i)
            expo.removeAll(keepingCapacity: true)
            dexpo.removeAll(keepingCapacity: true)
            unit.removeAll(keepingCapacity: true)
            inverseR.removeAll(keepingCapacity: true)
            for p in range {
                let r = list.distances[p]
                let d = list.vectors[p]
                let x = r / P.sigma
                let t = 1 / (x - P.a)
                // Two-body, half to each atom of the pair (the full list visits it from both ends).
                let e = exp(t)
                let power = P.B * pow(x, -P.p) - pow(x, -P.q)
                let dpower = -P.p * P.B * pow(x, -P.p - 1) + P.q * pow(x, -P.q - 1)
                let f2 = P.A * power * e
                let df2 = P.A * (dpower * e - power * e * t * t) / P.sigma
                energies[i] += 0.5 * P.epsilon * f2
                acc.addPairGradient((0.5 * P.epsilon * df2 / r) * d, vector: d, center: i, neighbor: Int(list.neighbors[p]))
                // exp(γ/(x − a)) and its derivative with respect to r, for the three-body terms.
                let g = exp(P.gamma * t)
                expo.append(g)
                dexpo.append(-g * P.gamma * t * t / P.sigma)
                unit.append(d / r)
                inverseR.append(1 / r)
            }
            let m = range.count
            let scale = P.epsilon * P.lambda
            for a in 0..<m {
                for b in (a + 1)..<max(a + 1, m) {
                    let c = dot(unit[a], unit[b]) + 1.0 / 3.0
                    let angular = c * c
                    let radial = expo[a] * expo[b]
                    energies[i] += scale * radial * angular
                    // ∂/∂D_a of cos θ = (û_b − cos θ û_a)/r_a, and likewise for b.
                    let cosine = c - 1.0 / 3.0
                    let dAngular = 2 * c
                    let ga =
                        scale
                        * (dexpo[a] * expo[b] * angular * unit[a]
                            + radial * dAngular * (unit[b] - cosine * unit[a]) * inverseR[a])
                    let gb =
                        scale
                        * (expo[a] * dexpo[b] * angular * unit[b]
                            + radial * dAngular * (unit[a] - cosine * unit[b]) * inverseR[b])
                    let pa = range.lowerBound + a, pb = range.lowerBound + b
                    acc.addPairGradient(ga, vector: list.vectors[pa], center: i, neighbor: Int(list.neighbors[pa]))
                    acc.addPairGradient(gb, vector: list.vectors[pb], center: i, neighbor: Int(list.neighbors[pb]))
                }
            }
        }
        return Calculation(
            energy: energies.reduce(0, +), forces: acc.forces, virial: acc.virial, atomEnergies: energies)
    }
}
