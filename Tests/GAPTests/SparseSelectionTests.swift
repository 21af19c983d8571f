import LinearAlgebra
import Support
import Testing

@testable import GAP

/// CUR's leverage scores come from the smaller of the two symmetric eigenproblems (X Xᵀ with fewer candidates
/// than features, XᵀX otherwise); both must give the same scores.
@Suite("CUR leverage scores")
struct SparseSelectionTests {
    /// An n × d matrix of rank `rank` (a product of random factors), scaled unevenly per row.
    static func lowRank(rows n: Int, columns d: Int, rank: Int, seed: UInt64) -> Matrix {
        var rng = SeededGenerator(seed: seed)
        var a = Matrix(rows: n, columns: rank), b = Matrix(rows: rank, columns: d)
        for i in 0..<n { for k in 0..<rank { a[i, k] = rng.normal() * (1 + Double(i % 5)) } }
        for k in 0..<rank { for j in 0..<d { b[k, j] = rng.normal() } }
        var x = Matrix(rows: n, columns: d)
        for i in 0..<n { for j in 0..<d { x[i, j] = (0..<rank).reduce(0.0) { $0 + a[i, $1] * b[$1, j] } } }
        return x
    }

    @Test(
        "X Xᵀ and XᵀX give the same scores, which sum to the rank used",
        arguments: [(30, 50, 12), (50, 30, 12), (40, 40, 40), (25, 60, 25)])
    func bothRoutesAgree(_ shape: (Int, Int, Int)) throws {
        let x = Self.lowRank(rows: shape.0, columns: shape.1, rank: shape.2, seed: UInt64(shape.0 * 100 + shape.1))
        let gram = try SparseMethod.leverageScores(x, gram: true)
        let features = try SparseMethod.leverageScores(x, gram: false)
        #expect(gram.rank == features.rank && gram.rank == max(1, shape.2 / 2))
        let worst = zip(gram.scores, features.scores).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-9)
        // U's columns are orthonormal: the scores add up to r, each between 0 and 1.
        #expect(abs(gram.scores.reduce(0, +) - Double(gram.rank)) < 1e-9)
        #expect(gram.scores.allSatisfy { $0 >= 0 && $0 <= 1 + 1e-12 })
    }
}
