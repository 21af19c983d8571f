import LinearAlgebra
import Support
import TestSupport
import Testing

@testable import GAP

/// The reduction of a plan's triangles on its own: random least-squares rows cut into parts, folded and merged on
/// ranks that are threads of this process.
@Suite("Triangle reduction")
struct TriangleReductionTests {
    static let columns = 6

    /// 40 rows of a random problem in `columns` unknowns (the last entry of each row its right-hand side).
    static let rows: [[Double]] = {
        var random = SeededGenerator(seed: 3)
        return (0..<40).map { _ in (0...columns).map { _ in Double.random(in: -1...1, using: &random) } }
    }()

    /// The reduction of rows cut into 4 parts on `ranks` ranks, with `failing` parts throwing instead of folding.
    static func reduce(ranks: Int, failing: Set<Int> = []) -> [Result<IncrementalLeastSquares?, GAPError>] {
        let plan = ReductionPlan(rowCounts: [Int](repeating: 1, count: rows.count), parts: 4, ranks: ranks)
        return ThreadRanks.run(size: ranks) { rank in
            Result { () throws(GAPError) in
                try TriangleReduction.reduce(
                    plan, columns: columns, communicator: rank, threads: 1,
                    start: { _ in IncrementalLeastSquares(zeroColumns: columns) },
                    fold: { (p: Int, triangle: inout IncrementalLeastSquares) throws(GAPError) in
                        guard !failing.contains(p) else {
                            throw .invalidSetting(name: "part", value: "\(p)", hint: "fails on purpose")
                        }
                        let part = Array(rows[plan.parts[p]])
                        do throws(LinearAlgebraError) {
                            try triangle.add(rows: try Matrix(part.map { Array($0.prefix(columns)) }), rhs: part.map(\.[columns]))
                        } catch {
                            throw .solver(stage: "test", error)
                        }
                    })
            }
        }
    }

    /// One rank, several ranks with one part each or several, and more ranks than parts all give the same
    /// triangle, bit for bit, which solves the problem of all rows; only rank 0 returns it.
    @Test func theTriangleDoesNotDependOnTheRanks() throws {
        let one = try #require(try Self.reduce(ranks: 1)[0].get())
        var all = IncrementalLeastSquares(zeroColumns: Self.columns)
        try all.add(rows: try Matrix(Self.rows.map { Array($0.prefix(Self.columns)) }), rhs: Self.rows.map(\.[Self.columns]))
        let expected = try all.solve(), solved = try one.solve()
        #expect(zip(expected, solved).allSatisfy { abs($0 - $1) < 1e-12 * max(1, abs($0)) })
        #expect(one.rowCount == Self.rows.count)
        for ranks in [2, 3, 4, 6] {
            let runs = Self.reduce(ranks: ranks)
            let root = try #require(try runs[0].get())
            #expect(try root.solve() == solved)
            #expect(root.rowCount == one.rowCount)
            for run in runs.dropFirst() { #expect((try run.get()) == nil) }
        }
    }

    /// A part that fails — on rank 0 or on another rank, before or after its triangle was due — ends every rank
    /// with that part's message; no rank waits for a triangle that never comes.
    @Test(arguments: [(2, Set([1])), (2, Set([3])), (3, Set([0])), (3, Set([2, 3])), (1, Set([2]))])
    func aFailingPartStopsEveryRank(ranks: Int, failing: Set<Int>) {
        let runs = Self.reduce(ranks: ranks, failing: failing)
        for run in runs {
            guard case .failure(let error) = run else {
                Issue.record("rank finished although part \(failing) failed")
                continue
            }
            #expect("\(error)".contains("fails on purpose"))
        }
    }
}
