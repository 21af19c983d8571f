import LinearAlgebra
import Support

/// The reduction of a distributed fit's least-squares triangles (TSQR): every rank folds its own configurations
/// into its own triangle, and the triangles meet on rank 0 along a binary tree — at step s = 1, 2, 4, …, rank
/// r with r mod 2s = s sends its triangle to rank r − s, which merges it below its own. The tree depends only on
/// the number of ranks, so a run's weights do too; the messages are packed upper triangles.
enum TriangleReduction {
    /// The message tag of a triangle.
    static let tag = 16

    /// Merges every rank's `solver` into rank 0's; on the other ranks `solver` is spent (sent away) afterwards.
    /// - Throws: `GAPError.distributed` when a message fails, `.solver` when a merge fails.
    static func reduce(_ solver: inout IncrementalLeastSquares, communicator c: any Communicator) throws(GAPError) {
        let count = IncrementalLeastSquares.packedCount(columns: solver.columns)
        var step = 1
        while step < c.size {
            if c.rank % (2 * step) == step {
                try c.collective { () throws(DistributedError) in try c.send(solver.packed, to: c.rank - step, tag: tag) }
                return
            }
            if c.rank % (2 * step) == 0, c.rank + step < c.size {
                let received = try c.collective { () throws(DistributedError) in
                    try c.receive(count: count, from: c.rank + step, tag: tag)
                }
                do { try solver.merge(packed: received) } catch {
                    throw .solver(stage: "merging the triangle of rank \(c.rank + step)", error)
                }
            }
            step *= 2
        }
    }
}
