import LinearAlgebra
import Support

/// The reduction of a distributed fit's least-squares triangles (TSQR): every rank folds its own configurations
/// into its own triangle, and the triangles meet on rank 0 along a binary tree — at step s = 1, 2, 4, …, rank
/// r with r mod 2s = s sends its triangle to rank r − s, which merges it below its own. The tree depends only on
/// the number of ranks, so a run's weights do too; the messages are packed upper triangles.
enum TriangleReduction {
    /// The message tag of a triangle.
    static let tag = 16

    /// Merges every rank's `solver` into rank 0's (each merge on `threads` BLAS threads); on the other ranks
    /// `solver` is spent (sent away) afterwards.
    /// A triangle travels as blocks of rows, each folded as it arrives (`IncrementalLeastSquares.fold(rowBlock:)`),
    /// then its row count.
    /// - Throws: `GAPError.distributed` when a message fails, `.solver` when a merge fails.
    static func reduce(
        _ solver: inout IncrementalLeastSquares, communicator c: any Communicator, threads: Int
    ) throws(GAPError) {
        let blocks = solver.rowBlocks()
        var step = 1
        while step < c.size {
            if c.rank % (2 * step) == step {
                let target = c.rank - step
                try c.collective { () throws(DistributedError) in
                    for rows in blocks { try c.send(solver.rowBlock(rows), to: target, tag: tag) }
                    try c.send([Double(solver.rowCount)], to: target, tag: tag)
                }
                return
            }
            if c.rank % (2 * step) == 0, c.rank + step < c.size {
                let source = c.rank + step, width = solver.columns + 1
                for rows in blocks {
                    let block = try c.collective { () throws(DistributedError) in
                        try c.receive(count: rows.count * (width - rows.lowerBound), from: source, tag: tag)
                    }
                    do {
                        try BLASThreads.withThreads(threads) { () throws(LinearAlgebraError) in
                            try solver.fold(rowBlock: block, rows: rows)
                        }
                    } catch {
                        throw .solver(stage: "merging the triangle of rank \(source)", error)
                    }
                }
                let count = try c.collective { () throws(DistributedError) in try c.receive(count: 1, from: source, tag: tag) }
                solver.addRowCount(Int(count[0]))
            }
            step *= 2
        }
    }
}
