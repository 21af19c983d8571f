import CLapack

/// Least squares min ‖A·x − b‖ with the rows of [A b] added block by block, keeping only the
/// (n+1) × (n+1) upper triangle R̃ = [R z; 0 ρ] of their QR factorisation (LAPACK dtpqrt folds each block
/// into it), so memory is O(n² + block·n) however many rows there are. x solves R x = z; ρ is the
/// residual norm.
public struct IncrementalLeastSquares: Sendable {
    /// Unknowns.
    public let columns: Int
    /// Rows folded in so far (the initial triangle not counted).
    public private(set) var rowCount = 0
    /// R̃, row-major (n+1) × (n+1).
    private var triangle: Matrix

    /// Starts from an n × n upper-triangular block of rows (e.g. the Cholesky factor Lᵀ of a regulariser,
    /// which adds ‖Lᵀx‖² to the objective) with zero right-hand side.
    /// - Throws: `.dimensionMismatch` unless `initial` is square.
    public init(initial: Matrix) throws(LinearAlgebraError) {
        guard initial.isSquare else {
            throw .dimensionMismatch(operation: "IncrementalLeastSquares", detail: "initial triangle is \(initial.rows)×\(initial.columns)")
        }
        let n = initial.rows
        columns = n
        var t = Matrix(rows: n + 1, columns: n + 1)
        for i in 0..<n {
            for j in i..<n { t[i, j] = initial[i, j] }
        }
        triangle = t
    }

    /// Folds in rows `a` (m × n) with right-hand sides `b` (m).
    /// - Throws: `.dimensionMismatch` for wrong shapes, `.illegalArgument` for NaN input.
    public mutating func add(rows a: Matrix, rhs b: [Double]) throws(LinearAlgebraError) {
        let n = columns, m = a.rows
        guard a.columns == n, b.count == m else {
            throw .dimensionMismatch(operation: "IncrementalLeastSquares.add", detail: "rows \(m)×\(a.columns), rhs \(b.count), unknowns \(n)")
        }
        guard m > 0 else { return }
        var block = [Double]()
        block.reserveCapacity(m * (n + 1))
        for i in 0..<m {
            block += a.elements[(i * n)..<((i + 1) * n)]
            block.append(b[i])
        }
        let nb = min(32, n + 1)
        var t = [Double](repeating: 0, count: nb * (n + 1))
        let info = triangle.elements.withUnsafeMutableBufferPointer { pr in
            block.withUnsafeMutableBufferPointer { pb in
                t.withUnsafeMutableBufferPointer { pt in
                    LAPACKE_dtpqrt(LAPACK_ROW_MAJOR, Int32(m), Int32(n + 1), 0, Int32(nb), pr.baseAddress, Int32(n + 1),
                                   pb.baseAddress, Int32(n + 1), pt.baseAddress, Int32(n + 1))
                }
            }
        }
        try checkLAPACK(info, routine: "dtpqrt") { .singular(index: $0) }
        rowCount += m
    }

    /// R, the n × n upper-triangular factor (RᵀR = AᵀA over every row folded in, initial ones included).
    public var upperTriangle: Matrix {
        var r = Matrix(rows: columns, columns: columns)
        for i in 0..<columns { for j in i..<columns { r[i, j] = triangle[i, j] } }
        return r
    }

    /// The residual norm ‖A x − b‖ of the least-squares solution (over every row, initial ones included).
    public var residualNorm: Double { abs(triangle[columns, columns]) }

    /// The reciprocal condition number (1-norm) of R: values near machine epsilon mean the problem is
    /// ill-conditioned and the solution is sensitive to rounding.
    public func reciprocalCondition() throws(LinearAlgebraError) -> Double {
        var rcond = 0.0
        let n = columns
        let info = triangle.elements.withUnsafeBufferPointer { pr in
            LAPACKE_dtrcon(LAPACK_ROW_MAJOR, lapackChar("1"), lapackChar("U"), lapackChar("N"), Int32(n), pr.baseAddress,
                           Int32(n + 1), &rcond)
        }
        try checkLAPACK(info, routine: "dtrcon") { .singular(index: $0) }
        return rcond
    }

    /// The least-squares solution x (LAPACK dtrtrs on R x = z).
    /// - Throws: `.singular` when R has a zero on its diagonal.
    public func solve() throws(LinearAlgebraError) -> [Double] {
        let n = columns
        var x = (0..<n).map { triangle[$0, n] }
        guard n > 0 else { return x }
        let info = triangle.elements.withUnsafeBufferPointer { pr in
            x.withUnsafeMutableBufferPointer { px in
                LAPACKE_dtrtrs(LAPACK_ROW_MAJOR, lapackChar("U"), lapackChar("N"), lapackChar("N"), Int32(n), 1,
                               pr.baseAddress, Int32(n + 1), px.baseAddress, 1)
            }
        }
        try checkLAPACK(info, routine: "dtrtrs") { .singular(index: $0) }
        return x
    }
}
