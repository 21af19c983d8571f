extension Communicator {
    /// Runs `body` on the items of this rank's share of `weights.indices` (contiguous, balanced by weight) and
    /// returns every item's result in item order on rank 0; other ranks get an empty array. Results are flat
    /// arrays of any length. A failure on any rank stops every rank with its message (see `agree`).
    /// - Throws: on one rank, what `body` throws; on several, `DistributedError.rankFailed` when `body` fails on
    ///   some rank and `.transport` when a message fails.
    public func map(weights: [Int], _ body: (_ item: Int) throws -> [Double]) throws -> [[Double]] {
        guard size > 1 else { return try weights.indices.map(body) }
        let share = BalancedRanges.split(weights: weights, parts: size)[rank]
        let local = try agree { try share.map(body) }
        let lengths = try gather(local.map { Double($0.count) })
        let values = try gather(local.flatMap { $0 })
        guard isRoot else { return [] }
        var out = [[Double]](), start = 0
        out.reserveCapacity(weights.count)
        for length in lengths.map({ Int($0) }) {
            out.append(Array(values[start..<(start + length)]))
            start += length
        }
        return out
    }
}
