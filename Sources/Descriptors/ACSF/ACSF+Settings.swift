extension ACSF {
    /// DScribe's `ACSF` from JSON settings: `r_cut`, `species` (symbols or atomic numbers), `g2_params` [[η, R_s]…], `g3_params` [κ…],
    /// `g4_params` and `g5_params` [[η, ζ, λ]…] (each optional, default none), `periodic` (default false).
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped or out-of-range value.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        guard let species = try s.optionalSpecies() else {
            throw s.invalid("species", "missing", "give the element symbols or atomic numbers, e.g. [\"H\", \"O\"]")
        }
        func angular(_ key: String) throws(DescriptorError) -> [Angular] {
            (try s.optionalRows(key, width: 3) ?? []).map { Angular(eta: $0[0], zeta: $0[1], lambda: $0[2]) }
        }
        try self.init(
            cutoff: try s.double("r_cut"), species: species,
            g2: (try s.optionalRows("g2_params", width: 2) ?? []).map { Gaussian(eta: $0[0], shift: $0[1]) },
            g3: try s.optionalDoubles("g3_params") ?? [], g4: try angular("g4_params"), g5: try angular("g5_params"),
            periodic: try s.bool("periodic", default: false))
    }
}
