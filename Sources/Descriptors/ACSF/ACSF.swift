import Atoms
import Support

/// Atom-centered symmetry functions (Behler, J. Chem. Phys. 134, 074106 (2011)) exactly as DScribe 2.1 defines
/// them: one row per center describing its neighbors closer than the cutoff r_c (the center's own element is
/// not encoded), with analytic position derivatives.
///
/// With f_c(r) = ½[cos(π r / r_c) + 1], neighbors j, k of center i, r_ij their distances and θ_ijk the angle
/// at i, the row holds, per neighbor species,
/// - G1 = Σ_j f_c(r_ij),
/// - G2 = Σ_j exp(−η (r_ij − R_s)²) f_c(r_ij) for each (η, R_s) of `g2`,
/// - G3 = Σ_j cos(κ r_ij) f_c(r_ij) for each κ of `g3`,
///
/// and, per unordered pair of neighbor species, over unordered pairs of neighbors {j, k},
/// - G4 = Σ 2^(1−ζ) (1 + λ cos θ_ijk)^ζ exp(−η (r_ij² + r_ik² + r_jk²)) f_c(r_ij) f_c(r_ik) f_c(r_jk), terms
///   with r_jk > r_c left out, for each (η, ζ, λ) of `g4`,
/// - G5 = Σ 2^(1−ζ) (1 + λ cos θ_ijk)^ζ exp(−η (r_ij² + r_ik²)) f_c(r_ij) f_c(r_ik) for each (η, ζ, λ) of `g5`.
///
/// Layout (DScribe's): for each species s in ascending Z, [G1, G2…, G3…] of neighbors of species s; then for
/// each species pair (a ≥ b, in the order (0,0), (1,0), (1,1), (2,0), …: pair index a(a+1)/2 + b), [G4…, G5…].
/// Periodic cells (with `periodic`) count every image within r_c, also in cells smaller than r_c, wherever the
/// atoms are (DScribe's image search assumes positions inside the cell). Where DScribe's fractional-ζ terms are
/// NaN (collinear neighbors, as in every centrosymmetric crystal: its 1 + λ cos θ rounds a hair below zero), the
/// exact value 0 is given.
///
/// ```swift
/// let acsf = try ACSF(cutoff: 6, species: [1, 8], g2: [.init(eta: 1, shift: 1)], g4: [.init(eta: 0.005, zeta: 2, lambda: 1)])
/// let (q, dq) = try acsf.derivatives([water], centers: nil, threads: 1)
/// ```
public struct ACSF: Descriptor {
    /// The parameters of one G2 function: exp(−η (r − R_s)²) f_c(r).
    public struct Gaussian: Sendable, Equatable {
        /// η in Å⁻² (≥ 0).
        public let eta: Double
        /// R_s in Å.
        public let shift: Double

        /// G2 parameters (η, R_s); `ACSF.init` checks them.
        public init(eta: Double, shift: Double) {
            self.eta = eta
            self.shift = shift
        }
    }

    /// The parameters of one G4 or G5 function: 2^(1−ζ) (1 + λ cos θ)^ζ exp(−η Σ r²) Π f_c.
    public struct Angular: Sendable, Equatable {
        /// η in Å⁻² (≥ 0).
        public let eta: Double
        /// ζ (≥ 1).
        public let zeta: Double
        /// λ (in [−1, 1]; Behler's ±1).
        public let lambda: Double

        /// G4 or G5 parameters (η, ζ, λ); `ACSF.init` checks them.
        public init(eta: Double, zeta: Double, lambda: Double) {
            self.eta = eta
            self.zeta = zeta
            self.lambda = lambda
        }
    }

    /// The cutoff r_c in Å.
    public let cutoff: Double
    /// Atomic numbers of every element that may appear, ascending (DScribe's order).
    public let species: [Int]
    /// G2 functions.
    public let g2: [Gaussian]
    /// G3 functions: their κ in Å⁻¹.
    public let g3: [Double]
    /// G4 functions.
    public let g4: [Angular]
    /// G5 functions.
    public let g5: [Angular]
    /// Whether periodic structures are described with their images (false: every structure as a cluster).
    public let periodic: Bool
    /// The evaluation constants.
    let terms: ACSFTerms

    /// An ACSF descriptor; DScribe's `ACSF(r_cut, g2_params, g3_params, g4_params, g5_params, species, periodic)`.
    /// - Parameters:
    ///   - cutoff: r_c in Å, in (0, `DescriptorLimits.cutoff`].
    ///   - species: atomic numbers (sorted, duplicates dropped, as DScribe).
    ///   - g2, g3, g4, g5: the functions of each type (each may be empty; G1 is always there).
    ///   - periodic: use the structures' periodicity.
    /// - Throws: `DescriptorError.invalidSetting` naming the setting: a cutoff out of range, no or unknown
    ///   species, a non-finite parameter, η < 0, ζ < 1 (the derivative diverges at 1 + λ cos θ = 0), |λ| > 1
    ///   (1 + λ cos θ < 0 has no real power), or more than `DescriptorLimits.features` features. DScribe means
    ///   to refuse η ≤ 0 but never does (its check compares a NumPy Boolean with `is True`).
    public init(
        cutoff: Double, species: [Int], g2: [Gaussian] = [], g3: [Double] = [], g4: [Angular] = [], g5: [Angular] = [],
        periodic: Bool = false
    ) throws(DescriptorError) {
        guard cutoff > 0, cutoff <= DescriptorLimits.cutoff else {
            throw .invalidSetting(name: "r_cut", value: "\(cutoff)", hint: "must lie in (0, \(DescriptorLimits.cutoff)] Å")
        }
        guard !species.isEmpty, species.allSatisfy({ Element.symbol($0) != nil }) else {
            throw .invalidSetting(name: "species", value: "\(species)", hint: "give one or more elements (Z = 1…118)")
        }
        for (k, p) in g2.enumerated() {
            guard p.eta >= 0, p.eta.isFinite, p.shift.isFinite else {
                throw .invalidSetting(
                    name: "g2_params[\(k)]", value: "[\(p.eta), \(p.shift)]", hint: "η must be finite and ≥ 0, R_s finite")
            }
        }
        for (k, kappa) in g3.enumerated() where !kappa.isFinite {
            throw .invalidSetting(name: "g3_params[\(k)]", value: "\(kappa)", hint: "κ must be finite")
        }
        for (name, functions) in [("g4_params", g4), ("g5_params", g5)] {
            for (k, p) in functions.enumerated() {
                guard p.eta >= 0, p.eta.isFinite, p.zeta >= 1, p.zeta.isFinite, abs(p.lambda) <= 1 else {
                    throw .invalidSetting(
                        name: "\(name)[\(k)]", value: "[\(p.eta), \(p.zeta), \(p.lambda)]",
                        hint: "needs η ≥ 0, ζ ≥ 1 and λ in [−1, 1] (finite)")
                }
            }
        }
        let sorted = Array(Set(species)).sorted()
        let pairs = sorted.count * (sorted.count + 1) / 2
        let features = (1 + g2.count + g3.count) * sorted.count + (g4.count + g5.count) * pairs
        try DescriptorLimits.checkFeatures(
            features, settings: "\(sorted.count) species, \(g2.count + g3.count + g4.count + g5.count) functions")
        self.cutoff = cutoff
        self.species = sorted
        self.g2 = g2
        self.g3 = g3
        self.g4 = g4
        self.g5 = g5
        self.periodic = periodic
        terms = ACSFTerms(cutoff: cutoff, g2: g2, g3: g3, g4: g4, g5: g5)
    }

    /// Length of each row: (1 + n_G2 + n_G3) × species + (n_G4 + n_G5) × species pairs.
    public var numberOfFeatures: Int {
        terms.radialCount * species.count + terms.angularCount * species.count * (species.count + 1) / 2
    }

    /// One row per center.
    public var isLocal: Bool { true }

    /// First feature of the G4/G5 block of neighbor species indices a and b (either order).
    @inline(__always)
    func angularOffset(_ a: Int, _ b: Int) -> Int {
        let (high, low) = a >= b ? (a, b) : (b, a)
        return terms.radialCount * species.count + (high * (high + 1) / 2 + low) * terms.angularCount
    }

    /// One row per center, in structure order.
    /// - Parameters:
    ///   - centers: per structure, the atom indices to describe, in output order (nil: every atom).
    ///   - threads: worker threads (default all cores); work is split over structures and centers.
    /// - Throws: `DescriptorError` for an element not in `species`, a center outside its structure, two atoms
    ///   at one position, or unusable geometry.
    public func create(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        try compute(structures, centers: centers, gradients: false, threads: threads).rows
    }

    /// Rows (as `create`) and their analytic derivatives: one 3 × D block per (row, atom) for the center and
    /// every atom closer than r_c (periodic images merged into their atom), each center moving with its atom
    /// (DScribe's `attach=True`, the only mode its ACSF allows).
    /// - Parameters: as `create`.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        let out = try compute(structures, centers: centers, gradients: true, threads: threads)
        return (out.rows, out.derivatives)
    }
}
