import CLapack

/// Least squares min ‖A·x − b‖ with the rows of [A b] added block by block, keeping only the
/// (n+1) × (n+1) upper triangle R̃ = [R z; 0 ρ] of their QR factorisation (LAPACK dtpqrt folds each block
/// into it), so memory is O(n² + block·n) however many rows there are. x solves R x = z; ρ is the
/// residual norm.
public struct IncrementalLeastSquares: Sendable {
    /// Unknowns.
    public let columns: Int
    /// Rows folded in so far (the initial triangle not counted).
    public internal(set) var rowCount = 0
    /// R̃, column-major (n+1) × (n+1): LAPACK works on it in place, with no row-major copies.
    var triangle: [Double]

    /// Starts from an n × n upper-triangular block of rows (e.g. the Cholesky factor Lᵀ of a regulariser,
    /// which adds ‖Lᵀx‖² to the objective) with zero right-hand side.
    /// - Throws: `.dimensionMismatch` unless `initial` is square.
    public init(initial: Matrix) throws(LinearAlgebraError) {
        try self.init(initial, transposed: false)
    }

    /// Starts from Lᵀ for a lower-triangular `lower` (the Cholesky factor L of a regulariser K = L Lᵀ,
    /// which adds xᵀK x to the objective), without forming Lᵀ.
    /// - Throws: `.dimensionMismatch` unless `lower` is square.
    public init(transposeOf lower: Matrix) throws(LinearAlgebraError) {
        try self.init(lower, transposed: true)
    }

    /// Starts from Lᵀ for a block-diagonal lower-triangular `lower` (the Cholesky factor of a block-diagonal
    /// regulariser): each block's transpose is written straight into the triangle, with no dense M × M matrix.
    public init(transposeOf lower: BlockDiagonalLower) {
        let n = lower.order
        columns = n
        var t = [Double](repeating: 0, count: (n + 1) * (n + 1))
        for (block, offset) in zip(lower.blocks, lower.offsets) {
            for i in 0..<block.rows {
                for j in 0...i { t[(offset + j) + (offset + i) * (n + 1)] = block[i, j] }
            }
        }
        triangle = t
    }

    private init(_ initial: Matrix, transposed: Bool) throws(LinearAlgebraError) {
        guard initial.isSquare else {
            throw .dimensionMismatch(
                operation: "IncrementalLeastSquares", detail: "initial triangle is \(initial.rows)×\(initial.columns)")
        }
        let n = initial.rows
        columns = n
        var t = [Double](repeating: 0, count: (n + 1) * (n + 1))
        for i in 0..<n {
            for j in i..<n { t[i + j * (n + 1)] = transposed ? initial[j, i] : initial[i, j] }
        }
        triangle = t
    }

    /// R̃[i, j].
    private func element(_ i: Int, _ j: Int) -> Double { triangle[i + j * (columns + 1)] }

    /// Folds in rows `a` (m × n) with right-hand sides `b` (m).
    /// - Throws: `.dimensionMismatch` for wrong shapes, `.illegalArgument` for NaN input.
    public mutating func add(rows a: Matrix, rhs b: [Double]) throws(LinearAlgebraError) {
        let n = columns, m = a.rows
        guard a.columns == n, b.count == m else {
            throw .dimensionMismatch(
                operation: "IncrementalLeastSquares.add", detail: "rows \(m)×\(a.columns), rhs \(b.count), unknowns \(n)")
        }
        var block = [Double](repeating: 0, count: m * (n + 1))
        for i in 0..<m {
            for j in 0..<n { block[i + j * m] = a[i, j] }
            block[i + n * m] = b[i]
        }
        try add(columnMajor: &block, rows: m)
    }

    /// Folds in the m rows of [A b] given column-major (m × (n+1), the right-hand sides last), without
    /// copying them; `block` is overwritten.
    /// - Throws: `.dimensionMismatch` for a wrong size, `.illegalArgument` for NaN input.
    public mutating func add(columnMajor block: inout [Double], rows m: Int) throws(LinearAlgebraError) {
        let n = columns
        guard m >= 0, block.count == m * (n + 1) else {
            throw .dimensionMismatch(
                operation: "IncrementalLeastSquares.add", detail: "\(block.count) values for \(m) rows of \(n + 1)")
        }
        guard m > 0 else { return }
        let nb = min(32, n + 1)
        var t = [Double](repeating: 0, count: nb * (n + 1))
        let info = triangle.withUnsafeMutableBufferPointer { pr in
            block.withUnsafeMutableBufferPointer { pb in
                t.withUnsafeMutableBufferPointer { pt in
                    LAPACKE_dtpqrt(
                        LAPACK_COL_MAJOR, Int32(m), Int32(n + 1), 0, Int32(nb), pr.baseAddress, Int32(n + 1),
                        pb.baseAddress, Int32(m), pt.baseAddress, Int32(nb))
                }
            }
        }
        try checkLAPACK(info, routine: "dtpqrt") { .singular(index: $0) }
        rowCount += m
    }

    /// R, the n × n upper-triangular factor (RᵀR = AᵀA over every row folded in, initial ones included),
    /// over the triangle's own storage (leading dimension n + 1): the solver is consumed, so the factor is
    /// handed over, not copied.
    public consuming func upperFactor() -> ColumnMajorUpper {
        do { return try ColumnMajorUpper(order: columns, leadingDimension: columns + 1, storage: triangle) } catch {
            preconditionFailure("the (n+1)² triangle holds an n × n factor: \(error)")
        }
    }

    /// The residual norm ‖A x − b‖ of the least-squares solution (over every row, initial ones included).
    public var residualNorm: Double { abs(element(columns, columns)) }

    /// The reciprocal condition number (1-norm) of R: values near machine epsilon mean the problem is
    /// ill-conditioned and the solution is sensitive to rounding.
    public func reciprocalCondition() throws(LinearAlgebraError) -> Double {
        var rcond = 0.0
        let n = columns
        let info = triangle.withUnsafeBufferPointer { pr in
            LAPACKE_dtrcon(
                LAPACK_COL_MAJOR, lapackChar("1"), lapackChar("U"), lapackChar("N"), Int32(n), pr.baseAddress,
                Int32(n + 1), &rcond)
        }
        try checkLAPACK(info, routine: "dtrcon") { .singular(index: $0) }
        return rcond
    }

    /// The least-squares solution x (LAPACK dtrtrs on R x = z).
    /// - Throws: `.singular` when R has a zero on its diagonal.
    public func solve() throws(LinearAlgebraError) -> [Double] {
        let n = columns
        var x = (0..<n).map { element($0, n) }
        guard n > 0 else { return x }
        let info = triangle.withUnsafeBufferPointer { pr in
            x.withUnsafeMutableBufferPointer { px in
                LAPACKE_dtrtrs(
                    LAPACK_COL_MAJOR, lapackChar("U"), lapackChar("N"), lapackChar("N"), Int32(n), 1,
                    pr.baseAddress, Int32(n + 1), px.baseAddress, Int32(n))
            }
        }
        try checkLAPACK(info, routine: "dtrtrs") { .singular(index: $0) }
        return x
    }
}
