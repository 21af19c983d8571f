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

    /// Reduces the plan's triangles into the one of all parts, returned on rank 0 (nil on the other ranks).
    /// `start(p)` is part p's triangle before its rows, `fold(p, &triangle)` folds them in; merges run on `threads`
    /// BLAS threads.
    /// - Throws: `GAPError.distributed` when a message fails or a rank failed; on one rank, `fold`'s error or
    ///   `.solver` when a merge fails.
    static func reduce(
        _ plan: ReductionPlan, columns: Int, communicator c: any Communicator, threads: Int,
        start: @escaping (Int) -> IncrementalLeastSquares,
        fold: @escaping (Int, inout IncrementalLeastSquares) throws(GAPError) -> Void
    ) throws(GAPError) -> IncrementalLeastSquares? {
        var walk = Walk(plan: plan, columns: columns, c: c, threads: threads, start: start, fold: fold)
        var root: IncrementalLeastSquares?
        for (u, size) in plan.roots(ofRank: c.rank) {
            let node = try walk.node(u, size: size)
            if u == 0 { root = node } else { try walk.send(node, to: plan.owner(ofPart: u - size)) }
        }
        try c.agreeing { () throws(GAPError) in if let failure = walk.failure { throw failure } }
        return root
    }

    /// One rank's walk over its nodes.
    private struct Walk {
        let plan: ReductionPlan, columns: Int, c: any Communicator, threads: Int
        let start: (Int) -> IncrementalLeastSquares
        let fold: (Int, inout IncrementalLeastSquares) throws(GAPError) -> Void
        /// This rank's own failure.
        var failure: GAPError?
        /// A node received from another rank did not come (that rank failed).
        var missing = false

        /// Node (u, size), or nil when this rank failed or a node it needed is missing. Throws only for a
        /// message that cannot be sent or received.
        mutating func node(_ u: Int, size: Int) throws(GAPError) -> IncrementalLeastSquares? {
            guard let h = plan.halves(u, size: size) else {
                if size > 1 { return try node(u, size: size / 2) }
                guard failure == nil, !missing else { return nil }
                var triangle = start(u)
                do { try fold(u, &triangle) } catch {
                    failure = error
                    return nil
                }
                return triangle
            }
            var left = try node(h.left, size: h.size)
            let source = plan.owner(ofPart: h.right)
            if source == c.rank {
                let right = try node(h.right, size: h.size)
                guard left != nil, let right else { return nil }
                for rows in right.rowBlocks() { merge(right.rowBlock(rows), rows: rows, into: &left, from: source) }
                left?.addRowCount(right.rowCount)
                return failure == nil ? left : nil
            }
            let header = try c.collective { () throws(DistributedError) in try c.receive(count: 2, from: source, tag: tag) }
            guard header[1] == 1 else {
                missing = true
                return nil
            }
            for rows in IncrementalLeastSquares.rowBlocks(columns: columns) {
                let block = try c.collective { () throws(DistributedError) in
                    try c.receive(count: rows.count * (columns + 1 - rows.lowerBound), from: source, tag: tag)
                }
                merge(block, rows: rows, into: &left, from: source)
            }
            left?.addRowCount(Int(header[0]))
            return failure == nil ? left : nil
        }

        /// Folds rows `rows` of another triangle below `triangle` (nothing when it is nil or this rank failed),
        /// recording a failed merge.
        mutating func merge(_ block: [Double], rows: Range<Int>, into triangle: inout IncrementalLeastSquares?, from rank: Int) {
            guard failure == nil else { return }
            do {
                try BLASThreads.withThreads(threads) { () throws(LinearAlgebraError) in
                    try triangle?.fold(rowBlock: block, rows: rows)
                }
            } catch {
                failure = .solver(stage: "merging a triangle of rank \(rank)", error)
            }
        }

        /// Sends `node` (nil: failed) to rank `target`.
        func send(_ node: IncrementalLeastSquares?, to target: Int) throws(GAPError) {
            try c.collective { () throws(DistributedError) in
                guard let node else { return try c.send([0, 0], to: target, tag: tag) }
                try c.send([Double(node.rowCount), 1], to: target, tag: tag)
                for rows in node.rowBlocks() { try c.send(node.rowBlock(rows), to: target, tag: tag) }
            }
        }
    }
}
