import Atoms

/// Fit settings in JSON with gap_fit's names where it has the setting (`n_sparse`, `sparse_method`,
/// `default_sigma`, `config_type_sigma`, `e0_method`, `sparse_jitter`, `rnd_seed`, `*_parameter_name`);
/// per-element maps are keyed by element symbol; `soap` is null for a model without a SOAP term. Decoding is lenient: absent keys keep their defaults.
extension FitSettings: Codable {
    enum CodingKeys: String, CodingKey {
        case soap, kernel, terms, core, sparseCount = "n_sparse", sparseCountByElement = "n_sparse_by_element", sparseMethod =
            "sparse_method"
        case sparseIndices = "sparse_indices", sigmas = "default_sigma", configTypeSigmas = "config_type_sigma"
        case energyKey = "energy_parameter_name", forcesKey = "force_parameter_name", virialKey = "virial_parameter_name"
        case stressKey = "stress_parameter_name", configTypeKey = "config_type_parameter_name"
        case e0 = "e0_method", e0Offset = "e0_offset", jitter = "sparse_jitter", seed = "rnd_seed", threads, partitions,
            useVirials =
            "use_virials"
        case storeVariance = "store_variance", allowCloseAtoms = "allow_close_atoms"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        // Absent: the default SOAP term (records before multi-term models); null: no SOAP term.
        if c.contains(.soap) { soap = try c.decodeNil(forKey: .soap) ? nil : try c.decode(SOAPSettings.self, forKey: .soap) }
        terms = try c.decodeIfPresent([GeometricTermSettings].self, forKey: .terms) ?? []
        core = try c.decodeIfPresent(CorePotential.self, forKey: .core)
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
        e0Offset = try c.decodeIfPresent(Double.self, forKey: .e0Offset) ?? e0Offset
        jitter = try c.decodeIfPresent(Double.self, forKey: .jitter) ?? jitter
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? threads
        partitions = try c.decodeIfPresent(Int.self, forKey: .partitions)
        useVirials = try c.decodeIfPresent(Bool.self, forKey: .useVirials) ?? useVirials
        storeVariance = try c.decodeIfPresent(Bool.self, forKey: .storeVariance) ?? storeVariance
        allowCloseAtoms = try c.decodeIfPresent(Bool.self, forKey: .allowCloseAtoms) ?? allowCloseAtoms
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let soap { try c.encode(soap, forKey: .soap) } else { try c.encodeNil(forKey: .soap) }
        if !terms.isEmpty { try c.encode(terms, forKey: .terms) }
        try c.encodeIfPresent(core, forKey: .core)
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
        if e0Offset != 0 { try c.encode(e0Offset, forKey: .e0Offset) }
        try c.encode(jitter, forKey: .jitter)
        try c.encode(seed, forKey: .seed)
        try c.encode(threads, forKey: .threads)
        try c.encodeIfPresent(partitions, forKey: .partitions)
        try c.encode(useVirials, forKey: .useVirials)
        try c.encode(allowCloseAtoms, forKey: .allowCloseAtoms)
        try c.encode(storeVariance, forKey: .storeVariance)
    }
}
