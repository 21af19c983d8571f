import CLapack

extension Matrix {
    /// The least-squares solution X of min ‖A·X − B‖ for A with rows ≥ columns, by Householder QR
    /// (LAPACK dgeqrf, dormqr, dtrtrs).
    ///
    /// - Parameter rankTolerance: A is rejected as rank deficient when some |R_kk| falls at or below this
    ///   fraction of the largest |R_jj| (the default is a few hundred machine epsilons).
    /// - Throws: `.rankDeficient` naming the first dependent column, `.dimensionMismatch` for bad shapes,
    ///   `.illegalArgument` for NaN input.
    public static func leastSquares(
        _ a: Matrix, _ b: Matrix, rankTolerance: Double = 1e-13
    ) throws(LinearAlgebraError) -> Matrix {
        let m = a.rows, n = a.columns, nrhs = b.columns
        guard b.rows == m, m >= n else {
            throw .dimensionMismatch(
                operation: "leastSquares", detail: "A \(m)×\(n) (needs rows ≥ columns), B \(b.rows)×\(nrhs)")
        }
        guard n > 0, nrhs > 0 else { return Matrix(rows: n, columns: nrhs) }
        var qr = a
        var tau = [Double](repeating: 0, count: n)
        let info = qr.elements.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), pa.baseAddress, Int32(n), pt.baseAddress)
            }
        }
        try checkLAPACK(info, routine: "dgeqrf") { .singular(index: $0) }
        let diagonal = (0..<n).map { abs(qr[$0, $0]) }
        let largest = diagonal.max() ?? 0
        if let k = diagonal.firstIndex(where: { $0 <= rankTolerance * largest }) {
            throw .rankDeficient(column: k, ratio: largest > 0 ? diagonal[k] / largest : 0)
        }
        var rhs = b
        let infoQ = qr.elements.withUnsafeBufferPointer { pa in
            tau.withUnsafeBufferPointer { pt in
                rhs.elements.withUnsafeMutableBufferPointer { pb in
                    LAPACKE_dormqr(
                        LAPACK_ROW_MAJOR, lapackChar("L"), lapackChar("T"), Int32(m), Int32(nrhs), Int32(n),
                        pa.baseAddress, Int32(n), pt.baseAddress, pb.baseAddress, Int32(nrhs))
                }
            }
        }
        try checkLAPACK(infoQ, routine: "dormqr") { .singular(index: $0) }
        let infoR = qr.elements.withUnsafeBufferPointer { pa in
            rhs.elements.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dtrtrs(
                    LAPACK_ROW_MAJOR, lapackChar("U"), lapackChar("N"), lapackChar("N"), Int32(n), Int32(nrhs),
                    pa.baseAddress, Int32(n), pb.baseAddress, Int32(nrhs))
            }
        }
        try checkLAPACK(infoR, routine: "dtrtrs") { .singular(index: $0) }
        return rhs.selectingRows(Array(0..<n))
    }

    /// The least-squares solution of min ‖A·x − b‖ for one right-hand side.
    public static func leastSquares(_ a: Matrix, _ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try leastSquares(a, Matrix(column: b)).elements
    }
}
