import Atoms
import Support

/// Everything a GAP fit needs besides the data.
public struct FitSettings: Equatable, Sendable {
    /// Settings of the SOAP term (nil: a model without one); an empty `speciesZ` means the elements of the
    /// training set in order of appearance.
    public var soap: SOAPSettings?
    /// The SOAP term's kernel δ and ζ.
    public var kernel: PolynomialKernel
    /// The 2- and 3-body terms.
    public var terms: [GeometricTermSettings] = []
    /// A fixed potential the model is fitted on top of (subtracted from the targets, added back at prediction).
    public var core: CorePotential?
    /// SOAP sparse points per element (elements without an entry in `sparseCountByElement`).
    public var sparseCount: Int
    /// Sparse points of particular elements (atomic number → count), overriding `sparseCount`.
    public var sparseCountByElement: [Int: Int]
    /// How sparse points are chosen.
    public var sparseMethod: SparseMethod
    /// With `.indices`: per element, indices into its atoms (file order, 0-based).
    public var sparseIndices: [Int: [Int]]
    /// Default σ (energy and virial per atom).
    public var sigmas: Sigmas
    /// σ per config_type.
    public var configTypeSigmas: [String: Sigmas]
    /// Where the reference data are.
    public var keys: ReferenceKeys
    /// How e0 is set.
    public var e0: E0Mode
    /// Added to every element's e0 once it is set (gap_fit's `e0_offset`).
    public var e0Offset: Double = 0
    /// Added to the diagonal of K_MM (gap_fit's `sparse_jitter`).
    public var jitter: Double
    /// Seed of every random choice.
    public var seed: UInt64
    /// Worker threads.
    public var threads: Int
    /// The parts the training rows are cut into for the QR (`ReductionPlan`: each folded into its own triangle, the
    /// triangles merged along a fixed binary tree); nil: one per rank. Fits with the same number of parts give the
    /// same weights on any number of ranks, at the cost of one more triangle held per level of a rank's own parts.
    public var partitions: Int?
    /// Fit virials when configurations have them.
    public var useVirials: Bool
    /// Keep the factors for predictive variances in the potential.
    public var storeVariance: Bool
    /// Keep configurations with two atoms closer than 0.5 Å in the fit (they are reported as warnings either
    /// way; without this they are left out, as such structures are almost always broken).
    public var allowCloseAtoms: Bool = false

    /// Settings with the usual defaults.
    public init(
        soap: SOAPSettings? = SOAPSettings(speciesZ: []), kernel: PolynomialKernel = PolynomialKernel(delta: 1, zeta: 4),
        terms: [GeometricTermSettings] = [], core: CorePotential? = nil, sparseCount: Int = 500,
        sparseCountByElement: [Int: Int] = [:],
        sparseMethod: SparseMethod = .cur,
        sparseIndices: [Int: [Int]] = [:],
        sigmas: Sigmas = Sigmas(energy: 0.001, force: 0.05, virial: 0.05), configTypeSigmas: [String: Sigmas] = [:],
        keys: ReferenceKeys = ReferenceKeys(), e0: E0Mode = .isolated, jitter: Double = 1e-10, seed: UInt64 = 1,
        threads: Int = Parallel.defaultThreads, useVirials: Bool = true, storeVariance: Bool = true,
        allowCloseAtoms: Bool = false
    ) {
        self.soap = soap
        self.kernel = kernel
        self.terms = terms
        self.core = core
        self.sparseCount = sparseCount
        self.sparseCountByElement = sparseCountByElement
        self.sparseMethod = sparseMethod
        self.sparseIndices = sparseIndices
        self.sigmas = sigmas
        self.configTypeSigmas = configTypeSigmas
        self.keys = keys
        self.e0 = e0
        self.jitter = jitter
        self.seed = seed
        self.threads = threads
        self.useVirials = useVirials
        self.storeVariance = storeVariance
        self.allowCloseAtoms = allowCloseAtoms
    }

    /// Sparse points of element `z`.
    public func sparseCount(for z: Int) -> Int { sparseCountByElement[z] ?? sparseCount }

    /// The most sparse points of one element or term: what a potential file may hold (an M × M triangle of
    /// 8 TB at this size, far beyond any machine's memory).
    public static let maximumSparseCount = PotentialLimits.sparsePoints

    /// Checks ranges before any work.
    func validate() throws(GAPError) {
        func positive(_ name: String, _ x: Double) throws(GAPError) {
            guard x > 0, x.isFinite else { throw .invalidSetting(name: name, value: "\(x)", hint: "must be positive") }
        }
        try positive("delta", kernel.delta)
        try positive("zeta", kernel.zeta)
        try positive("sigma energy", sigmas.energy)
        try positive("sigma force", sigmas.force)
        try positive("sigma virial", sigmas.virial)
        for (type, s) in configTypeSigmas {
            try positive("sigma energy of \(type)", s.energy)
            try positive("sigma force of \(type)", s.force)
            try positive("sigma virial of \(type)", s.virial)
        }
        guard e0Offset.isFinite else { throw .invalidSetting(name: "e0_offset", value: "\(e0Offset)", hint: "must be finite") }
        guard jitter >= 0, jitter.isFinite else { throw .invalidSetting(name: "jitter", value: "\(jitter)", hint: "must be ≥ 0") }
        for (z, count) in [(0, sparseCount)] + sparseCountByElement.sorted(by: { $0.key < $1.key })
        where !(1...Self.maximumSparseCount).contains(count) {
            let name = z == 0 ? "n_sparse" : "n_sparse of \(Element.label(z))"
            throw .invalidSetting(name: name, value: "\(count)", hint: "must be in 1…\(Self.maximumSparseCount)")
        }
        guard soap != nil || !terms.isEmpty else {
            throw .invalidSetting(name: "gap", value: "no term", hint: "give a SOAP term, a 2- or 3-body term, or several")
        }
        for term in terms { try term.validate() }
        guard threads >= 1 else { throw .invalidSetting(name: "threads", value: "\(threads)", hint: "must be at least 1") }
        if let partitions, !(1...Self.maximumPartitions).contains(partitions) {
            throw .invalidSetting(
                name: "partitions", value: "\(partitions)",
                hint: "must be in 1…\(Self.maximumPartitions)")
        }
    }

    /// The most parts a fit's rows may be cut into (each a triangle merged in turn: far more than ranks exist).
    public static let maximumPartitions = 1 << 16
}
