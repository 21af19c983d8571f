import Foundation

/// Objects kept between calls for reuse, so that repeated calls (an MD run, a Python loop over small
/// molecules) do not allocate and fault in the same buffers every time. Thread-safe; shared by the copies of
/// the value that owns it.
///
/// ```swift
/// let item = pool.take(where: { $0.capacity >= needed }, make: { Buffers(capacity: needed) })
/// defer { pool.give(item) }
/// ```
public final class ReusePool<Item: AnyObject>: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [Item] = []
    private let kept: Int
    private let size: (Item) -> Int

    /// A pool keeping at most `kept` items; when full, the one with the smallest `size` is dropped first.
    public init(kept: Int, size: @escaping (Item) -> Int) {
        self.kept = kept
        self.size = size
    }

    /// A kept item satisfying `fits`, removed from the pool, or a new one from `make`.
    public func take(where fits: (Item) -> Bool = { _ in true }, make: () -> Item) -> Item {
        lock.lock()
        if let k = free.firstIndex(where: fits) {
            let item = free.remove(at: k)
            lock.unlock()
            return item
        }
        lock.unlock()
        return make()
    }

    /// Gives `item` back for reuse.
    public func give(_ item: Item) {
        lock.lock()
        defer { lock.unlock() }
        free.append(item)
        if free.count > kept {
            free.remove(at: free.indices.min { size(free[$0]) < size(free[$1]) }!)
        }
    }
}
