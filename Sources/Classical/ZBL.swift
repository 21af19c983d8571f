import Atoms
import Foundation

/// The universal screened nuclear repulsion of Ziegler, Biersack and Littmark (ZBL), switched smoothly to
/// zero between an inner and an outer cutoff exactly as LAMMPS `pair_style zbl inner outer` does.
///
/// For atoms with atomic numbers Z_i, Z_j at distance r (Å), in eV:
///
///     E(r) = (e²/4πε₀) Z_i Z_j / r · φ(r/a) + S(r),    e²/4πε₀ = 14.399645 eV·Å
///     a = 0.46850 Å / (Z_i^0.23 + Z_j^0.23)
///     φ(x) = 0.18175 e^(−3.19980x) + 0.50986 e^(−0.94229x) + 0.28022 e^(−0.40290x) + 0.02817 e^(−0.20162x)
///
/// The switching term S is the one of LAMMPS's `pair_zbl.cpp` (`PairZBL::set_coeff`, the same form as
/// `pair_style lj/gromacs`): it is *added* to the screened Coulomb energy F(r), not multiplied. With
/// t = r − inner and t_c = outer − inner, and F_c, F′_c, F″_c the screened energy and its first two
/// derivatives at the outer cutoff,
///
///     S(r) = C                          for r ≤ inner
///     S(r) = A/3 t³ + B/4 t⁴ + C        for inner < r < outer
///     A = (−3F′_c + t_c F″_c)/t_c²,  B = (2F′_c − t_c F″_c)/t_c³,  C = −F_c + t_c/2 F′_c − t_c²/12 F″_c,
///
/// so E, dE/dr and d²E/dr² all reach zero at the outer cutoff; E = 0 beyond it. Below the inner cutoff
/// E is the closed form shifted by the constant C, as in LAMMPS (forces there are the unswitched ZBL
/// forces). See <https://docs.lammps.org/pair_zbl.html>; J. F. Ziegler, J. P. Biersack and U. Littmark,
/// *The Stopping and Range of Ions in Matter*, vol. 1, Pergamon (1985).
///
/// Every pair of elements interacts (Z from the structure) unless `pairs` restricts the potential to a
/// list of element pairs; other pairs then contribute nothing. Per-atom energies are half of each pair
/// energy. Meant as a fixed core potential that a GAP fit subtracts from its targets and adds back.
public struct ZBLPotential: Calculator, Equatable, Codable {
    /// e²/(4πε₀) in eV·Å (LAMMPS `metal` units: qqr2e · qelectron²).
    public static let coulombConstant = 14.399645
    /// The screening length numerator 0.46850 Å of a = 0.46850 / (Z_i^0.23 + Z_j^0.23).
    public static let screeningLength = 0.46850
    /// The exponent 0.23 of the atomic numbers in the screening length.
    public static let screeningExponent = 0.23
    /// The (coefficient, decay constant) pairs of the universal screening function φ(x) = Σ c e^(−d x).
    public static let screeningTerms: [(coefficient: Double, decay: Double)] = [
        (ZBLPairTerms.c0, ZBLPairTerms.d0), (ZBLPairTerms.c1, ZBLPairTerms.d1), (ZBLPairTerms.c2, ZBLPairTerms.d2),
        (ZBLPairTerms.c3, ZBLPairTerms.d3)
    ]

    /// The distance in Å where the switching function begins.
    public let inner: Double
    /// The cutoff in Å: energy, force and curvature are zero from here on.
    public let outer: Double
    /// The element pairs that interact (sorted, without repeats), or nil for every pair.
    public let pairs: [ElementPair]?

    /// A ZBL potential switched off between `inner` and `outer` (Å), for every element pair or only `pairs`.
    /// - Throws: `PotentialError.invalidSwitchingRange` unless 0 < inner < outer and both are finite.
    public init(inner: Double, outer: Double, pairs: [ElementPair]? = nil) throws(PotentialError) {
        guard inner > 0, outer > inner, outer.isFinite else {
            throw .invalidSwitchingRange(potential: "ZBLPotential", inner: inner, outer: outer)
        }
        self.inner = inner
        self.outer = outer
        self.pairs = pairs.map { Array(Set($0)).sorted() }
    }

    /// Whether atoms with atomic numbers `a` and `b` interact.
    public func interacts(_ a: Int, _ b: Int) -> Bool {
        guard let pairs else { return true }
        return pairs.contains(ElementPair(a, b))
    }

    /// The switched pair energy E(r) in eV and its derivative dE/dr in eV/Å for atomic numbers `zi` and
    /// `zj` at distance `r` (Å); both are zero at and beyond the outer cutoff or for a pair left out.
    public func pairEnergy(_ zi: Int, _ zj: Int, distance r: Double) -> (energy: Double, derivative: Double) {
        guard interacts(zi, zj), r < outer else { return (0, 0) }
        return ZBLPairTerms(zi, zj, inner: inner, outer: outer).evaluate(r)
    }

    /// Energy, forces, virial and per-atom energies of `structure`.
    /// - Throws: a `GeometryError` from the neighbor list (non-finite positions, a singular cell, …).
    public func calculate(_ structure: Structure) throws -> Calculation {
        let list = try NeighborList(structure, cutoff: outer, kind: .half)
        // The terms of every element pair present, in a dense table over the structure's elements
        // (atomic numbers are 1…118 once the neighbor list has validated the structure).
        var slot = [Int](repeating: -1, count: Element.maximumAtomicNumber + 1)
        var elements = [Int]()
        for z in structure.atomicNumbers where slot[z] < 0 {
            slot[z] = elements.count
            elements.append(z)
        }
        let width = elements.count
        var terms = [ZBLPairTerms?](repeating: nil, count: width * width)
        for a in 0..<width {
            for b in a..<width where interacts(elements[a], elements[b]) {
                let t = ZBLPairTerms(elements[a], elements[b], inner: inner, outer: outer)
                terms[a * width + b] = t
                terms[b * width + a] = t
            }
        }
        let species = structure.atomicNumbers.map { slot[$0] }
        var energies = [Double](repeating: 0, count: structure.count)
        var acc = PairGradientAccumulator(count: structure.count)
        for i in 0..<structure.count {
            for p in list.pairs(of: i) {
                let j = Int(list.neighbors[p])
                guard let t = terms[species[i] * width + species[j]] else { continue }
                let r = list.distances[p]
                let (e, de) = t.evaluate(r)
                energies[i] += 0.5 * e
                energies[j] += 0.5 * e
                let d = list.vectors[p]
                acc.addPairGradient((de / r) * d, vector: d, center: i, neighbor: j)
            }
        }
        return Calculation(
            energy: energies.reduce(0, +), forces: acc.forces, virial: acc.virial, atomEnergies: energies)
    }

    private enum CodingKeys: String, CodingKey {
        case inner, outer, pairs
    }

    /// Decodes `{"inner": …, "outer": …, "pairs": ["Si-C", …]}` (`pairs` optional) and checks the cutoffs.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let inner = try container.decode(Double.self, forKey: .inner)
        let outer = try container.decode(Double.self, forKey: .outer)
        let pairs = try container.decodeIfPresent([ElementPair].self, forKey: .pairs)
        do {
            try self.init(inner: inner, outer: outer, pairs: pairs)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .outer, in: container, debugDescription: error.description)
        }
    }

    /// Encodes the cutoffs and, when restricted, the element pairs.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inner, forKey: .inner)
        try container.encode(outer, forKey: .outer)
        try container.encodeIfPresent(pairs, forKey: .pairs)
    }
}

/// The ZBL constants of one element pair: the screened Coulomb prefactor, the decay rates d_k/a and the
/// coefficients of LAMMPS's switching polynomial.
struct ZBLPairTerms: Sendable {
    /// The coefficients c_k of φ(x) = Σ c_k e^(−d_k x).
    static let c0 = 0.18175, c1 = 0.50986, c2 = 0.28022, c3 = 0.02817
    /// The decay constants d_k of φ.
    static let d0 = 3.19980, d1 = 0.94229, d2 = 0.40290, d3 = 0.20162

    private let prefactor: Double
    private let rate0: Double, rate1: Double, rate2: Double, rate3: Double
    private let inner: Double
    private let switchA: Double, switchB: Double, switchC: Double

    init(_ zi: Int, _ zj: Int, inner: Double, outer: Double) {
        let prefactor = Double(zi * zj) * ZBLPotential.coulombConstant
        let p = ZBLPotential.screeningExponent
        let inverseA = (pow(Double(zi), p) + pow(Double(zj), p)) / ZBLPotential.screeningLength
        let rates = (Self.d0 * inverseA, Self.d1 * inverseA, Self.d2 * inverseA, Self.d3 * inverseA)
        // The switching polynomial's coefficients from F, F′, F″ at the outer cutoff (PairZBL::set_coeff).
        let (fc, fcp, fcpp) = Self.screened(outer, prefactor: prefactor, rates: rates)
        let tc = outer - inner
        switchA = (-3 * fcp + tc * fcpp) / (tc * tc)
        switchB = (2 * fcp - tc * fcpp) / (tc * tc * tc)
        switchC = -fc + tc / 2 * fcp - tc * tc / 12 * fcpp
        self.prefactor = prefactor
        (rate0, rate1, rate2, rate3) = rates
        self.inner = inner
    }

    /// The unswitched screened Coulomb energy F(r) and its first two derivatives.
    static func screened(
        _ r: Double, prefactor: Double, rates: (Double, Double, Double, Double)
    ) -> (Double, Double, Double) {
        let e0 = c0 * exp(-rates.0 * r), e1 = c1 * exp(-rates.1 * r)
        let e2 = c2 * exp(-rates.2 * r), e3 = c3 * exp(-rates.3 * r)
        let sum = e0 + e1 + e2 + e3
        // −dφ/dr and d²φ/dr² (φ as a function of r).
        let slope = rates.0 * e0 + rates.1 * e1 + rates.2 * e2 + rates.3 * e3
        let curvature =
            rates.0 * rates.0 * e0 + rates.1 * rates.1 * e1 + rates.2 * rates.2 * e2 + rates.3 * rates.3 * e3
        let inv = 1 / r
        return (
            prefactor * sum * inv, prefactor * (-slope - sum * inv) * inv,
            prefactor * (curvature + 2 * slope * inv + 2 * sum * inv * inv) * inv
        )
    }

    /// The switched energy E(r) and dE/dr, for r below the outer cutoff.
    @inline(__always) func evaluate(_ r: Double) -> (Double, Double) {
        let e0 = Self.c0 * exp(-rate0 * r), e1 = Self.c1 * exp(-rate1 * r)
        let e2 = Self.c2 * exp(-rate2 * r), e3 = Self.c3 * exp(-rate3 * r)
        let sum = e0 + e1 + e2 + e3
        let slope = rate0 * e0 + rate1 * e1 + rate2 * e2 + rate3 * e3
        let inv = 1 / r
        var energy = prefactor * sum * inv + switchC
        var derivative = prefactor * (-slope - sum * inv) * inv
        if r > inner {
            let t = r - inner
            energy += t * t * t * (switchA / 3 + switchB / 4 * t)
            derivative += t * t * (switchA + switchB * t)
        }
        return (energy, derivative)
    }
}
