extension MatrixPermutation {
    /// DScribe's `permutation` "none"|"sorted_l2"|"eigenspectrum"|"random" (default sorted_l2), with `sigma`
    /// (random only, required) and `seed` (random only, default 0).
    /// - Throws: `DescriptorError.invalidSetting` for a missing, mistyped or out-of-range value.
    init(settings s: inout DescriptorSettings) throws(DescriptorError) {
        let name = try s.optionalString("permutation") ?? "sorted_l2"
        switch name {
        case "none": self = .none
        case "sorted_l2": self = .sortedL2
        case "eigenspectrum": self = .eigenspectrum
        case "random":
            let seed = try s.optionalInt("seed") ?? 0
            guard seed >= 0 else { throw s.invalid("seed", seed, "must be ≥ 0") }
            self = .random(sigma: try s.double("sigma"), seed: UInt64(seed))
        default: throw s.invalid("permutation", name, "must be none, sorted_l2, eigenspectrum or random")
        }
    }
}
