/// What a fit produced besides the potential.
public struct FitReport: Sendable {
    /// Seconds spent per stage, in order.
    public var seconds: [(stage: String, seconds: Double)] = []
    /// Sparse points chosen per element (indices into the element's atoms, file order).
    public var sparseIndices: [Int: [Int]] = [:]
    /// Sparse points chosen per 2- or 3-body term (indices into its instances over the training set, file order).
    public var termSparseIndices: [[Int]] = []
    /// Rows of the least-squares problem (energies, force components, virial components).
    public var observations = 0
    /// Reciprocal condition number of the final triangular factor.
    public var reciprocalCondition = 1.0
    /// Warnings worth showing the user.
    public var warnings: [String] = []
}
