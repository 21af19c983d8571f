import Atoms
import Support

/// The many-body tensor representation (MBTR) of a whole structure, as DScribe 2.1 defines it: one term of
/// degree k = 1, 2 or 3 (chosen by the geometry function), each atom, pair or triplet adding a weighted
/// Gaussian at its geometry value to the grid of its species combination.
///
/// Layout (DScribe's): one block of `grid.n` features per species combination, species in ascending atomic
/// number; k = 1 by species, k = 2 by pairs (a ≤ b) row by row, k = 3 by (a, b, c) with the middle atom's
/// species b outermost and the end species a ≤ c inside, as `location(of:)` gives.
///
/// Periodic structures count each periodic pair or triplet once per cell, as DScribe's halving of pairs and
/// division of triplets across cell copies amounts to. Derivatives are analytic for every setting (DScribe
/// has none for the angle or the l2 normalization), one 3 × D block per atom.
///
/// ```swift
/// let mbtr = try MBTR(
///     geometry: .inverseDistance, grid: MBTR.Grid(min: 0, max: 1, n: 100, sigma: 0.01),
///     weighting: .exponential(scale: 0.5, threshold: 1e-3), normalization: .l2, species: [11, 17], periodic: true)
/// let rows = try mbtr.create([nacl])
/// ```
public struct MBTR: Descriptor {
    /// The geometry function (and so the degree k).
    public let geometry: Geometry
    /// The discretisation grid.
    public let grid: Grid
    /// The weighting function.
    public let weighting: Weighting
    /// Gaussians of unit area (true) or unit peak (false).
    public let normalizeGaussians: Bool
    /// The normalization of the output row.
    public let normalization: Normalization
    /// The atomic numbers described, ascending.
    public let species: [Int]
    /// Whether structures are described with their periodic images (false treats each as a molecule).
    public let periodic: Bool
    /// Index in `species` by atomic number, −1 for an element not described.
    let speciesIndex: [Int]

    /// An MBTR descriptor with DScribe's settings.
    /// - Parameters:
    ///   - geometry: the geometry function; its degree k selects the term.
    ///   - grid: where and how finely the geometry values are discretised.
    ///   - weighting: one DScribe allows for k (`Weighting`); periodic k = 2 and 3 need one that leaves far
    ///     pairs and triplets out.
    ///   - normalizeGaussians: unit-area (true, DScribe's default) or unit-peak Gaussians.
    ///   - normalization: of the output row; `valleOganov` needs `periodic`.
    ///   - species: the atomic numbers structures may hold (duplicates dropped, sorted).
    ///   - periodic: follow each structure's cell and pbc.
    /// - Throws: `DescriptorError.invalidSetting` naming the setting and what is allowed.
    public init(
        geometry: Geometry, grid: Grid, weighting: Weighting = .unity, normalizeGaussians: Bool = true,
        normalization: Normalization = .none, species: [Int], periodic: Bool = false
    ) throws(DescriptorError) {
        let k = geometry.degree
        guard !species.isEmpty, species.allSatisfy({ Element.symbol($0) != nil }) else {
            throw .invalidSetting(
                name: "species", value: "\(species)", hint: "give one or more atomic numbers of known elements (1…118)")
        }
        guard Weighting.names(degree: k).contains(weighting.name) else {
            throw .invalidSetting(
                name: "weighting: function", value: weighting.name,
                hint: "k = \(k) (\(geometry.rawValue)) allows \(Weighting.names(degree: k).joined(separator: ", "))")
        }
        try Self.check(weighting, degree: k)
        if periodic, k > 1, weighting == .unity {
            throw .invalidSetting(
                name: "weighting: function", value: "unity",
                hint: "periodic structures need a weighting that leaves far terms out: "
                    + Weighting.names(degree: k).dropFirst().joined(separator: " or "))
        }
        if normalization == .valleOganov, !periodic {
            throw .invalidSetting(
                name: "normalization", value: "valle_oganov", hint: "Valle–Oganov normalization needs periodic = true")
        }
        let sorted = Array(Set(species)).sorted()
        let s = sorted.count
        let tuples = k == 1 ? s : (k == 2 ? s * (s + 1) / 2 : s * s * (s + 1) / 2)
        try DescriptorLimits.checkFeatures(
            tuples * grid.n, settings: "\(tuples) species combinations × grid n = \(grid.n)")
        var index = [Int](repeating: -1, count: (sorted.last ?? 0) + 1)
        for (i, z) in sorted.enumerated() { index[z] = i }
        self.geometry = geometry
        self.grid = grid
        self.weighting = weighting
        self.normalizeGaussians = normalizeGaussians
        self.normalization = normalization
        self.species = sorted
        self.periodic = periodic
        speciesIndex = index
    }

    /// Throws unless the weighting's parameters are in range.
    private static func check(_ weighting: Weighting, degree k: Int) throws(DescriptorError) {
        switch weighting {
        case .unity: return
        case let .exponential(scale, threshold):
            guard scale > 0, scale.isFinite else {
                throw .invalidSetting(name: "weighting: scale", value: "\(scale)", hint: "must be a positive finite number")
            }
            guard threshold > 0, threshold < 1 else {
                throw .invalidSetting(name: "weighting: threshold", value: "\(threshold)", hint: "must be between 0 and 1")
            }
        case let .inverseSquare(cutoff), let .smoothCutoff(cutoff, _):
            guard cutoff > 0, cutoff <= DescriptorLimits.cutoff else {
                throw .invalidSetting(
                    name: "weighting: r_cut", value: "\(cutoff)", hint: "must be in (0, \(DescriptorLimits.cutoff)] Å")
            }
            if case let .smoothCutoff(_, sharpness) = weighting, !(sharpness > 0 && sharpness.isFinite) {
                throw .invalidSetting(
                    name: "weighting: sharpness", value: "\(sharpness)", hint: "must be a positive finite number")
            }
        }
        if let range = weighting.range(degree: k), range > DescriptorLimits.cutoff {
            throw .invalidSetting(
                name: "weighting", value: "range \(range) Å",
                hint: "scale and threshold leave terms up to \(range) Å; at most \(DescriptorLimits.cutoff) Å is allowed")
        }
    }

    /// Length of the output row: the number of species combinations times the grid's n.
    public var numberOfFeatures: Int {
        let s = species.count
        switch geometry.degree {
        case 1: return s * grid.n
        case 2: return s * (s + 1) / 2 * grid.n
        default: return s * s * (s + 1) / 2 * grid.n
        }
    }

    /// The features of one species combination (DScribe's `get_location`): one atomic number for k = 1, a
    /// pair for k = 2 (either order), a triplet (end, middle, end; the ends in either order) for k = 3.
    /// - Throws: `DescriptorError.invalidSetting` for a combination of another length or an element not
    ///   in `species`.
    public func location(of combination: [Int]) throws(DescriptorError) -> Range<Int> {
        guard combination.count == geometry.degree else {
            throw .invalidSetting(
                name: "species combination", value: "\(combination)",
                hint: "this MBTR (k = \(geometry.degree)) takes \(geometry.degree) atomic numbers")
        }
        var indices = [Int]()
        for z in combination {
            guard z >= 0, z < speciesIndex.count, speciesIndex[z] >= 0 else {
                throw .invalidSetting(
                    name: "species combination", value: "\(combination)", hint: "\(z) is not among the species \(species)")
            }
            indices.append(speciesIndex[z])
        }
        switch indices.count {
        case 1: return location(indices[0])
        case 2: return location(tuple(indices[0], indices[1]))
        default: return location(tuple(indices[0], indices[1], indices[2]))
        }
    }

    /// The features of species combination number `tuple`.
    func location(_ tuple: Int) -> Range<Int> { (tuple * grid.n)..<((tuple + 1) * grid.n) }

    /// The combination number of a pair of species indices (either order): the upper triangle row by row.
    func tuple(_ a: Int, _ b: Int) -> Int {
        let (i, j) = a <= b ? (a, b) : (b, a)
        return j + i * species.count - i * (i + 1) / 2
    }

    /// The combination number of a triplet of species indices with `b` in the middle (ends in either order).
    func tuple(_ a: Int, _ b: Int, _ c: Int) -> Int {
        let s = species.count
        return b * s * (s + 1) / 2 + tuple(a, c)
    }

    /// One row per structure (center −1).
    /// - Parameters:
    ///   - centers: must be nil: MBTR describes whole structures.
    ///   - threads: worker threads (default all cores); work is split over structures.
    /// - Throws: `DescriptorError` for centers, unknown species, overlapping atoms or unusable geometry.
    public func create(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        try compute(structures, centers: centers, gradients: false, threads: threads).rows
    }

    /// Rows and their derivatives with respect to every atom position (one 3 × D block per atom).
    /// - Parameters: as `create`.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        let out = try compute(structures, centers: centers, gradients: true, threads: threads)
        return (out.rows, out.derivatives)
    }

    private func compute(_ structures: [Structure], centers: [[Int]]?, gradients: Bool, threads: Int) throws(DescriptorError)
        -> (rows: DescriptorRows, derivatives: SparseDerivatives)
    {
        guard centers == nil else {
            throw .invalidSetting(
                name: "centers", value: "\(centers?.count ?? 0) lists", hint: "MBTR describes whole structures; give no centers")
        }
        let results = Parallel.map(structures.count, threads: threads) { k in
            Result { () throws(DescriptorError) in try spectrum(structures[k], index: k, gradients: gradients) }
        }
        let spectra = try results.map { result throws(DescriptorError) in try result.get() }
        let D = numberOfFeatures
        var rows = DescriptorRows(featureCount: D)
        var derivatives = SparseDerivatives(featureCount: D, strain: false)
        rows.values.reserveCapacity(spectra.count * D)
        if gradients { derivatives.start = [0] }
        for (k, (row, blocks, layout)) in spectra.enumerated() {
            rows.values += row
            rows.structure.append(k)
            rows.center.append(-1)
            guard gradients else { continue }
            // One block per atom, in atom order, holding the features of the structure's species combinations: the
            // structure's blocks are already laid out so.
            let atoms = structures[k].count, stored = 3 * layout.count
            var pattern = derivatives.patterns.firstIndex(of: layout.ranges)
            if pattern == nil {
                derivatives.patterns.append(layout.ranges)
                pattern = derivatives.patterns.count - 1
            }
            derivatives.row += repeatElement(k, count: atoms)
            derivatives.atom += 0..<atoms
            derivatives.pattern += repeatElement(Int32(pattern!), count: atoms)
            let first = derivatives.values.count
            derivatives.start += (0..<atoms).lazy.map { first + ($0 + 1) * stored }
            // The first structure's blocks are taken as they are (no copy of what can be hundreds of MB).
            if derivatives.values.isEmpty { derivatives.values = blocks } else { derivatives.values += blocks }
        }
        return (rows, derivatives)
    }
}
