import CLapack

/// The Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix (LAPACK dpotrf).
public struct Cholesky: Sendable {
    /// The lower-triangular factor L (the strict upper triangle is zero).
    public let lower: Matrix

    /// Factorises the symmetric matrix `a`; only its lower triangle is read.
    /// - Throws: `.notPositiveDefinite` naming the failing leading minor, `.dimensionMismatch` if not square,
    ///   `.illegalArgument` for NaN input.
    public init(_ a: Matrix) throws(LinearAlgebraError) {
        guard a.isSquare else {
            throw .dimensionMismatch(operation: "Cholesky", detail: "\(a.rows)×\(a.columns) is not square")
        }
        var l = a
        let n = a.rows
        if n > 0 {
            let info = l.elements.withUnsafeMutableBufferPointer { p in
                LAPACKE_dpotrf(LAPACK_ROW_MAJOR, lapackChar("L"), Int32(n), p.baseAddress, Int32(n))
            }
            try checkLAPACK(info, routine: "dpotrf") { .notPositiveDefinite(order: $0) }
        }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) { l.elements[i * n + j] = 0 }
        }
        lower = l
    }

    /// Solves A·X = B for X, B having one column per right-hand side (LAPACK dpotrs).
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        let n = lower.rows
        guard b.rows == n else {
            throw .dimensionMismatch(operation: "Cholesky.solve", detail: "A is \(n)×\(n), B has \(b.rows) rows")
        }
        var x = b
        guard n > 0, b.columns > 0 else { return x }
        let info = lower.elements.withUnsafeBufferPointer { pl in
            x.elements.withUnsafeMutableBufferPointer { px in
                LAPACKE_dpotrs(
                    LAPACK_ROW_MAJOR, lapackChar("L"), Int32(n), Int32(b.columns), pl.baseAddress, Int32(n),
                    px.baseAddress, Int32(b.columns))
            }
        }
        try checkLAPACK(info, routine: "dpotrs") { .singular(index: $0) }
        return x
    }

    /// Solves A·x = b for one right-hand side.
    public func solve(_ b: [Double]) throws(LinearAlgebraError) -> [Double] {
        try solve(Matrix(column: b)).elements
    }

}
