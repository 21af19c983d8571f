import Atoms

/// Fit settings in JSON with gap_fit's names where it has the setting (`n_sparse`, `sparse_method`,
/// `default_sigma`, `config_type_sigma`, `e0_method`, `sparse_jitter`, `rnd_seed`, `*_parameter_name`);
/// per-element maps are keyed by element symbol. Decoding is lenient: absent keys keep their defaults.
extension FitSettings: Codable {
    enum CodingKeys: String, CodingKey {
        case soap, kernel, sparseCount = "n_sparse", sparseCountByElement = "n_sparse_by_element", sparseMethod = "sparse_method"
        case sparseIndices = "sparse_indices", sigmas = "default_sigma", configTypeSigmas = "config_type_sigma"
        case energyKey = "energy_parameter_name", forcesKey = "force_parameter_name", virialKey = "virial_parameter_name"
        case stressKey = "stress_parameter_name", configTypeKey = "config_type_parameter_name"
        case e0 = "e0_method", jitter = "sparse_jitter", seed = "rnd_seed", threads, useVirials = "use_virials"
        case storeVariance = "store_variance", allowCloseAtoms = "allow_close_atoms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        soap = try c.decodeIfPresent(SOAPSettings.self, forKey: .soap) ?? soap
        kernel = try c.decodeIfPresent(PolynomialKernel.self, forKey: .kernel) ?? kernel
        sparseCount = try c.decodeIfPresent(Int.self, forKey: .sparseCount) ?? sparseCount
        sparseCountByElement = try ElementKeyed.decode(
            c.decodeIfPresent([String: Int].self, forKey: .sparseCountByElement) ?? [:], codingPath: c.codingPath)
        sparseMethod = try c.decodeIfPresent(SparseMethod.self, forKey: .sparseMethod) ?? sparseMethod
        sparseIndices = try ElementKeyed.decode(
            c.decodeIfPresent([String: [Int]].self, forKey: .sparseIndices) ?? [:], codingPath: c.codingPath)
        sigmas = try c.decodeIfPresent(Sigmas.self, forKey: .sigmas) ?? sigmas
        configTypeSigmas = try c.decodeIfPresent([String: Sigmas].self, forKey: .configTypeSigmas) ?? [:]
        keys = ReferenceKeys(
            energy: try c.decodeIfPresent(String.self, forKey: .energyKey),
            forces: try c.decodeIfPresent(String.self, forKey: .forcesKey),
            virial: try c.decodeIfPresent(String.self, forKey: .virialKey),
            stress: try c.decodeIfPresent(String.self, forKey: .stressKey),
            configType: try c.decodeIfPresent(String.self, forKey: .configTypeKey) ?? keys.configType)
        e0 = try c.decodeIfPresent(E0Mode.self, forKey: .e0) ?? e0
        jitter = try c.decodeIfPresent(Double.self, forKey: .jitter) ?? jitter
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? threads
        useVirials = try c.decodeIfPresent(Bool.self, forKey: .useVirials) ?? useVirials
        storeVariance = try c.decodeIfPresent(Bool.self, forKey: .storeVariance) ?? storeVariance
        allowCloseAtoms = try c.decodeIfPresent(Bool.self, forKey: .allowCloseAtoms) ?? allowCloseAtoms
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(soap, forKey: .soap)
        try c.encode(kernel, forKey: .kernel)
        try c.encode(sparseCount, forKey: .sparseCount)
        if !sparseCountByElement.isEmpty { try c.encode(ElementKeyed.encode(sparseCountByElement), forKey: .sparseCountByElement) }
        try c.encode(sparseMethod, forKey: .sparseMethod)
        if !sparseIndices.isEmpty { try c.encode(ElementKeyed.encode(sparseIndices), forKey: .sparseIndices) }
        try c.encode(sigmas, forKey: .sigmas)
        try c.encode(configTypeSigmas, forKey: .configTypeSigmas)
        try c.encodeIfPresent(keys.energy, forKey: .energyKey)
        try c.encodeIfPresent(keys.forces, forKey: .forcesKey)
        try c.encodeIfPresent(keys.virial, forKey: .virialKey)
        try c.encodeIfPresent(keys.stress, forKey: .stressKey)
        try c.encode(keys.configType, forKey: .configTypeKey)
        try c.encode(e0, forKey: .e0)
        try c.encode(jitter, forKey: .jitter)
        try c.encode(seed, forKey: .seed)
        try c.encode(threads, forKey: .threads)
        try c.encode(useVirials, forKey: .useVirials)
        try c.encode(allowCloseAtoms, forKey: .allowCloseAtoms)
        try c.encode(storeVariance, forKey: .storeVariance)
    }
}
