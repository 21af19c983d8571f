/// The QUIP-layout SOAP settings of a GAP term, as stored in potential files (`Codable`, with QUIP's
/// key names).
public struct SOAPSettings: Codable, Equatable, Sendable {
    /// Cutoff radius in Å (QUIP's `cutoff`).
    public var cutoff: Double
    /// Width of the cosine cutoff transition in Å (QUIP's `cutoff_transition_width`).
    public var cutoffTransitionWidth: Double
    /// Radial basis functions per l (QUIP's `n_max`).
    public var nMax: Int
    /// Largest spherical-harmonic degree (QUIP's `l_max`).
    public var lMax: Int
    /// Gaussian width of the atomic densities in Å (QUIP's `atom_sigma`).
    public var atomSigma: Double
    /// Weight of the center atom's own Gaussian (QUIP's `central_weight`).
    public var centralWeight: Double
    /// Density channels in order (gap_fit: order of first appearance in the training file); empty for QUIP's
    /// `species_Z={0}`, where every atom counts as one species.
    public var speciesZ: [Int]
    /// Whether the center's own Gaussian goes into every species channel (QUIP's
    /// `central_reference_all_species`); false puts it into its element's channel only, QUIP's default since
    /// gap_version 1426512068.
    public var centralReferenceAllSpecies: Bool

    /// Settings; defaults are QUIP's where it has them.
    public init(
        cutoff: Double = 5, cutoffTransitionWidth: Double = 0.5, nMax: Int = 8, lMax: Int = 6,
        atomSigma: Double = 0.5, centralWeight: Double = 1, speciesZ: [Int], centralReferenceAllSpecies: Bool = false
    ) {
        self.cutoff = cutoff
        self.cutoffTransitionWidth = cutoffTransitionWidth
        self.nMax = nMax
        self.lMax = lMax
        self.atomSigma = atomSigma
        self.centralWeight = centralWeight
        self.speciesZ = speciesZ
        self.centralReferenceAllSpecies = centralReferenceAllSpecies
    }

    enum CodingKeys: String, CodingKey {
        case cutoff, cutoffTransitionWidth = "cutoff_transition_width", nMax = "n_max", lMax = "l_max"
        case atomSigma = "atom_sigma", centralWeight = "central_weight", speciesZ = "species_Z"
        case centralReferenceAllSpecies = "central_reference_all_species"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cutoff = try c.decode(Double.self, forKey: .cutoff)
        cutoffTransitionWidth = try c.decode(Double.self, forKey: .cutoffTransitionWidth)
        nMax = try c.decode(Int.self, forKey: .nMax)
        lMax = try c.decode(Int.self, forKey: .lMax)
        atomSigma = try c.decode(Double.self, forKey: .atomSigma)
        centralWeight = try c.decode(Double.self, forKey: .centralWeight)
        speciesZ = try c.decode([Int].self, forKey: .speciesZ)
        // Files written before the setting existed follow QUIP's default.
        centralReferenceAllSpecies = try c.decodeIfPresent(Bool.self, forKey: .centralReferenceAllSpecies) ?? false
    }

    /// The length of the descriptor's vectors, from the settings alone: checked as `makeSOAP()` checks them, without
    /// tabulating the radial basis, so that a reader can compare a file's sparse points with it first.
    /// - Throws: `DescriptorError.invalidSetting` for out-of-range settings (see `SOAP.quip`).
    public func numberOfFeatures() throws(DescriptorError) -> Int {
        try SOAP.quipFeatures(
            cutoff: cutoff, cutoffTransitionWidth: cutoffTransitionWidth, nMax: nMax, lMax: lMax, atomSigma: atomSigma,
            centralWeight: centralWeight, speciesZ: speciesZ)
    }

    /// The descriptor.
    /// - Throws: `DescriptorError.invalidSetting` for out-of-range settings (see `SOAP.quip`).
    public func makeSOAP() throws(DescriptorError) -> SOAP {
        try SOAP.quip(
            cutoff: cutoff, cutoffTransitionWidth: cutoffTransitionWidth, nMax: nMax, lMax: lMax,
            atomSigma: atomSigma, centralWeight: centralWeight, speciesZ: speciesZ,
            centralReferenceAllSpecies: centralReferenceAllSpecies)
    }
}
