import Foundation
import Support

/// K ranks as K threads of one process, for testing distributed code without mpirun: `run` calls `body` on every
/// rank at once with that rank's communicator and returns each rank's result. Messages go through one shared,
/// locked mailbox; a broadcast is a message from the root to every other rank, a reduction goes through rank 0.
public final class ThreadRanks: @unchecked Sendable {
    private let condition = NSCondition()
    private var mailbox = [Key: [Any]]()

    private struct Key: Hashable {
        let source: Int, destination: Int, tag: Int
    }

    /// The communicator of one rank.
    public struct Rank: Communicator {
        let group: ThreadRanks
        public let rank: Int
        public let size: Int

        public func send(_ values: [Double], to destination: Int, tag: Int) throws(DistributedError) {
            group.post(values, Key(source: rank, destination: destination, tag: tag))
        }

        public func receive(count: Int, from source: Int, tag: Int) throws(DistributedError) -> [Double] {
            let values = group.take(Key(source: source, destination: rank, tag: tag), as: [Double].self)
            guard values.count == count else {
                throw .transport(operation: "receive from rank \(source)", detail: "\(values.count) values, not \(count)")
            }
            return values
        }

        public func broadcast(_ bytes: inout [UInt8], root: Int) throws(DistributedError) {
            if rank == root {
                for r in 0..<size where r != root { group.post(bytes, Key(source: root, destination: r, tag: -1)) }
            } else {
                bytes = group.take(Key(source: root, destination: rank, tag: -1))
            }
        }

        public func minimum(_ value: Int) throws(DistributedError) -> Int {
            if rank == 0 {
                var m = value
                for r in 1..<size { m = min(m, group.take(Key(source: r, destination: 0, tag: -2), as: Int.self)) }
                for r in 1..<size { group.post(m, Key(source: 0, destination: r, tag: -3)) }
                return m
            }
            group.post(value, Key(source: rank, destination: 0, tag: -2))
            return group.take(Key(source: 0, destination: rank, tag: -3), as: Int.self)
        }
    }

    private init() {}

    /// Runs `body` on `size` ranks at once (one thread each) and returns their results in rank order.
    public static func run<T: Sendable>(size: Int, _ body: @escaping @Sendable (Rank) -> T) -> [T] {
        let group = ThreadRanks()
        let results = Results<T>(count: size)
        var threads = [Thread]()
        let done = DispatchGroup()
        for r in 0..<size {
            done.enter()
            let thread = Thread {
                results.set(r, body(Rank(group: group, rank: r, size: size)))
                done.leave()
            }
            thread.stackSize = 16 << 20
            threads.append(thread)
        }
        for thread in threads { thread.start() }
        done.wait()
        return results.values
    }

    private func post(_ message: Any, _ key: Key) {
        condition.lock()
        mailbox[key, default: []].append(message)
        condition.broadcast()
        condition.unlock()
    }

    private func take<T>(_ key: Key, as: T.Type = T.self) -> T {
        condition.lock()
        defer { condition.unlock() }
        while mailbox[key]?.isEmpty ?? true { condition.wait() }
        return mailbox[key]!.removeFirst() as! T
    }

    /// Each rank's result, set from its thread.
    private final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [T?]
        init(count: Int) { slots = [T?](repeating: nil, count: count) }
        func set(_ r: Int, _ value: T) {
            lock.lock()
            slots[r] = value
            lock.unlock()
        }
        var values: [T] { slots.map { $0! } }
    }
}
