import LinearAlgebra

/// The fitted model of one central element: sparse descriptors x_m and weights α_m, so that the local
/// energy of an atom with descriptor q is e(q) = δ² Σ_m α_m (q·x_m)^ζ.
public struct SparseModel: Sendable, Equatable {
    /// Sparse points, M × D.
    public let points: Matrix
    /// Weights, M.
    public let alpha: [Double]

    /// A model; `alpha` has one weight per row of `points`.
    public init(points: Matrix, alpha: [Double]) {
        precondition(points.rows == alpha.count, "one weight per sparse point")
        self.points = points
        self.alpha = alpha
    }
}
