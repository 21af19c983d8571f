extension EwaldSumMatrix {
    /// DScribe's `EwaldSumMatrix` from JSON settings: `n_atoms_max`, the permutation keys (`permutation`,
    /// `sigma`, `seed`: see `MatrixPermutation.init(settings:)`) and the arguments DScribe takes per `create`
    /// call: `accuracy` (default 1e-5), `w` (default 1), `r_cut` and `g_cut` (both or neither), `a`.
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped or out-of-range value, or one cutoff
    ///   without the other.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        let permutation = try MatrixPermutation(settings: &s)
        let realCutoff = try s.optionalDouble("r_cut"), reciprocalCutoff = try s.optionalDouble("g_cut")
        let cutoffs: Cutoffs?
        switch (realCutoff, reciprocalCutoff) {
        case (nil, nil): cutoffs = nil
        case let (real?, reciprocal?): cutoffs = Cutoffs(real: real, reciprocal: reciprocal)
        default:
            throw s.invalid(
                realCutoff == nil ? "r_cut" : "g_cut", "missing", "give both r_cut and g_cut, or neither (cutoffs from accuracy)")
        }
        try self.init(
            nAtomsMax: try s.int("n_atoms_max"), permutation: permutation, accuracy: try s.optionalDouble("accuracy") ?? 1e-5,
            weight: try s.optionalDouble("w") ?? 1, cutoffs: cutoffs, screening: try s.optionalDouble("a"))
    }
}
