import CLapack

/// The eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix (LAPACK dsyevd).
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Orthonormal eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix

    /// Decomposes the symmetric matrix `a`; only its lower triangle is read.
    /// - Throws: `.dimensionMismatch` if not square, `.noConvergence`, `.illegalArgument` for NaN input.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.isSquare else {
            throw .dimensionMismatch(operation: "SymmetricEigen", detail: "\(a.rows)×\(a.columns) is not square")
        }
        let n = a.rows
        var v = a
        var w = [Double](repeating: 0, count: n)
        if n > 0 {
            let info = v.elements.withUnsafeMutableBufferPointer { pa in
                w.withUnsafeMutableBufferPointer { pw in
                    LAPACKE_dsyevd(
                        LAPACK_ROW_MAJOR, lapackChar("V"), lapackChar("L"), Int32(n), pa.baseAddress, Int32(n),
                        pw.baseAddress)
                }
            }
            try checkLAPACK(info, routine: "dsyevd") { .noConvergence(routine: "dsyevd", info: $0) }
        }
        values = w
        vectors = v
    }

    /// V·diag(f(λ))·Vᵀ: a function applied to the matrix through its spectrum.
    public func applying(_ f: (Double) -> Double) -> Matrix {
        let n = values.count
        var scaled = vectors
        for j in 0..<n {
            let fj = f(values[j])
            for i in 0..<n { scaled.elements[i * n + j] *= fj }
        }
        return Matrix.productWithTranspose(scaled, ofSameShape: vectors)
    }
}
