extension SineMatrix {
    /// DScribe's `SineMatrix` from JSON settings: `n_atoms_max` and the permutation keys (`permutation`,
    /// `sigma`, `seed`: see `MatrixPermutation.init(settings:)`).
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped or out-of-range value.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        let permutation = try MatrixPermutation(settings: &s)
        try self.init(nAtomsMax: try s.int("n_atoms_max"), permutation: permutation)
    }
}
