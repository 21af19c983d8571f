/// How the rows of a structure's centers become one row for the structure (local → global descriptors).
public enum Pooling: Sendable, Equatable {
    /// The mean of the center rows (DScribe's `average="outer"`).
    case average
    /// The largest value of each feature over the centers. Its derivative is that of the center holding the
    /// maximum (the first such center on a tie, where the maximum is not differentiable).
    case max
    /// Σ_i w_i q_i / Σ_i w_i with w_i from the per-atom array `array` of each structure (one number per atom,
    /// ≥ 0, not all zero over the centers): site-weighted aggregation, e.g. by charge, magnetic moment or
    /// an occupation.
    case siteWeighted(array: String)
}
