import Dispatch
import Foundation

/// Parallel loops over independent work items, on at most `threads` workers.
public enum Parallel {
    /// The default worker count: every core the process may use.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// `body(k)` for k in 0..<count, results in order. Items are split into `min(threads, count)`
    /// contiguous chunks; each chunk runs on one worker. Inlinable, so that each caller gets it specialised for its T
    /// (unspecialised, its arrays' generic metadata was looked up on every call: a few percent of a small call).
    @inlinable
    public static func map<T: Sendable>(
        _ count: Int, threads: Int = defaultThreads, _ body: @Sendable (Int) -> T
    ) -> [T] {
        guard count > 0 else { return [] }
        let workers = max(1, min(threads, count))
        if workers == 1 { return (0..<count).map(body) }
        let results = ResultSlots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in (count * w / workers)..<(count * (w + 1) / workers) { results.store(body(k), at: k) }
        }
        return results.values()
    }
}

extension Parallel {
    /// The threads each of `count` items may use inside when the items are shared out over `threads` workers: those
    /// beyond one an item (a single large structure's neighbor search gets them all).
    public static func threadsEach(of count: Int, sharing threads: Int) -> Int { max(1, threads / max(1, count)) }

    /// Splits 0..<count into at most `threads` contiguous ranges and runs `body` on each range on its own
    /// worker, so a worker can set up scratch space once for all its items.
    public static func forEachRange(_ count: Int, threads: Int = defaultThreads, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        if workers == 1 { return body(0..<count) }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            body((count * w / workers)..<(count * (w + 1) / workers))
        }
    }
}

/// Slots that concurrent workers fill, each slot written by exactly one worker.
@usableFromInline
final class ResultSlots<T>: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<T?>

    @usableFromInline
    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: nil)
    }

    deinit {
        _ = buffer.deinitialize()
        buffer.deallocate()
    }

    @usableFromInline
    func store(_ value: T, at k: Int) { buffer[k] = value }

    /// The filled slots; every slot has been stored when `Parallel.map` calls this.
    @usableFromInline
    func values() -> [T] { buffer.map { $0! } }
}
