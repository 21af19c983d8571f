/// The ranks of a distributed run and the few operations SwiftGAP's distributed fit and prediction need from
/// them. `SingleProcess` is the one-rank case (every collective is a copy); the `Distributed` target implements
/// it over MPI. Every rank calls the collectives in the same order; only the main thread calls them.
public protocol Communicator: Sendable {
    /// This process's rank, 0 ..< `size`.
    var rank: Int { get }
    /// The number of ranks.
    var size: Int { get }
    /// Sends `values` to rank `destination` (blocking until they can be reused).
    /// - Throws: `DistributedError.transport` when the message cannot be sent.
    func send(_ values: [Double], to destination: Int, tag: Int) throws(DistributedError)
    /// Receives exactly `count` values from rank `source`.
    /// - Throws: `DistributedError.transport` when the message cannot be received.
    func receive(count: Int, from source: Int, tag: Int) throws(DistributedError) -> [Double]
    /// `bytes` of rank `root`, on every rank (each rank passes a buffer of the same size).
    /// - Throws: `DistributedError.transport` when the broadcast fails.
    func broadcast(_ bytes: inout [UInt8], root: Int) throws(DistributedError)
    /// The smallest of every rank's `value`, on every rank.
    /// - Throws: `DistributedError.transport` when the reduction fails.
    func minimum(_ value: Int) throws(DistributedError) -> Int
}

extension Communicator {
    /// True on rank 0, the rank that solves, writes and prints.
    public var isRoot: Bool { rank == 0 }
}

/// One process: rank 0 of 1. There is nothing to send to or receive from, so those are errors.
public struct SingleProcess: Communicator {
    /// The one-rank communicator.
    public init() {}
    public var rank: Int { 0 }
    public var size: Int { 1 }
    public func send(_ values: [Double], to destination: Int, tag: Int) throws(DistributedError) {
        throw .transport(operation: "send to rank \(destination)", detail: "a single process has no other rank")
    }
    public func receive(count: Int, from source: Int, tag: Int) throws(DistributedError) -> [Double] {
        throw .transport(operation: "receive from rank \(source)", detail: "a single process has no other rank")
    }
    public func broadcast(_ bytes: inout [UInt8], root: Int) throws(DistributedError) {}
    public func minimum(_ value: Int) throws(DistributedError) -> Int { value }
}

/// What goes wrong in a distributed run.
public enum DistributedError: Error, Equatable, CustomStringConvertible {
    /// Rank `rank` of `size` failed with `message`; every rank stops with it.
    case rankFailed(rank: Int, size: Int, message: String)
    /// The message layer failed (a lost rank, an MPI error).
    case transport(operation: String, detail: String)

    public var description: String {
        switch self {
        case let .rankFailed(rank, size, message):
            return rank == 0 || size == 1 ? message : "rank \(rank) of \(size): \(message)"
        case let .transport(operation, detail):
            return "distributed run: \(operation) failed: \(detail)"
        }
    }
}
