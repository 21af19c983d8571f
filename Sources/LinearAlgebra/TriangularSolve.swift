import CLapack

extension Matrix {
    /// Solves T X = B (or Tᵀ X = B) for this square triangular matrix T and every column of B (BLAS dtrsm on
    /// the row-major data in place: no transposed copies of T, which for predictive variances is M × M).
    /// - Throws: `.singular` for a zero diagonal entry (1-based index, as LAPACK), `.illegalArgument` for a
    ///   non-finite right-hand side, `.dimensionMismatch` for bad shapes.
    public func solveTriangular(_ b: Matrix, upper: Bool, transposed: Bool = false) throws(LinearAlgebraError) -> Matrix {
        guard isSquare, b.rows == rows else {
            throw .dimensionMismatch(operation: "solveTriangular", detail: "\(rows)×\(columns) with \(b.rows)×\(b.columns)")
        }
        var x = b
        guard try triangularSolveNeeded(order: rows, diagonal: { self[$0, $0] }, rightHandSides: b) else { return x }
        elements.withUnsafeBufferPointer { pt in
            x.elements.withUnsafeMutableBufferPointer { px in
                cblas_dtrsm(
                    CblasRowMajor, CblasLeft, upper ? CblasUpper : CblasLower, transposed ? CblasTrans : CblasNoTrans,
                    CblasNonUnit, Int32(rows), Int32(b.columns), 1, pt.baseAddress, Int32(columns),
                    px.baseAddress, Int32(b.columns))
            }
        }
        return x
    }
}

/// What every triangular solve checks before BLAS dtrsm (which would silently divide by zero): false when there
/// is nothing to solve (no rows or no right-hand sides).
/// - Throws: `.singular` for a zero diagonal entry (1-based index, as LAPACK), `.illegalArgument` for a
///   non-finite right-hand side.
func triangularSolveNeeded(order: Int, diagonal: (Int) -> Double, rightHandSides b: Matrix) throws(LinearAlgebraError) -> Bool {
    guard order > 0, b.columns > 0 else { return false }
    if let zero = (0..<order).first(where: { diagonal($0) == 0 }) { throw .singular(index: zero + 1) }
    guard b.elements.allSatisfy(\.isFinite) else { throw .illegalArgument(routine: "dtrsm", position: 9) }
    return true
}
