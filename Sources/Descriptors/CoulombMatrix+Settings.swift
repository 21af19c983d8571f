extension CoulombMatrix {
    /// DScribe's `CoulombMatrix` from JSON settings: `n_atoms_max`, `permutation`
    /// "none"|"sorted_l2"|"eigenspectrum"|"random" (default sorted_l2), `sigma` (random only), `seed` (default 0).
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped or out-of-range value.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        let name = try s.optionalString("permutation") ?? "sorted_l2"
        let permutation: Permutation
        switch name {
        case "none": permutation = .none
        case "sorted_l2": permutation = .sortedL2
        case "eigenspectrum": permutation = .eigenspectrum
        case "random":
            let seed = try s.optionalInt("seed") ?? 0
            guard seed >= 0 else { throw s.invalid("seed", seed, "must be ≥ 0") }
            permutation = .random(sigma: try s.double("sigma"), seed: UInt64(seed))
        default: throw s.invalid("permutation", name, "must be none, sorted_l2, eigenspectrum or random")
        }
        try self.init(nAtomsMax: try s.int("n_atoms_max"), permutation: permutation)
    }
}
