/// Why a linear-algebra operation could not produce a result.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The operands' shapes do not fit the operation.
    case dimensionMismatch(operation: String, detail: String)
    /// A Cholesky factorisation failed: the leading minor of this order is not positive definite.
    case notPositiveDefinite(order: Int)
    /// A factorisation met an exactly zero pivot (1-based index as LAPACK reports it): the matrix is singular.
    case singular(index: Int)
    /// A least-squares matrix has (numerically) dependent columns: |R_kk| / max|R_jj| = `ratio` at `column`.
    case rankDeficient(column: Int, ratio: Double)
    /// LAPACK rejected argument number `position` of `routine` (LAPACKE also reports NaN inputs this way).
    case illegalArgument(routine: String, position: Int)
    /// An iterative LAPACK routine did not converge.
    case noConvergence(routine: String, info: Int)
    /// A symmetric matrix that must be positive definite has an eigenvalue at or below the tolerance.
    case notPositiveDefiniteSpectrum(smallestEigenvalue: Double)

    public var description: String {
        switch self {
        case let .dimensionMismatch(operation, detail):
            return "\(operation): dimension mismatch (\(detail))"
        case let .notPositiveDefinite(order):
            return "matrix is not positive definite (leading minor of order \(order) failed); "
                + "add jitter to the diagonal or check for duplicated data"
        case let .singular(index):
            return "matrix is singular (zero pivot at position \(index)); the system has no unique solution"
        case let .rankDeficient(column, ratio):
            return "the columns are linearly dependent (column \(column): |R_kk|/max|R| = \(ratio)); "
                + "remove redundant parameters or regularise"
        case let .illegalArgument(routine, position):
            return "\(routine): argument \(position) is invalid (LAPACKE reports NaN or infinite input this way)"
        case let .noConvergence(routine, info):
            return "\(routine) did not converge (info \(info))"
        case let .notPositiveDefiniteSpectrum(value):
            return "matrix is not positive definite: smallest eigenvalue \(value)"
        }
    }
}

/// Turns a LAPACK `info` into a typed error.
/// - Parameters:
///   - positive: the error a positive `info` means for this routine.
func checkLAPACK(_ info: Int32, routine: String, positive: (Int) -> LinearAlgebraError) throws(LinearAlgebraError) {
    if info < 0 { throw .illegalArgument(routine: routine, position: Int(-info)) }
    if info > 0 { throw positive(Int(info)) }
}
