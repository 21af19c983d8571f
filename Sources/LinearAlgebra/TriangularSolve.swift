import CLapack

extension Matrix {
    /// Solves T x = b (or Tᵀ x = b) for this square triangular matrix T (LAPACK dtrtrs).
    /// - Throws: `.singular` for a zero diagonal entry, `.dimensionMismatch` for bad shapes.
    public func solveTriangular(_ b: [Double], upper: Bool, transposed: Bool = false) throws(LinearAlgebraError) -> [Double] {
        guard isSquare, b.count == rows else {
            throw .dimensionMismatch(operation: "solveTriangular", detail: "\(rows)×\(columns) with \(b.count) values")
        }
        var x = b
        guard rows > 0 else { return x }
        let info = elements.withUnsafeBufferPointer { pt in
            x.withUnsafeMutableBufferPointer { px in
                LAPACKE_dtrtrs(LAPACK_ROW_MAJOR, lapackChar(upper ? "U" : "L"), lapackChar(transposed ? "T" : "N"),
                               lapackChar("N"), Int32(rows), 1, pt.baseAddress, Int32(columns), px.baseAddress, 1)
            }
        }
        try checkLAPACK(info, routine: "dtrtrs") { .singular(index: $0) }
        return x
    }
}
