import CLapack

extension Matrix {
    /// Solves the square system A·X = B by LU factorisation with partial pivoting (LAPACK dgesv).
    /// - Throws: `.singular` when A is exactly singular, `.dimensionMismatch` for bad shapes.
    public static func solve(_ a: Matrix, _ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        let n = a.rows
        guard a.isSquare, b.rows == n else {
            throw .dimensionMismatch(operation: "solve", detail: "A \(a.rows)×\(a.columns), B \(b.rows)×\(b.columns)")
        }
        guard n > 0, b.columns > 0 else { return b }
        var lu = a
        var x = b
        var pivots = [Int32](repeating: 0, count: n)
        let info = lu.elements.withUnsafeMutableBufferPointer { pa in
            x.elements.withUnsafeMutableBufferPointer { px in
                pivots.withUnsafeMutableBufferPointer { pp in
                    LAPACKE_dgesv(
                        LAPACK_ROW_MAJOR, Int32(n), Int32(b.columns), pa.baseAddress, Int32(n), pp.baseAddress,
                        px.baseAddress, Int32(b.columns))
                }
            }
        }
        try checkLAPACK(info, routine: "dgesv") { .singular(index: $0) }
        return x
    }
}
