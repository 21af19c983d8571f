import Descriptors

/// The QUIP-layout SOAP settings of a GAP term, as stored in potential files.
public struct SOAPSettings: Codable, Equatable, Sendable {
    public var cutoff: Double
    public var cutoffTransitionWidth: Double
    public var nMax: Int
    public var lMax: Int
    public var atomSigma: Double
    public var centralWeight: Double
    /// Density channels in order (gap_fit: order of first appearance in the training file).
    public var speciesZ: [Int]

    /// Settings; defaults are QUIP's where it has them.
    public init(cutoff: Double = 5, cutoffTransitionWidth: Double = 0.5, nMax: Int = 8, lMax: Int = 6,
                atomSigma: Double = 0.5, centralWeight: Double = 1, speciesZ: [Int]) {
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
    public func makeSOAP() throws(DescriptorError) -> SOAP {
        try SOAP.quip(cutoff: cutoff, cutoffTransitionWidth: cutoffTransitionWidth, nMax: nMax, lMax: lMax,
                      atomSigma: atomSigma, centralWeight: centralWeight, speciesZ: speciesZ)
    }
}
