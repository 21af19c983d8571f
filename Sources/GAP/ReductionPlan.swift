import Support

/// How a fit's least-squares rows are cut into parts and their triangles reduced (TSQR), fixed before any work.
///
/// The configurations are split into `parts.count` contiguous parts balanced by observation rows; each part is
/// folded into a triangle of its own (part 0 on top of Lᵀ, the others from zero), and the triangles merge along a
/// fixed binary tree: node (u, s) covers parts u..<u + s (s a power of two, u a multiple of s) and is node (u, s/2)
/// with node (u + s/2, s/2) folded below it (just node (u, s/2) when that one is past the last part). The ranks
/// take contiguous runs of parts, nearly equal in count (rank 0 the first), and a node is built by the rank that owns its first part.
///
/// The parts and the tree depend only on the data and the number of parts, never on the number of ranks: fits
/// with the same number of parts give the same weights on any number of ranks (bit for bit at the same threads
/// per rank). With one part per rank — the default — each rank folds one triangle and receives the others' as
/// streams of rows; a rank with several parts holds one more triangle per level of its own subtree.
struct ReductionPlan: Sendable {
    /// The observations (configurations in fit order) of each part.
    let parts: [Range<Int>]
    /// The parts of each rank.
    let rankParts: [Range<Int>]

    /// A plan for observations of `rowCounts` rows in `parts` parts (nil: one per rank) over `ranks` ranks.
    init(rowCounts: [Int], parts: Int?, ranks: Int) {
        self.parts = BalancedRanges.split(weights: rowCounts, parts: max(parts ?? ranks, 1))
        let count = self.parts.count, ranks = max(ranks, 1)
        // Rank r's parts start at ⌈r·P/R⌉: rank 0 always owns part 0 (the root), with more ranks than parts the
        // last ranks have none.
        let start = { (r: Int) in (r * count + ranks - 1) / ranks }
        rankParts = (0..<ranks).map { r in start(r)..<start(r + 1) }
    }

    /// The side of the tree: the smallest power of two at least the number of parts.
    var width: Int { 1 << (Int.bitWidth - (parts.count - 1).leadingZeroBitCount) }

    /// The rank that owns part `p`.
    func owner(ofPart p: Int) -> Int {
        rankParts.firstIndex { $0.contains(p) } ?? 0
    }

    /// The observations of rank `r`'s parts.
    func observations(ofRank r: Int) -> Range<Int> {
        let own = rankParts[r]
        guard !own.isEmpty else { return 0..<0 }
        return parts[own.lowerBound].lowerBound..<parts[own.upperBound - 1].upperBound
    }

    /// The nodes rank `r` builds and sends on (or keeps, for node (0, width) on rank 0), in the order it builds
    /// them: from its first part on, node (u, s) with s the lowest set bit of u, then u + s, until its parts end.
    func roots(ofRank r: Int) -> [(part: Int, size: Int)] {
        var roots = [(part: Int, size: Int)](), u = rankParts[r].lowerBound
        while u < rankParts[r].upperBound {
            let size = u == 0 ? width : u & -u
            roots.append((u, size))
            u += size
        }
        return roots
    }

    /// Node (u, size)'s two halves when it has a second one (its first part within the plan), else nil.
    func halves(_ u: Int, size: Int) -> (left: Int, right: Int, size: Int)? {
        guard size > 1, u + size / 2 < parts.count else { return nil }
        return (u, u + size / 2, size / 2)
    }

    /// One step of a rank's share of the reduction, on its stack of triangles.
    enum Step: Equatable {
        /// Fold part `part`'s rows into a new triangle on top of the stack.
        case fold(part: Int)
        /// Fold the top triangle below the one under it (both this rank's), leaving their merge on top.
        case mergeTop
        /// Fold the triangle that rank `rank` sends below the top one.
        case receive(from: Int)
        /// Send the top triangle to rank `rank`, taking it off the stack.
        case send(to: Int)
    }

    /// Rank `r`'s steps, in order: each of its `roots` built depth first — a node's first half, then its second
    /// half (built here, or received) folded below it — and sent on, except node (0, width), which stays on rank
    /// 0's stack as the result.
    func steps(ofRank r: Int) -> [Step] {
        var steps = [Step]()
        func build(_ u: Int, _ size: Int) {
            guard let h = halves(u, size: size) else {
                if size > 1 { build(u, size / 2) } else { steps.append(.fold(part: u)) }
                return
            }
            build(h.left, h.size)
            let source = owner(ofPart: h.right)
            if source == r {
                build(h.right, h.size)
                steps.append(.mergeTop)
            } else {
                steps.append(.receive(from: source))
            }
        }
        for (u, size) in roots(ofRank: r) {
            build(u, size)
            if u != 0 { steps.append(.send(to: owner(ofPart: u - size))) }
        }
        return steps
    }

    /// What rank `r` does in the reduction: the triangles it merges (received or its own), and the most triangles
    /// it holds at once.
    func work(ofRank r: Int) -> (merges: Int, triangles: Int) {
        var merges = 0, held = 0, most = 0
        for step in steps(ofRank: r) {
            switch step {
            case .fold:
                held += 1
                most = max(most, held)
            case .mergeTop:
                held -= 1
                merges += 1
            case .receive: merges += 1
            case .send: held -= 1
            }
        }
        return (merges, most)
    }
}
