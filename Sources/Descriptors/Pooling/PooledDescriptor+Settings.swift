extension PooledDescriptor {
    /// `base` pooled as its JSON settings ask: `"pooling"` (`"average"`, `"max"` or `"weighted"`) with, for
    /// `"weighted"`, `"site_weights"` naming the per-atom array of each structure that weights its centers; `base`
    /// itself when the settings have no pooling.
    /// - Throws: `DescriptorError.invalidSetting` for an unknown pooling, site weights without weighted pooling or
    ///   weighted pooling without them, or pooling of a descriptor that is not local.
    static func pooling(_ base: any Descriptor, settings s: inout DescriptorSettings) throws(DescriptorError)
        -> any Descriptor
    {
        let name = try s.optionalString("pooling"), weights = try s.optionalString("site_weights")
        let misplaced = "site weights go with \"pooling\": \"weighted\""
        guard let name else {
            if let weights { throw s.invalid("site_weights", weights, misplaced) }
            return base
        }
        let pooling: Pooling
        switch name {
        case "average", "max":
            if let weights { throw s.invalid("site_weights", weights, misplaced) }
            pooling = name == "max" ? .max : .average
        case "weighted":
            guard let weights, !weights.isEmpty else {
                throw s.invalid(
                    "site_weights", weights ?? "missing",
                    "\"pooling\": \"weighted\" needs the name of a per-atom array (e.g. \"initial_charges\")")
            }
            pooling = .siteWeighted(array: weights)
        default: throw s.invalid("pooling", name, "one of average, max, weighted")
        }
        return try PooledDescriptor(base, pooling: pooling)
    }
}
