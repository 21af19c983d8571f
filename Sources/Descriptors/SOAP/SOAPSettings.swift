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
    /// Density channels in order (gap_fit: order of first appearance in the training file).
    public var speciesZ: [Int]

    /// Settings; defaults are QUIP's where it has them.
    public init(
        cutoff: Double = 5, cutoffTransitionWidth: Double = 0.5, nMax: Int = 8, lMax: Int = 6,
        atomSigma: Double = 0.5, centralWeight: Double = 1, speciesZ: [Int]
    ) {
        self.cutoff = cutoff
        self.cutoffTransitionWidth = cutoffTransitionWidth
        self.nMax = nMax
        self.lMax = lMax
        self.atomSigma = atomSigma
        self.centralWeight = centralWeight
        self.speciesZ = speciesZ
    }

    enum CodingKeys: String, CodingKey {
        case cutoff, cutoffTransitionWidth = "cutoff_transition_width", nMax = "n_max", lMax = "l_max"
        case atomSigma = "atom_sigma", centralWeight = "central_weight", speciesZ = "species_Z"
    }

    /// The descriptor.
    /// - Throws: `DescriptorError.invalidSetting` for out-of-range settings (see `SOAP.quip`).
    public func makeSOAP() throws(DescriptorError) -> SOAP {
        try SOAP.quip(
            cutoff: cutoff, cutoffTransitionWidth: cutoffTransitionWidth, nMax: nMax, lMax: lMax,
            atomSigma: atomSigma, centralWeight: centralWeight, speciesZ: speciesZ)
    }
}
