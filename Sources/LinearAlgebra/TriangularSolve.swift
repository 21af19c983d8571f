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
        guard rows > 0, b.columns > 0 else { return x }
        if let zero = (0..<rows).first(where: { self[$0, $0] == 0 }) { throw .singular(index: zero + 1) }
        guard b.elements.allSatisfy(\.isFinite) else { throw .illegalArgument(routine: "dtrsm", position: 9) }
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
