import LinearAlgebra

/// The triangular factors of the sparse GP that give the predictive variance of a local energy:
/// σ²(e) = k(e, e) − ‖L⁻¹ k‖² + ‖R⁻ᵀ k‖², with L Lᵀ = K_MM + jitter and RᵀR = K_MM + jitter + K_MN Λ⁻¹ K_NM,
/// k the kernel between e and every sparse point of every term.
public struct VarianceFactors: Sendable, Equatable {
    /// Central element of each block of SOAP sparse points, in the order of `lower` and `upper` (the 2- and
    /// 3-body terms' points follow, in term order).
    public let elements: [Int]
    /// L, lower triangular, M × M, block diagonal by term and element: only its blocks (one per SOAP element
    /// in `elements` order, then one per 2- or 3-body term).
    public let lower: BlockDiagonalLower
    /// R, upper triangular, M × M, column-major (the fit's least-squares triangle itself, not a copy).
    public let upper: ColumnMajorUpper

    /// Factors for sparse points ordered by `elements` (each element's points as in its model), then the
    /// points of each 2- or 3-body term.
    public init(elements: [Int], lower: BlockDiagonalLower, upper: ColumnMajorUpper) {
        self.elements = elements
        self.lower = lower
        self.upper = upper
    }

    /// The variances of local energies whose kernels with the sparse points are the columns of `columns`
    /// (M × n) and whose prior variances are `prior`: two triangular solves with n right-hand sides.
    func variances(columns: Matrix, prior: [Double]) throws(LinearAlgebraError) -> [Double] {
        let a = try lower.solve(columns)
        let b = try upper.solveTransposed(columns)
        let m = lower.order
        return prior.indices.map { r in
            var explained = 0.0, posterior = 0.0
            for i in 0..<m {
                explained += a[i, r] * a[i, r]
                posterior += b[i, r] * b[i, r]
            }
            return max(prior[r] - explained + posterior, 0)
        }
    }

    /// The posterior covariance of functionals whose kernels with the sparse points are the columns of
    /// `columns` (M × q) and whose prior covariance is `prior` (q × q): prior − AᵀA + BᵀB with A = L⁻¹ columns
    /// and B = R⁻ᵀ columns; without a prior, the projected covariance BᵀB.
    func covariance(columns: Matrix, prior: Matrix?) throws(LinearAlgebraError) -> Matrix {
        let b = try upper.solveTransposed(columns)
        var out = Matrix(rows: columns.columns, columns: columns.columns)
        if let prior {
            let a = try lower.solve(columns)
            out = prior
            try Matrix.gemm(a, a, transA: .transposed, alpha: -1, beta: 1, into: &out)
        }
        try Matrix.gemm(b, b, transA: .transposed, alpha: 1, beta: 1, into: &out)
        return out
    }

    /// The projected variances ‖R⁻ᵀ k‖² of functionals whose kernels with the sparse points are the columns
    /// of `columns`: one triangular solve.
    func projectedVariances(columns: Matrix) throws(LinearAlgebraError) -> [Double] {
        let b = try upper.solveTransposed(columns)
        return (0..<columns.columns).map { r in
            var sum = 0.0
            for i in 0..<b.rows { sum += b[i, r] * b[i, r] }
            return sum
        }
    }
}
