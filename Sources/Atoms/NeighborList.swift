import Support

/// All pairs of atoms closer than a cutoff, periodic images included, found with an O(N) cell list (a small
/// molecule's or small cell's by comparing every pair, `DirectPairSearch`).
///
/// Pairs are grouped by center atom `i` (in index order); for each pair the neighbor `j`, the image
/// shift S (integer lattice translation) and the vector D = r_j − r_i + S·cell are stored, as ASE's
/// `neighbor_list("ijSDd", …)` does. Works for any periodicity (molecules, slabs, wires, bulk),
/// triclinic cells, and cells thinner than the cutoff, where an atom meets several images of itself
/// and of its neighbors.
public struct NeighborList: Sendable {
    /// Which pairs are kept.
    public enum Kind: Sendable {
        /// Every pair both ways: (i, j, S) and (j, i, −S).
        case full
        /// Each pair once: i < j, or i == j with the shift lexicographically positive.
        case half
    }

    /// The cutoff in Å: pairs with distance strictly below it are listed.
    public let cutoff: Double
    /// Full or half list.
    public let kind: Kind
    /// Pairs of center `i` are `offsets[i] ..< offsets[i + 1]`.
    public let offsets: [Int]
    /// The neighbor atom of each pair.
    public let neighbors: [Int32]
    /// The image shift of each pair, in lattice vectors (zero along non-periodic axes).
    public let shifts: [SIMD3<Int32>]
    /// D = r_j − r_i + S·cell for each pair, in Å.
    public let vectors: [SIMD3<Double>]
    /// |D| for each pair, in Å.
    public let distances: [Double]

    /// Gives the pair arrays back for reuse when the last copy of this list goes away (nil: the arrays were not
    /// taken from the pool).
    private let returnsArrays: PairArrays.Return?

    /// Number of listed pairs.
    public var pairCount: Int { neighbors.count }

    /// The pair indices of center atom `i`.
    public func pairs(of i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }

    /// The center atom of every pair (expanded from `offsets`).
    public var centers: [Int32] {
        var out = [Int32]()
        out.reserveCapacity(pairCount)
        for i in 0..<(offsets.count - 1) {
            out.append(contentsOf: repeatElement(Int32(i), count: offsets[i + 1] - offsets[i]))
        }
        return out
    }

    /// Builds the list.
    /// - Parameters:
    ///   - structure: positions, cell and periodicity.
    ///   - cutoff: pair distance cutoff in Å (> 0).
    ///   - kind: `.full` (default) or `.half`.
    ///   - centers: with a full list, the atoms whose pairs are wanted (the others get none: a descriptor of a
    ///     few centers in a large structure need not list every atom); nil for every atom.
    ///   - threads: worker threads; default all cores.
    /// - Throws: `GeometryError` for non-finite positions, a bad cutoff or a singular cell.
    public init(
        _ structure: Structure, cutoff: Double, kind: Kind = .full, centers: [Int]? = nil,
        threads: Int = Parallel.defaultThreads
    ) throws(GeometryError) {
        precondition(centers == nil || kind == .full, "pairs of some centers only exist for full lists")
        guard cutoff > 0, cutoff.isFinite else { throw .invalidCutoff(cutoff) }
        try structure.validate()
        let direct = DirectPairSearch(structure, cutoff: cutoff)
        let grid = direct != nil ? nil : try CellGrid(structure, cutoff: cutoff)
        let n = structure.count
        // The centers listed: all atoms, or the given ones in index order (each once).
        let listed: [Int]? = centers.map { given in
            var sorted = given.filter { (0..<n).contains($0) }
            sorted.sort()
            var unique = [Int]()
            unique.reserveCapacity(sorted.count)
            for i in sorted where unique.last != i { unique.append(i) }
            return unique
        }
        let count = listed?.count ?? n
        // Chunks of at least 256 centers: a 1000-atom cell's pairs are searched on two workers (searched on one, they
        // were a sixth of a two-thread descriptor call).
        let chunkCount = max(1, min(threads, count / 256))
        let half = kind == .half
        @Sendable func search(_ centers: some Collection<Int>) -> PairChunk {
            grid?.pairs(centers: centers, structure: structure, cutoff: cutoff, half: half)
                ?? direct!.pairs(centers: centers, structure: structure, cutoff: cutoff, half: half)
        }
        let chunks = Parallel.map(chunkCount, threads: chunkCount) { c in
            let range = (count * c / chunkCount)..<(count * (c + 1) / chunkCount)
            return listed.map { search($0[range]) } ?? search(range)
        }
        self.cutoff = cutoff
        self.kind = kind
        var offsets = [0]
        offsets.reserveCapacity(n + 1)
        for chunk in chunks {
            let start = offsets.removeLast()
            offsets.append(contentsOf: chunk.offsets.map { $0 + start })
        }
        if let listed {
            // Spread the listed centers' ranges over all atoms: an atom not listed has an empty range.
            var all = [0]
            all.reserveCapacity(n + 1)
            var k = 0
            for i in 0..<n {
                if k < listed.count, listed[k] == i {
                    all.append(offsets[k + 1])
                    k += 1
                } else {
                    all.append(all[all.count - 1])
                }
            }
            offsets = all
        }
        self.offsets = offsets
        // One worker's arrays are taken as they are (joining copies every pair: at a few hundred thousand pairs,
        // fresh pages cost more than the search); several workers' are joined, in kept arrays when there are
        // enough pairs, and theirs are kept for later searches.
        let list: PairChunk
        if chunks.count == 1 {
            list = chunks[0]
        } else {
            var joined = PairChunk(room: chunks.reduce(0) { $0 + $1.neighbors.count })
            for chunk in chunks {
                joined.neighbors += chunk.neighbors
                joined.shifts += chunk.shifts
                joined.vectors += chunk.vectors
                joined.distances += chunk.distances
                chunk.keptArrays().map(PairArrays.give)
            }
            list = joined
        }
        returnsArrays = list.keptArrays().map(PairArrays.Return.init)
        (neighbors, shifts, vectors, distances) = (list.neighbors, list.shifts, list.vectors, list.distances)
    }
}

/// The pairs of a contiguous range of center atoms, found by one worker.
struct PairChunk: Sendable {
    var offsets: [Int] = [0]
    var neighbors: [Int32] = []
    var shifts: [SIMD3<Int32>] = []
    var vectors: [SIMD3<Double>] = []
    var distances: [Double] = []
    /// The kept arrays this chunk's arrays were taken from (emptied meanwhile), to hand them back with; nil for
    /// arrays of its own.
    var pooled: PairArrays?

    /// A chunk with room for `pairs` pairs: in kept arrays when there are enough pairs (see `PairArrays`).
    init(room pairs: Int) {
        if let arrays = PairArrays.take(room: pairs) {
            // Moved out, so that this chunk's arrays are the only references and grow in place.
            (neighbors, shifts, vectors, distances) = (arrays.neighbors, arrays.shifts, arrays.vectors, arrays.distances)
            (arrays.neighbors, arrays.shifts, arrays.vectors, arrays.distances) = ([], [], [], [])
            pooled = arrays
        }
        reserve(pairs)
    }

    /// The kept arrays this chunk's arrays came from (nil for arrays of its own), set to hold its pairs (the same
    /// storage, not a copy) so that they are given back with them.
    func keptArrays() -> PairArrays? {
        guard let pooled else { return nil }
        (pooled.neighbors, pooled.shifts, pooled.vectors, pooled.distances) = (neighbors, shifts, vectors, distances)
        return pooled
    }

    /// Reserves room for `pairs` pairs; arrays allocated here, when large, are advised to use huge pages (see
    /// `LargeArrays`; kept arrays were advised when they were first allocated).
    private mutating func reserve(_ pairs: Int) {
        func reserve<T>(_ array: inout [T]) {
            guard array.capacity < pairs else { return }
            array.reserveCapacity(pairs)
            array.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                LargeArrays.adviseHugePages(UnsafeMutableRawPointer(base), bytes: pairs * MemoryLayout<T>.stride)
            }
        }
        reserve(&neighbors)
        reserve(&shifts)
        reserve(&vectors)
        reserve(&distances)
    }

    /// Whether the image shift `s` is lexicographically positive (its first nonzero component is): a half list
    /// keeps an atom's pair with its own image for these shifts only.
    @inline(__always) static func isPositive(_ s: SIMD3<Int32>) -> Bool {
        s.x != 0 ? s.x > 0 : (s.y != 0 ? s.y > 0 : s.z > 0)
    }
}
