/// The features one structure's MBTR derivative blocks hold: those of the species combinations whose species all
/// occur in the structure. Every other combination's entries — row and derivatives alike — stay zero, so a block
/// need not store them: a pure silicon cell described with four species keeps one of the 40 triplet blocks.
struct MBTRBlockLayout: Sendable, Equatable {
    /// The row's feature ranges a block holds, in increasing order (adjacent combinations merged).
    let ranges: [Range<Int>]
    /// Per combination, where its features start within a block (−1 when the block does not hold them).
    let offsets: [Int]
    /// Features per block (per Cartesian row).
    let count: Int

    /// The layout for the combinations `held` (combination numbers, each `width` features long, combination c at
    /// c · width) out of `combinations`.
    init(held: [Int], width: Int, combinations: Int) {
        var offsets = [Int](repeating: -1, count: combinations)
        var count = 0
        let sorted = held.sorted()
        for c in sorted {
            offsets[c] = count
            count += width
        }
        let ranges = consecutiveRanges(of: sorted.flatMap { c in (c * width)..<((c + 1) * width) })
        self.ranges = ranges
        self.offsets = offsets
        self.count = count
    }

    /// Where combination `c`'s features start within a block, which must hold them.
    @inline(__always) func offset(_ c: Int) -> Int {
        let o = offsets[c]
        precondition(o >= 0, "a contribution of species the structure does not have")
        return o
    }
}
