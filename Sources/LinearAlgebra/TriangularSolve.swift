import CLapack

extension Matrix {
    /// Solves T X = B (or Tᵀ X = B) for this square triangular matrix T and every column of B (LAPACK dtrtrs).
    /// - Throws: `.singular` for a zero diagonal entry, `.dimensionMismatch` for bad shapes.
    public func solveTriangular(_ b: Matrix, upper: Bool, transposed: Bool = false) throws(LinearAlgebraError) -> Matrix {
        guard isSquare, b.rows == rows else {
            throw .dimensionMismatch(operation: "solveTriangular", detail: "\(rows)×\(columns) with \(b.rows)×\(b.columns)")
        }
        var x = b
        guard rows > 0, b.columns > 0 else { return x }
        let info = elements.withUnsafeBufferPointer { pt in
            x.elements.withUnsafeMutableBufferPointer { px in
                LAPACKE_dtrtrs(LAPACK_ROW_MAJOR, lapackChar(upper ? "U" : "L"), lapackChar(transposed ? "T" : "N"),
                               lapackChar("N"), Int32(rows), Int32(b.columns), pt.baseAddress, Int32(columns),
                               px.baseAddress, Int32(b.columns))
            }
        }
        try checkLAPACK(info, routine: "dtrtrs") { .singular(index: $0) }
        return x
    }
}
