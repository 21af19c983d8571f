/// The collectives SwiftGAP builds from a `Communicator`'s point-to-point messages and broadcasts, each in a
/// fixed order, so that a run's numbers depend only on the number of ranks, never on timing.
extension Communicator {
    /// Runs `body` on every rank and makes the ranks agree on the outcome: when any rank fails, every rank
    /// throws `DistributedError.rankFailed` with the message of the lowest failing rank, so no rank is left
    /// waiting in a later collective. Call it around each stretch of rank-local work.
    /// - Throws: `DistributedError.rankFailed` when a rank failed, `.transport` when the ranks cannot agree.
    public func agree<T>(_ body: () throws -> T) throws(DistributedError) -> T {
        let outcome = Result<T, any Error> { try body() }
        var failedHere = false
        if case .failure = outcome { failedHere = true }
        let failed = try minimum(failedHere ? rank : size)
        if case .success(let value) = outcome, failed == size { return value }
        var message = [UInt8]()
        if rank == failed, case .failure(let error) = outcome {
            if case .rankFailed(_, _, let text)? = error as? DistributedError {
                message = Array(text.utf8)
            } else {
                message = Array(String(describing: error).utf8)
            }
        }
        let text = try broadcast(bytes: message, root: failed)
        throw .rankFailed(rank: failed, size: size, message: String(decoding: text, as: UTF8.self))
    }

    /// Every rank's `values` concatenated in rank order, on rank `root` (the other ranks get an empty array).
    /// - Throws: `DistributedError.transport` when a message fails.
    public func gather(_ values: [Double], root: Int = 0) throws(DistributedError) -> [Double] {
        guard size > 1 else { return values }
        guard rank == root else {
            try send([Double(values.count)], to: root, tag: CollectiveTag.gatherCount)
            try send(values, to: root, tag: CollectiveTag.gatherValues)
            return []
        }
        var all = [Double]()
        for source in 0..<size {
            if source == rank {
                all += values
                continue
            }
            let count = try receive(count: 1, from: source, tag: CollectiveTag.gatherCount)[0]
            all += try receive(count: Int(count), from: source, tag: CollectiveTag.gatherValues)
        }
        return all
    }

    /// Every rank's `values` concatenated in rank order, on every rank.
    /// - Throws: `DistributedError.transport` when a message fails.
    public func allGather(_ values: [Double]) throws(DistributedError) -> [Double] {
        guard size > 1 else { return values }
        return try broadcast(gather(values), root: 0)
    }

    /// `values` of rank `root`, on every rank.
    /// - Throws: `DistributedError.transport` when the broadcast fails.
    public func broadcast(_ values: [Double], root: Int) throws(DistributedError) -> [Double] {
        guard size > 1 else { return values }
        let bytes = try broadcast(bytes: rank == root ? values.withUnsafeBytes { Array($0) } : [], root: root)
        return [Double](unsafeUninitializedCapacity: bytes.count / 8) { buffer, count in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            count = bytes.count / 8
        }
    }

    /// `bytes` of rank `root` (any length; other ranks pass anything), on every rank.
    private func broadcast(bytes: [UInt8], root: Int) throws(DistributedError) -> [UInt8] {
        var length = withUnsafeBytes(of: Int64(bytes.count).littleEndian) { Array($0) }
        try broadcast(&length, root: root)
        let count = Int(Int64(littleEndian: length.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }))
        var out = rank == root ? bytes : [UInt8](repeating: 0, count: count)
        try broadcast(&out, root: root)
        return out
    }
}

/// Message tags of the collectives (distinct, so a collective never takes another's message).
enum CollectiveTag {
    static let gatherCount = 1
    static let gatherValues = 2
}
