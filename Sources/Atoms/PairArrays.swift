import Support

/// The four pair arrays of a neighbor search, kept between searches: a loop that lists the neighbors of a large
/// structure again and again (a descriptor call per structure from Python, an MD step) would otherwise fault in
/// megabytes of fresh pages every time, which costs more than the search on a virtual machine.
///
/// A list built in reused arrays hands them back when its last copy goes away (`PairArrays.Return`); a caller that
/// still holds one of the arrays keeps it intact (copy-on-write: the next search then writes into fresh storage).
final class PairArrays: @unchecked Sendable {  // touched by one search at a time: taken from and given to the pool
    var neighbors: [Int32] = []
    var shifts: [SIMD3<Int32>] = []
    var vectors: [SIMD3<Double>] = []
    var distances: [Double] = []

    /// Searches expecting fewer pairs allocate their own arrays: the allocator reuses small blocks by itself.
    static let smallest = 8192
    /// Arrays with room for more pairs are not kept (about 60 MB), so that one huge list does not stay resident.
    static let largest = 1 << 20
    /// Arrays kept: enough for the chunks of a two-thread search and the list that joins them.
    private static let pool = ReusePool<PairArrays>(kept: 4, size: { $0.neighbors.capacity })

    /// Kept arrays with room for at least `pairs` pairs (emptied), or new ones with that room; nil below `smallest`.
    static func take(room pairs: Int) -> PairArrays? {
        guard pairs >= smallest else { return nil }
        let arrays = pool.take(where: { $0.neighbors.capacity >= pairs }, make: PairArrays.init)
        arrays.neighbors.removeAll(keepingCapacity: true)
        arrays.shifts.removeAll(keepingCapacity: true)
        arrays.vectors.removeAll(keepingCapacity: true)
        arrays.distances.removeAll(keepingCapacity: true)
        return arrays
    }

    /// Keeps `arrays` for a later search, unless they are too large to keep.
    static func give(_ arrays: PairArrays) {
        guard arrays.neighbors.capacity <= largest else { return }
        pool.give(arrays)
    }

    /// Owned by a neighbor list whose arrays came from the pool (it holds the same storage): gives them back when
    /// the list's last copy goes away.
    final class Return: Sendable {
        private let arrays: PairArrays
        init(_ arrays: PairArrays) { self.arrays = arrays }
        deinit { PairArrays.give(arrays) }
    }
}
