import Atoms
import Support

/// Smooth Overlap of Atomic Positions descriptors with analytic derivatives, in DScribe's or QUIP's
/// definition (see `docs/SOAP.md`): one core computes the density expansion and power spectrum; the layout
/// decides the radial basis, center-atom rule, feature order, scaling and normalisation.
///
/// ```swift
/// let soap = try SOAP.dscribe(species: [1, 6, 8], cutoff: 5, nMax: 8, lMax: 6, atomSigma: 0.5)
/// let rows = try soap.create([ethanol])                 // one row per atom
/// let (q, dq) = try soap.derivatives([ethanol])         // plus sparse ∂q/∂r blocks
/// let oh = soap.location(of: (1, 8))                    // feature range of the H–O block
/// ```
public struct SOAP: Descriptor {
    /// Which definition the numbers follow.
    public enum Layout: String, Sendable, CaseIterable {
        case dscribe, quip
    }

    /// Averaging of the output over the centers of a structure.
    public enum Averaging: String, Sendable, CaseIterable {
        /// One row per center.
        case off
        /// Average the density coefficients over centers, then form the power spectrum.
        case inner
        /// Average the power spectra of the centers.
        case outer
    }

    /// DScribe's `compression` modes that SwiftGAP computes.
    public enum Compression: String, Sendable, CaseIterable {
        /// Every species pair's block.
        case off
        /// Same-species blocks only.
        case crossover
        /// Every species in one density channel (Darby et al. 2022's μ = 2): the row does not grow with the species,
        /// which `speciesWeights` can still tell apart.
        case mu2
        /// Each species' density against the sum over all species (Darby et al. 2022's μ = 1, ν = 1):
        /// n_max² (l_max + 1) features per species, a row that grows linearly with the species.
        case mu1nu1
    }

    /// DScribe's optional radial weighting of neighbor densities.
    public enum Weighting: Sendable, Equatable {
        /// c(1 + 2(r/r0)³ − 3(r/r0)²)^m inside r0, 0 beyond.
        case poly(c: Double, r0: Double, m: Double)
        /// c / (d + (r/r0)^m).
        case pow(c: Double, d: Double, r0: Double, m: Double)
        /// c / (d + e^{−r/r0}).
        case exp(c: Double, d: Double, r0: Double)
    }

    /// The definition followed.
    public let layout: Layout
    /// Species (atomic numbers): those of the density channels, in channel order ([0]: every atom in one channel);
    /// with `mu2` compression, the species accepted, all in one channel.
    public let species: [Int]
    /// DScribe's compression (`.off` for QUIP's layout).
    public let compression: Compression
    /// DScribe's `species_weighting`: the factor of each species' densities (empty: all 1).
    public let speciesWeights: [Int: Double]
    /// The largest |factor| of `speciesWeights`, 1 for the species it leaves out.
    var largestSpeciesWeight: Double { Self.largestFactor(speciesWeights, species: species.count) }

    private static func largestFactor(_ weights: [Int: Double], species: Int) -> Double {
        weights.values.reduce(weights.count < species ? 1 : 0) { max($0, abs($1)) }
    }
    /// Averaging over centers.
    public let average: Averaging
    /// Only atoms of this element are centers (QUIP's `Z`); nil for every atom.
    public let centerSpecies: Int?
    /// DScribe's `periodic`: false ignores cells and periodicity; QUIP layouts always follow each structure.
    public let periodic: Bool
    let engine: SOAPEngine
    /// The map from the engine's uncompressed features to the row's, for `mu1nu1` (nil: the engine's are the row's).
    let contraction: PowerSpectrumContraction?
    /// Buffers `backPropagate` reuses from call to call (two kept: a structure is back-propagated by one caller
    /// at a time, on its threads).
    private(set) var heldPool = ReusePool<HeldExpansions>(kept: 2) { $0.capacity }
    /// Workers' buffers `create` and `derivatives` reuse from call to call (one per core kept).
    private(set) var workspaces = ReusePool<Workspace>(kept: Parallel.defaultThreads) { $0.footprint }

    /// Length of each descriptor row.
    public var numberOfFeatures: Int { contraction?.length ?? engine.layout.length }

    /// One row per center unless averaged.
    public var isLocal: Bool { average == .off }

    /// Largest l of the expansion.
    public var lMax: Int { engine.lMax }
    /// Radial functions per l.
    public var nMax: Int { engine.nMax }
    /// Neighbors closer than this contribute, in Å.
    public var interactionRange: Double { engine.basis.range }

    /// DScribe 2.1 SOAP with `rbf="gto"`.
    /// - Parameters:
    ///   - species: atomic numbers of every element that may appear (sorted internally by Z, as DScribe).
    ///   - cutoff: DScribe's `r_cut` (> 1 Å for the GTO basis).
    ///   - atomSigma: DScribe's `sigma`, the Gaussian width of the atomic densities.
    ///   - weighting: optional radial weighting of neighbor densities (never cut at `cutoff`; neighbors
    ///     count out to `cutoff` + σ√(−2 ln 10⁻³) as always).
    ///   - centerWeight: DScribe's `w0`, the weight of the center atom's own density; by default w(0) of
    ///     the weighting function, or 1 without one.
    ///   - compression: DScribe's `compression` mode (off, crossover, mu2 or mu1nu1).
    ///   - speciesWeights: DScribe's `species_weighting`, a factor on the densities of each species given (the others
    ///     keep 1), the center's own included.
    ///   - periodic: follow each structure's cell and pbc (false treats every structure as a molecule).
    /// - Throws: `DescriptorError.invalidSetting` for out-of-range settings (see `DescriptorLimits`).
    public static func dscribe(
        species: [Int], cutoff: Double, nMax: Int, lMax: Int, atomSigma: Double, weighting: Weighting? = nil,
        centerWeight: Double? = nil, average: Averaging = .off, compression: Compression = .off,
        speciesWeights: [Int: Double] = [:], periodic: Bool = true
    ) throws(DescriptorError) -> SOAP {
        try validate(species: species, cutoff: cutoff, nMax: nMax, lMax: lMax, sigma: atomSigma)
        guard cutoff > 1 else {
            throw .invalidSetting(name: "cutoff", value: "\(cutoff)", hint: "DScribe's GTO basis needs a cutoff above 1 Å")
        }
        if let centerWeight, !(centerWeight >= 0 && centerWeight.isFinite) {
            throw .invalidSetting(name: "w0", value: "\(centerWeight)", hint: "the center weight must be finite and ≥ 0")
        }
        try weighting?.validate()
        let sorted = Array(Set(species)).sorted()
        for (z, w) in speciesWeights.sorted(by: { $0.key < $1.key }) {
            guard sorted.contains(z) else {
                throw .invalidSetting(
                    name: "species_weighting", value: "\(Element.symbol(z) ?? "Z\(z)")",
                    hint: "weights only the species \(sorted.map { Element.symbol($0)! })")
            }
            guard abs(w) <= NeighborWeight.largest else {
                throw .invalidSetting(
                    name: "species_weighting \(Element.symbol(z)!)", value: "\(w)",
                    hint: "must be finite and at most \(NeighborWeight.largest) in size (the power spectrum, ∝ w², overflows)")
            }
        }
        // mu2 puts every species in one channel: a one-species layout.
        let channelSpecies = compression == .mu2 ? [0] : sorted
        let crossover = compression == .crossover
        try checkSize(
            channels: channelSpecies.count * nMax,
            features: PowerSpectrumLayout.dscribeLength(
                speciesCount: channelSpecies.count, nMax: nMax, lMax: lMax, crossover: crossover))
        let basis = try RadialBasis(GTORadialFunctions(cutoff: cutoff, nMax: nMax, lMax: lMax, sigma: atomSigma))
        let weight: NeighborWeight
        switch weighting {
        case nil: weight = .none
        case let .poly(c, r0, m)?: weight = .poly(c: c, r0: r0, m: m)
        case let .pow(c, d, r0, m)?: weight = .pow(c: c, d: d, r0: r0, m: m)
        case let .exp(c, d, r0)?: weight = .exp(c: c, d: d, r0: r0)
        }
        // The center atom's own weight: w0, else w(0), which pow with d = 0 makes infinite.
        let ownWeight = centerWeight ?? weight(0).0
        guard ownWeight * largestFactor(speciesWeights, species: sorted.count) <= NeighborWeight.largest else {
            throw .invalidSetting(
                name: "w0", value: centerWeight.map { "\($0)" } ?? "w(0) = \(ownWeight)",
                hint: "the center atom's own weight, times its species weight, must be at most \(NeighborWeight.largest)"
                    + " (the power spectrum, ∝ w², overflows); give w0 (pow with d = 0 is infinite at r = 0)")
        }
        let engine = SOAPEngine(
            basis: basis, harmonics: SphericalHarmonics(lMax: lMax), species: channelSpecies,
            accepted: compression == .mu2 ? sorted : nil, weight: weight, centerWeight: ownWeight,
            centerInAllChannels: false,
            layout: .dscribe(speciesCount: channelSpecies.count, nMax: nMax, lMax: lMax, crossover: crossover),
            normalise: false)
        return SOAP(
            layout: .dscribe, species: sorted, compression: compression,
            speciesWeights: speciesWeights.filter { $0.value != 1 }, average: average, centerSpecies: nil,
            periodic: periodic, engine: engine,
            contraction: compression == .mu1nu1
                ? .mu1nu1(layout: engine.layout, speciesCount: sorted.count, nMax: nMax, lMax: lMax) : nil)
    }

    /// QUIP/GAP `soap` with the default radial basis (what gap_fit and quippy compute).
    /// - Parameters:
    ///   - speciesZ: channel species in the given order (gap_fit: order of first appearance); empty for
    ///     QUIP's default `species_Z={0}`, where every atom counts as one species.
    ///   - centerSpecies: QUIP's `Z`: only atoms of this element are centers (nil: all atoms).
    ///   - centralWeight: weight of the center atom's own Gaussian.
    ///   - normalise: divide each vector by its norm (QUIP's default).
    ///   - average: average the density coefficients over the centers (QUIP's `average=T`).
    ///   - centralReferenceAllSpecies: put the center's own Gaussian into every species channel (QUIP's
    ///     `central_reference_all_species`; its default before gap_version 1426512068), not only its element's.
    /// - Throws: `DescriptorError.invalidSetting` for out-of-range settings (see `DescriptorLimits`).
    public static func quip(
        cutoff: Double, cutoffTransitionWidth: Double = 0.5, nMax: Int, lMax: Int, atomSigma: Double,
        centralWeight: Double = 1, speciesZ: [Int], centerSpecies: Int? = nil, normalise: Bool = true,
        average: Bool = false, centralReferenceAllSpecies: Bool = false
    ) throws(DescriptorError) -> SOAP {
        _ = try quipFeatures(
            cutoff: cutoff, cutoffTransitionWidth: cutoffTransitionWidth, nMax: nMax, lMax: lMax, atomSigma: atomSigma,
            centralWeight: centralWeight, speciesZ: speciesZ)
        let channels = max(speciesZ.count, 1) * nMax
        let basis = try RadialBasis(EquispacedGaussianFunctions(cutoff: cutoff, nMax: nMax, lMax: lMax, sigma: atomSigma))
        let engine = SOAPEngine(
            basis: basis, harmonics: SphericalHarmonics(lMax: lMax), species: speciesZ.isEmpty ? [0] : speciesZ,
            weight: .cosine(cutoff: cutoff, width: cutoffTransitionWidth), centerWeight: centralWeight,
            centerInAllChannels: centralReferenceAllSpecies, layout: .quip(channels: channels, lMax: lMax),
            normalise: normalise)
        return SOAP(
            layout: .quip, species: speciesZ.isEmpty ? [0] : speciesZ, compression: .off, speciesWeights: [:],
            average: average ? .inner : .off,
            centerSpecies: centerSpecies,
            periodic: true, engine: engine, contraction: nil)
    }

    /// The length of the vectors `quip(…)` makes with these settings, after every check it makes before the radial
    /// basis is tabulated (which takes up to a second for the largest settings): what a potential reader compares
    /// its sparse points with before that work.
    /// - Throws: `DescriptorError.invalidSetting` as `quip(…)`.
    public static func quipFeatures(
        cutoff: Double, cutoffTransitionWidth: Double, nMax: Int, lMax: Int, atomSigma: Double, centralWeight: Double,
        speciesZ: [Int]
    ) throws(DescriptorError) -> Int {
        try validate(species: speciesZ.isEmpty ? [1] : speciesZ, cutoff: cutoff, nMax: nMax, lMax: lMax, sigma: atomSigma)
        guard Set(speciesZ).count == speciesZ.count else {
            throw .invalidSetting(name: "species_Z", value: "\(speciesZ)", hint: "each element may appear once")
        }
        guard cutoffTransitionWidth > 0, cutoffTransitionWidth <= cutoff else {
            throw .invalidSetting(
                name: "cutoff_transition_width", value: "\(cutoffTransitionWidth)",
                hint: "must be positive and at most the cutoff")
        }
        guard centralWeight.isFinite else {
            throw .invalidSetting(name: "central_weight", value: "\(centralWeight)", hint: "must be finite")
        }
        let channels = max(speciesZ.count, 1) * nMax
        let features = PowerSpectrumLayout.quipLength(channels: channels, lMax: lMax)
        try checkSize(channels: channels, features: features)
        return features
    }

    private static func validate(species: [Int], cutoff: Double, nMax: Int, lMax: Int, sigma: Double) throws(DescriptorError) {
        guard !species.isEmpty, species.allSatisfy({ Element.symbol($0) != nil }) else {
            throw .invalidSetting(name: "species", value: "\(species)", hint: "give one or more elements (Z = 1…118)")
        }
        try validate(cutoff: cutoff, nMax: nMax, lMax: lMax, atomSigma: sigma)
    }

    /// Checks the settings both definitions share against `DescriptorLimits`, without allocating.
    /// - Throws: `DescriptorError.invalidSetting` naming the setting and its allowed range.
    public static func validate(cutoff: Double, nMax: Int, lMax: Int, atomSigma: Double) throws(DescriptorError) {
        let limit = (
            cutoff: DescriptorLimits.cutoff, nMax: DescriptorLimits.soapNMax,
            lMax: DescriptorLimits.soapLMax, sigma: DescriptorLimits.soapAtomSigma
        )
        guard cutoff > 0, cutoff <= limit.cutoff else {
            throw .invalidSetting(
                name: "cutoff", value: "\(cutoff)",
                hint: "must be a distance in Å in (0, \(limit.cutoff)]")
        }
        guard (1...limit.nMax).contains(nMax) else {
            throw .invalidSetting(name: "n_max", value: "\(nMax)", hint: "must be between 1 and \(limit.nMax)")
        }
        guard (0...limit.lMax).contains(lMax) else {
            throw .invalidSetting(name: "l_max", value: "\(lMax)", hint: "must be between 0 and \(limit.lMax)")
        }
        guard atomSigma > 0, atomSigma <= limit.sigma else {
            throw .invalidSetting(
                name: "atom_sigma", value: "\(atomSigma)",
                hint: "must be a width in Å in (0, \(limit.sigma)]")
        }
    }

    /// Checks the density channels and the row length against `DescriptorLimits`.
    private static func checkSize(channels: Int, features: Int) throws(DescriptorError) {
        guard channels <= DescriptorLimits.soapChannels else {
            throw .invalidSetting(
                name: "species × n_max", value: "\(channels)",
                hint: "at most \(DescriptorLimits.soapChannels) density channels; lower n_max or the species")
        }
        try DescriptorLimits.checkFeatures(features, settings: "\(channels) channels")
    }

    /// The feature range of the species pair (Z1, Z2) in the DScribe layout (either order), nil when the
    /// pair is not part of the descriptor (unknown element, crossover or mu1nu1 without Z1 = Z2, or QUIP layout). Under
    /// `mu2` compression every pair of known species is the whole row, as DScribe says; under `mu1nu1` (Z, Z) is Z's
    /// block against every species.
    public func location(of pair: (Int, Int)) -> Range<Int>? {
        guard layout == .dscribe, var a = species.firstIndex(of: min(pair.0, pair.1)),
            var b = species.firstIndex(of: max(pair.0, pair.1))
        else { return nil }
        if compression == .mu2 { (a, b) = (0, 0) }
        if compression == .mu1nu1 {
            // One block per species, against the sum over all: no block of two species.
            let block = nMax * nMax * (lMax + 1)
            return a == b ? (a * block)..<((a + 1) * block) : nil
        }
        let features = engine.layout.features
        let n = nMax
        let lo = features.firstIndex { Int($0.ia) / n == a && Int($0.jb) / n == b }
        let hi = features.lastIndex { Int($0.ia) / n == a && Int($0.jb) / n == b }
        guard let lo, let hi else { return nil }
        return lo..<(hi + 1)
    }
}

extension SOAP.Weighting {
    /// Checks the parameters DScribe also checks.
    func validate() throws(DescriptorError) {
        func positive(_ name: String, _ x: Double, allowZero: Bool = false) throws(DescriptorError) {
            guard x.isFinite, allowZero ? x >= 0 : x > 0 else {
                throw .invalidSetting(name: "weighting \(name)", value: "\(x)", hint: allowZero ? "must be ≥ 0" : "must be > 0")
            }
        }
        switch self {
        case let .poly(c, r0, m):
            try positive("c", c, allowZero: true)
            try positive("r0", r0)
            try positive("m", m, allowZero: true)
        case let .pow(c, d, r0, m):
            try positive("c", c, allowZero: true)
            try positive("d", d, allowZero: true)
            try positive("r0", r0)
            try positive("m", m, allowZero: true)
        case let .exp(c, d, r0):
            try positive("c", c, allowZero: true)
            try positive("d", d, allowZero: true)
            try positive("r0", r0)
        }
    }
}
