import LinearAlgebra
import Support

/// The reduction of a fit's least-squares triangles (TSQR) along a `ReductionPlan`'s tree: every rank folds its
/// parts' rows into their triangles and merges what its own subtrees hold, sends each node whose parent another
/// rank builds, and merges the nodes it receives as they arrive — a triangle travels as blocks of rows, each
/// folded on arrival (`IncrementalLeastSquares.fold(rowBlock:)`), so a received triangle is never held whole.
///
/// A node's message is a header (its row count, and 1, or 0 when its rank failed or missed a node of its own)
/// and then, unless it failed, its row blocks. A rank that fails skips the rest of its own work but still
/// receives and sends every message the plan gives it, so no rank waits for ever; the ranks then agree on the
/// outcome, and the failing rank's message reaches every rank.
enum TriangleReduction {
    /// The message tag of a triangle.
    static let tag = 16

    /// Reduces the plan's triangles into the one of all parts, returned on rank 0 (nil on the other ranks), by
    /// taking this rank's `ReductionPlan.steps` on a stack of triangles. `start(p)` is part p's triangle before
    /// its rows, `fold(p, &triangle)` folds them in; merges run on `threads` BLAS threads.
    /// - Throws: `GAPError.distributed` when a message fails or a rank failed; on one rank, `fold`'s error or
    ///   `.solver` when a merge fails.
    static func reduce(
        _ plan: ReductionPlan, columns: Int, communicator c: any Communicator, threads: Int,
        start: (Int) -> IncrementalLeastSquares,
        fold: (Int, inout IncrementalLeastSquares) throws(GAPError) -> Void
    ) throws(GAPError) -> IncrementalLeastSquares? {
        // nil on the stack: a triangle this rank could not build (it failed) or one it needed did not come.
        var stack = [IncrementalLeastSquares?](), failure: GAPError?, missing = false
        /// Folds rows `rows` of another triangle below the top one (nothing when it is nil or this rank failed).
        func merge(_ block: [Double], rows: Range<Int>, from rank: Int) {
            guard failure == nil, stack[stack.count - 1] != nil else { return }
            do {
                try BLASThreads.withThreads(threads) { () throws(LinearAlgebraError) in
                    try stack[stack.count - 1]?.fold(rowBlock: block, rows: rows)
                }
            } catch {
                failure = .solver(stage: "merging a triangle of rank \(rank)", error)
                stack[stack.count - 1] = nil
            }
        }
        for step in plan.steps(ofRank: c.rank) {
            switch step {
            case .fold(let p):
                guard failure == nil, !missing else {
                    stack.append(nil)
                    continue
                }
                var triangle = start(p)
                do {
                    try fold(p, &triangle)
                    stack.append(triangle)
                } catch {
                    failure = error
                    stack.append(nil)
                }
            case .mergeTop:
                guard let right = stack.removeLast() else {
                    stack[stack.count - 1] = nil
                    continue
                }
                for rows in right.rowBlocks() { merge(right.rowBlock(rows), rows: rows, from: c.rank) }
                stack[stack.count - 1]?.addRowCount(right.rowCount)
            case .receive(let source):
                let header = try c.collective { () throws(DistributedError) in try c.receive(count: 2, from: source, tag: tag) }
                guard header[1] == 1 else {
                    missing = true
                    stack[stack.count - 1] = nil
                    continue
                }
                for rows in IncrementalLeastSquares.rowBlocks(columns: columns) {
                    let block = try c.collective { () throws(DistributedError) in
                        try c.receive(count: rows.count * (columns + 1 - rows.lowerBound), from: source, tag: tag)
                    }
                    merge(block, rows: rows, from: source)
                }
                stack[stack.count - 1]?.addRowCount(Int(header[0]))
            case .send(let target):
                let node = stack.removeLast()
                try c.collective { () throws(DistributedError) in
                    guard let node else { return try c.send([0, 0], to: target, tag: tag) }
                    try c.send([Double(node.rowCount), 1], to: target, tag: tag)
                    for rows in node.rowBlocks() { try c.send(node.rowBlock(rows), to: target, tag: tag) }
                }
            }
        }
        try c.agreeing { () throws(GAPError) in if let failure { throw failure } }
        return stack.last ?? nil
    }
}
