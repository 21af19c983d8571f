import Support

/// How a matrix descriptor (Coulomb, sine, Ewald sum matrix) orders the rows and columns of its matrix:
/// DScribe's `permutation` option.
public enum MatrixPermutation: Sendable, Equatable {
    /// Atom order as given.
    case none
    /// Rows (and columns) by descending L2 norm; equal norms keep atom order.
    case sortedL2
    /// The eigenvalues instead of the matrix, by descending absolute value, zero-padded.
    case eigenspectrum
    /// Sorted by row norms perturbed with Gaussian noise of width `sigma` (DScribe's "random"); the
    /// noise follows `seed` and the structure's index in the batch.
    case random(sigma: Double, seed: UInt64)

    /// The atom at each row of the ordered matrix (identity for `.none` and `.eigenspectrum`).
    /// - Parameters:
    ///   - norms: the L2 norm of each row of the matrix (`rowNorms`), which is n × n.
    ///   - structure: the structure's index in the batch (seeds the noise of `.random`).
    func rowOrder(norms: [Double], structure: Int) -> [Int] {
        let n = norms.count
        switch self {
        case .none, .eigenspectrum:
            return Array(0..<n)
        case .sortedL2:
            return Array(0..<n).sorted { a, b in Self.tie(norms[a], norms[b]) ? a < b : norms[a] > norms[b] }
        case let .random(sigma, seed):
            var rng = SeededGenerator(seed: seed &+ UInt64(structure) &* 0x9E37_79B9_7F4A_7C15)
            let noisy = norms.map { $0 + sigma * rng.normal() }
            return Array(0..<n).sorted { noisy[$0] > noisy[$1] }
        }
    }

    /// Runs of consecutive rows of the ordered matrix (positions in `order`, from `rowOrder`) whose atoms' rows have
    /// tied `norms` (`rowNorms`): where `.sortedL2` ordered by atom index alone. Empty for every other permutation.
    func tiedRuns(norms: [Double], order: [Int]) -> [Range<Int>] {
        guard self == .sortedL2 else { return [] }
        return Descriptors.tiedRuns(count: order.count) { k in Self.tie(norms[order[k]], norms[order[k - 1]]) }
    }

    /// Norms equal to rounding (mirror-image atoms sum the same terms in another order) count as ties.
    private static func tie(_ x: Double, _ y: Double) -> Bool { abs(x - y) <= 1e-12 * max(x, y) }

    /// The L2 norm of each row of the n × n row-major matrix `m`.
    static func rowNorms(_ m: [Double], n: Int) -> [Double] {
        (0..<n).map { i in (0..<n).reduce(0.0) { $0 + m[i * n + $1] * m[i * n + $1] }.squareRoot() }
    }
}
