import Atoms
import Foundation

/// The universal screened nuclear repulsion of Ziegler, Biersack and Littmark (ZBL), brought to zero at a
/// cutoff in one of two ways (`Switching`): additively between an inner and an outer cutoff, exactly as
/// LAMMPS `pair_style zbl inner outer` does, or multiplicatively by a smooth step, exactly as QUIP's
/// `IP ZBL cutoff=… cutoff_width=…` does (the core potential gap_fit users give as `core_ip_args`).
///
/// For atoms with atomic numbers Z_i, Z_j at distance r (Å), in eV, the screened Coulomb energy is
///
///     F(r) = k Z_i Z_j / r · φ(r/a),    k = e²/4πε₀ in eV·Å
///     a = 0.46850 Å / (Z_i^0.23 + Z_j^0.23)
///     φ(x) = 0.18175 e^(−3.19980x) + 0.50986 e^(−0.94229x) + 0.28022 e^(−0.40290x) + 0.02817 e^(−0.20162x)
///
/// with k = 14.399645 (`coulombConstant`) in the LAMMPS form and k = 14.399645805358887
/// (`quipCoulombConstant`, QUIP's single-precision 14.3996458521) in the QUIP form.
///
/// **LAMMPS form**, `Switching.lammps(inner:outer:)`. The switching term S of LAMMPS's `pair_zbl.cpp`
/// (`PairZBL::set_coeff`, the same form as `pair_style lj/gromacs`) is *added* to F(r), not multiplied.
/// With t = r − inner and t_c = outer − inner, and F_c, F′_c, F″_c the screened energy and its first two
/// derivatives at the outer cutoff,
///
///     E(r) = F(r) + S(r)
///     S(r) = C                          for r ≤ inner
///     S(r) = A/3 t³ + B/4 t⁴ + C        for inner < r < outer
///     A = (−3F′_c + t_c F″_c)/t_c²,  B = (2F′_c − t_c F″_c)/t_c³,  C = −F_c + t_c/2 F′_c − t_c²/12 F″_c,
///
/// so E, dE/dr and d²E/dr² all reach zero at the outer cutoff; E = 0 beyond it. Below the inner cutoff
/// E is the closed form shifted by the constant C, as in LAMMPS (forces there are the unswitched ZBL
/// forces). See <https://docs.lammps.org/pair_zbl.html>.
///
/// **QUIP form**, `Switching.quip(cutoff:width:)`, with cutoff r_c and cutoff width w. The screened
/// energy is *multiplied* by QUIP's `poly_switch`, a smooth step whose first three derivatives vanish at
/// both ends:
///
///     E(r) = F(r) · f(r)
///     f(r) = 1                                        for r ≤ r_c − w
///     f(r) = 1 − 35x⁴ + 84x⁵ − 70x⁶ + 20x⁷,  x = (r − (r_c − w))/w    for r_c − w < r < r_c
///     f(r) = 0                                        for r ≥ r_c
///
/// so E is the unshifted ZBL energy below r_c − w, and E and its first three derivatives are
/// continuous at r_c − w and reach zero at r_c. Width 0 (QUIP's default `cutoff_width`) skips the step:
/// E = F(r) for r < r_c and 0 beyond, a hard cutoff where energy and force jump. This reproduces
/// `IPModel_ZBL_Calc` in QUIP's `src/Potentials/IPModel_ZBL.f95` (unchanged since commit c73eeae6c,
/// 2018; read at caff154) with QUIP's defaults `E_scale=1`, `shift_cutoff=F`, `cutoff_scale_cov_rad=F`
/// and the default screening parameters: the pair term (lines 238–263), applied as ½ E to both atoms of
/// every ordered neighbor pair (lines 258, 265–269), and `poly_switch`/`dpoly_switch` of
/// `src/libAtoms/linearalgebra.f95` (lines 7251–7285), which apply only when `cutoff_width > 0`
/// (IPModel_ZBL.f95 lines 246, 261). Two details of QUIP are followed on purpose: its Coulomb constant is
/// the default-real (single precision) literal `14.3996458521` (line 167), relatively 3.2 × 10⁻⁹ smaller
/// than the written value; a pair exactly at r_c is left out (QUIP's test is `r <= cutoff`, line 238, but
/// its neighbor list already drops such a pair: quippy 0.10.3 gives 0 for a dimer at exactly r_c). One is not: QUIP's `f_cut` is initialised in its declaration
/// (line 173) and therefore saved between calls, so with width 0 a QUIP process that has evaluated an
/// `IP ZBL` with width > 0 reuses the last pair's switch value; this type always uses f = 1 there, which
/// is what a fresh QUIP process computes.
///
/// Every pair of elements interacts (Z from the structure) unless `pairs` restricts the potential to a
/// list of element pairs; other pairs then contribute nothing. Per-atom energies are half of each pair
/// energy (QUIP's `IP ZBL` does not compute them). Meant as a fixed core potential that a GAP fit
/// subtracts from its targets and adds back. J. F. Ziegler, J. P. Biersack and U. Littmark, *The
/// Stopping and Range of Ions in Matter*, vol. 1, Pergamon (1985).
///
/// Coding: the LAMMPS form is `{"inner": 2, "outer": 3}` as it always was, and the QUIP form is
/// `{"form": "quip", "cutoff": 3, "width": 1}`; both take an optional `"pairs": ["C-Si", …]`.
public struct ZBLPotential: Calculator, Equatable, Codable {
    /// How the screened Coulomb energy is brought to zero at the cutoff.
    ///
    /// Codable as the keys of the potential itself: `{"inner": …, "outer": …}` (optionally with
    /// `"form": "lammps"`) or `{"form": "quip", "cutoff": …, "width": …}`. Decoding checks the ranges.
    public enum Switching: Equatable, Sendable, Codable {
        /// LAMMPS `pair_style zbl inner outer`: a polynomial added between `inner` and `outer` (Å).
        case lammps(inner: Double, outer: Double)
        /// QUIP `IP ZBL cutoff=… cutoff_width=…`: F(r) times a smooth step from 1 at `cutoff − width`
        /// to 0 at `cutoff` (Å); `width` 0 is a hard cutoff.
        case quip(cutoff: Double, width: Double)

        /// Where the switching begins in Å: `inner`, or `cutoff − width`.
        public var inner: Double {
            switch self {
            case let .lammps(inner, _): inner
            case let .quip(cutoff, width): cutoff - width
            }
        }

        /// The cutoff in Å: the energy is zero from here on.
        public var outer: Double {
            switch self {
            case let .lammps(_, outer): outer
            case let .quip(cutoff, _): cutoff
            }
        }

        /// Checks the ranges.
        /// - Throws: `PotentialError.invalidSwitchingRange` unless 0 < inner < outer < ∞ (LAMMPS form);
        ///   `PotentialError.invalidCutoffWidth` unless 0 < cutoff < ∞ and 0 ≤ width ≤ cutoff (QUIP form).
        public func validate() throws(PotentialError) {
            switch self {
            case let .lammps(inner, outer):
                guard inner > 0, outer > inner, outer.isFinite else {
                    throw .invalidSwitchingRange(potential: "ZBLPotential", inner: inner, outer: outer)
                }
            case let .quip(cutoff, width):
                guard cutoff > 0, cutoff.isFinite, width >= 0, width <= cutoff else {
                    throw .invalidCutoffWidth(potential: "ZBLPotential", cutoff: cutoff, width: width)
                }
            }
        }

        private enum CodingKeys: String, CodingKey {
            case form, inner, outer, cutoff, width
        }

        /// Decodes either form (see the type's documentation) and checks the ranges.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let form = try container.decodeIfPresent(String.self, forKey: .form)
            let quip: Bool
            switch form {
            case "quip": quip = true
            case "lammps": quip = false
            case nil: quip = container.contains(.cutoff) && !container.contains(.inner)
            case let other?:
                throw DecodingError.dataCorruptedError(
                    forKey: .form, in: container,
                    debugDescription: "unknown ZBL switching form \"\(other)\"; use \"lammps\" or \"quip\"")
            }
            let foreign: [CodingKeys] = quip ? [.inner, .outer] : [.cutoff, .width]
            if let key = foreign.first(where: container.contains) {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "\"\(key.rawValue)\" belongs to the \(quip ? "LAMMPS" : "QUIP") form; give "
                        + (quip ? "\"cutoff\" and \"width\"" : "\"inner\" and \"outer\""))
            }
            if quip {
                self = .quip(
                    cutoff: try container.decode(Double.self, forKey: .cutoff),
                    width: try container.decode(Double.self, forKey: .width))
            } else {
                self = .lammps(
                    inner: try container.decode(Double.self, forKey: .inner),
                    outer: try container.decode(Double.self, forKey: .outer))
            }
            do {
                try validate()
            } catch {
                throw DecodingError.dataCorruptedError(
                    forKey: quip ? .width : .outer, in: container, debugDescription: error.description)
            }
        }

        /// Encodes `inner` and `outer` (LAMMPS, no `form` key, as before the QUIP form existed) or
        /// `"form": "quip"`, `cutoff` and `width`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case let .lammps(inner, outer):
                try container.encode(inner, forKey: .inner)
                try container.encode(outer, forKey: .outer)
            case let .quip(cutoff, width):
                try container.encode("quip", forKey: .form)
                try container.encode(cutoff, forKey: .cutoff)
                try container.encode(width, forKey: .width)
            }
        }
    }

    /// e²/(4πε₀) in eV·Å of the LAMMPS form (LAMMPS `metal` units: qqr2e · qelectron²).
    public static let coulombConstant = 14.399645
    /// e²/(4πε₀) in eV·Å of the QUIP form: QUIP writes `real(dp) :: ke_e2 = 14.3996458521`
    /// (IPModel_ZBL.f95 line 167), a default-real literal, so the value used is the nearest single-precision
    /// number, 14.399645805358887.
    public static let quipCoulombConstant = Double(Float(14.3996458521))
    /// The screening length numerator 0.46850 Å of a = 0.46850 / (Z_i^0.23 + Z_j^0.23).
    public static let screeningLength = 0.46850
    /// The exponent 0.23 of the atomic numbers in the screening length.
    public static let screeningExponent = 0.23
    /// The (coefficient, decay constant) pairs of the universal screening function φ(x) = Σ c e^(−d x).
    public static let screeningTerms: [(coefficient: Double, decay: Double)] = [
        (ZBLPairTerms.c0, ZBLPairTerms.d0), (ZBLPairTerms.c1, ZBLPairTerms.d1), (ZBLPairTerms.c2, ZBLPairTerms.d2),
        (ZBLPairTerms.c3, ZBLPairTerms.d3)
    ]

    /// How the energy goes to zero at the cutoff, and where.
    public let switching: Switching
    /// The distance in Å where the switching function begins (`cutoff − width` in the QUIP form).
    public var inner: Double { switching.inner }
    /// The cutoff in Å: the energy is zero from here on (and force and curvature too, unless the QUIP form
    /// has width 0).
    public var outer: Double { switching.outer }
    /// The element pairs that interact (sorted, without repeats), or nil for every pair.
    public let pairs: [ElementPair]?

    /// A ZBL potential switched off between `inner` and `outer` (Å) as LAMMPS does, for every element pair
    /// or only `pairs`.
    /// - Throws: `PotentialError.invalidSwitchingRange` unless 0 < inner < outer and both are finite.
    public init(inner: Double, outer: Double, pairs: [ElementPair]? = nil) throws(PotentialError) {
        try self.init(switching: .lammps(inner: inner, outer: outer), pairs: pairs)
    }

    /// A ZBL potential with QUIP's smooth cutoff, as `IP ZBL cutoff=<quipCutoff> cutoff_width=<width>`
    /// (Å), for every element pair or only `pairs`. Width 0 is a hard cutoff, as in QUIP.
    /// - Throws: `PotentialError.invalidCutoffWidth` unless 0 < quipCutoff < ∞ and 0 ≤ width ≤ quipCutoff.
    public init(quipCutoff: Double, width: Double, pairs: [ElementPair]? = nil) throws(PotentialError) {
        try self.init(switching: .quip(cutoff: quipCutoff, width: width), pairs: pairs)
    }

    /// A ZBL potential with the given switching, for every element pair or only `pairs`.
    /// - Throws: the error of `Switching.validate()`.
    public init(switching: Switching, pairs: [ElementPair]? = nil) throws(PotentialError) {
        try switching.validate()
        self.switching = switching
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
        return ZBLPairTerms(zi, zj, switching: switching).evaluate(r)
    }

    /// Energy, forces, virial and per-atom energies of `structure`, for either switching form.
    /// - Throws: a `GeometryError` from the neighbor list (non-finite positions, a singular cell, …).
    public func calculate(_ structure: Structure) throws -> Calculation {
        let list = try NeighborList(structure, cutoff: outer, kind: .half)
        let terms = StructurePairTable(structure) { a, b in
            interacts(a, b) ? ZBLPairTerms(a, b, switching: switching) : nil
        }
        return PairSum.calculate(structure, list: list) { i, j, r in terms[i, j]?.evaluate(r) }
    }

    private enum CodingKeys: String, CodingKey {
        case pairs
    }

    /// Decodes the switching (either form, see `Switching`) and the optional `pairs`, and checks them.
    public init(from decoder: any Decoder) throws {
        let switching = try Switching(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let pairs = try container.decodeIfPresent([ElementPair].self, forKey: .pairs)
        do {
            try self.init(switching: switching, pairs: pairs)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .pairs, in: container, debugDescription: error.description)
        }
    }

    /// Encodes the switching's keys and, when restricted, the element pairs, in one object.
    public func encode(to encoder: any Encoder) throws {
        try switching.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(pairs, forKey: .pairs)
    }
}

/// The ZBL constants of one element pair: the screened Coulomb prefactor, the decay rates d_k/a and the
/// constants of the switching (LAMMPS's polynomial coefficients, or QUIP's step start and width).
struct ZBLPairTerms: Sendable {
    /// The coefficients c_k of φ(x) = Σ c_k e^(−d_k x).
    static let c0 = 0.18175, c1 = 0.50986, c2 = 0.28022, c3 = 0.02817
    /// The decay constants d_k of φ.
    static let d0 = 3.19980, d1 = 0.94229, d2 = 0.40290, d3 = 0.20162

    /// How this pair's energy is switched off.
    private enum Switch: Sendable {
        /// LAMMPS: S(r) = C, plus A/3 t³ + B/4 t⁴ with t = r − inner beyond `inner`, added to F.
        case additive(inner: Double, a: Double, b: Double, c: Double)
        /// QUIP: F times `poly_switch` from `start` = cutoff − width over `width` (0: no step).
        case multiplicative(start: Double, width: Double)
    }

    private let prefactor: Double
    private let rate0: Double, rate1: Double, rate2: Double, rate3: Double
    private let switching: Switch

    init(_ zi: Int, _ zj: Int, switching: ZBLPotential.Switching) {
        let k: Double
        switch switching {
        case .lammps: k = ZBLPotential.coulombConstant
        case .quip: k = ZBLPotential.quipCoulombConstant
        }
        let prefactor = Double(zi * zj) * k
        let p = ZBLPotential.screeningExponent
        let inverseA = (pow(Double(zi), p) + pow(Double(zj), p)) / ZBLPotential.screeningLength
        let rates = (Self.d0 * inverseA, Self.d1 * inverseA, Self.d2 * inverseA, Self.d3 * inverseA)
        switch switching {
        case let .lammps(inner, outer):
            // The switching polynomial's coefficients from F, F′, F″ at the outer cutoff (PairZBL::set_coeff).
            let (fc, fcp, fcpp) = Self.screened(outer, prefactor: prefactor, rates: rates)
            let tc = outer - inner
            self.switching = .additive(
                inner: inner, a: (-3 * fcp + tc * fcpp) / (tc * tc), b: (2 * fcp - tc * fcpp) / (tc * tc * tc),
                c: -fc + tc / 2 * fcp - tc * tc / 12 * fcpp)
        case let .quip(cutoff, width):
            self.switching = .multiplicative(start: cutoff - width, width: width)
        }
        self.prefactor = prefactor
        (rate0, rate1, rate2, rate3) = rates
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
        let energy = prefactor * sum * inv
        let derivative = prefactor * (-slope - sum * inv) * inv
        switch switching {
        case let .additive(inner, a, b, c):
            guard r > inner else { return (energy + c, derivative) }
            let t = r - inner
            return (energy + c + t * t * t * (a / 3 + b / 4 * t), derivative + t * t * (a + b * t))
        case let .multiplicative(start, width):
            // poly_switch and dpoly_switch of QUIP's linearalgebra.f95; with width 0, start is the cutoff,
            // which r never exceeds here.
            guard r > start, width > 0 else { return (energy, derivative) }
            // QUIP's own expression and evaluation order (x**4 and x**3 as gfortran expands them).
            let x = (r - start) / width
            let x2 = x * x
            let x3 = x2 * x, x4 = x2 * x2
            let f = 1 - 35 * x4 + 84 * (x4 * x) - 70 * (x4 * x * x) + 20 * x4 * x3
            let y = x - 1
            let df = 140 * (y * y * y) * x3 / width
            return (energy * f, derivative * f + energy * df)
        }
    }
}
