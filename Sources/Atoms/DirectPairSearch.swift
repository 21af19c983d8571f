/// The pairs of a few atoms found by comparing every pair, over every lattice translation that can bring two atoms
/// within the cutoff: for a small molecule or a small periodic cell (the lesson's crystals of one or two atoms),
/// building a `CellGrid` (bins, visit tables, wrapped coordinates) costs several times the search itself.
///
/// The pairs, shifts and vectors are those the grid finds (D = r_j − r_i + S·cell); only their order within a center
/// differs (atom by atom here, bin order there).
struct DirectPairSearch: Sendable {
    /// Molecules of at most this many atoms are searched directly.
    static let largestMolecule = 48
    /// A periodic structure is searched directly when it takes at most this many distance tests (atoms² × lattice
    /// translations); beyond, the grid is cheaper.
    static let largestPeriodicWork = 20_000

    /// The lattice translations S·cell searched, S within the ranges of `translationRanges`.
    let translations: [(shift: SIMD3<Int32>, vector: SIMD3<Double>)]

    /// The search of `structure` within `cutoff`, or nil when the grid is the cheaper one (or the cell is singular,
    /// which the grid reports).
    init?(_ structure: Structure, cutoff: Double) {
        guard structure.pbc.isAnyPeriodic, !structure.positions.isEmpty else {
            guard structure.count <= Self.largestMolecule else { return nil }
            translations = [(.zero, .zero)]
            return
        }
        guard let ranges = Self.translationRanges(structure, cutoff: cutoff) else { return nil }
        let count = ranges.reduce(1) { $0 * $1.count }
        guard structure.count * structure.count * count <= Self.largestPeriodicWork else { return nil }
        // Only translations shorter than the cutoff plus the atoms' extent can bring two of them within it.
        var low = structure.positions[0], high = low
        for r in structure.positions {
            low = pointwiseMin(low, r)
            high = pointwiseMax(high, r)
        }
        let reach = cutoff + norm(high - low)
        var translations = [(shift: SIMD3<Int32>, vector: SIMD3<Double>)]()
        translations.reserveCapacity(count)
        for a in ranges[0] {
            for b in ranges[1] {
                for c in ranges[2] {
                    let vector = structure.cell.cartesian(SIMD3(Double(a), Double(b), Double(c)))
                    if dot(vector, vector) < reach * reach {
                        translations.append((SIMD3(Int32(a), Int32(b), Int32(c)), vector))
                    }
                }
            }
        }
        self.translations = translations
    }

    /// Per axis, the shifts S_a that can bring two atoms within `cutoff`: along a periodic axis |Δf_a + S_a| · w_a ≤
    /// |D| for fractional coordinates f and the distance w_a between the lattice planes, so |S_a| < cutoff / w_a +
    /// the spread of the atoms' f_a (positions need not be wrapped); none but 0 along the others. Nil for a
    /// singular cell.
    static func translationRanges(_ structure: Structure, cutoff: Double) -> [ClosedRange<Int>]? {
        guard let inverse = structure.cell.matrix.inverse else { return nil }
        let widths = structure.cell.perpendicularWidths
        var low = SIMD3<Double>(repeating: .infinity), high = SIMD3<Double>(repeating: -.infinity)
        for r in structure.positions {
            let f = inverse.leftMultiply(r)
            low = pointwiseMin(low, f)
            high = pointwiseMax(high, f)
        }
        var ranges = [ClosedRange<Int>]()
        for axis in 0..<3 {
            guard structure.pbc[axis] else {
                ranges.append(0...0)
                continue
            }
            let reach = cutoff / widths[axis] + (high[axis] - low[axis])
            // A reach beyond any search worth doing (an extremely thin cell) leaves the case to the grid.
            guard reach.isFinite, reach < 1e4 else { return nil }
            let n = Int(reach.rounded(.up))
            ranges.append(-n...n)
        }
        return ranges
    }

    /// The pairs of the center atoms `centers`, in center order and, for each center, atom by atom in index order
    /// and translation by translation within one: an atom's images are consecutive (SOAP sums a slot's images as
    /// one run of rows). A half list keeps i < j, and i == j with S lexicographically positive.
    func pairs(centers: some Collection<Int>, structure: Structure, cutoff: Double, half: Bool) -> PairChunk {
        // Room for every pair tested (at most `largestPeriodicWork`, or 48² in a molecule): no regrowth.
        let room = centers.count * structure.count * translations.count
        var chunk = PairChunk(room: room)
        chunk.offsets.reserveCapacity(centers.count + 1)
        let cutoff2 = cutoff * cutoff
        let positions = structure.positions
        var found = PairBuffer(capacity: room)
        defer { found.deallocate() }
        for i in centers {
            let ri = positions[i]
            for j in (half ? i : 0)..<positions.count {
                let d = positions[j] - ri
                for (shift, vector) in translations {
                    // An atom's own images: S ≠ 0, and in a half list only one of ±S.
                    if j == i && (shift == .zero || (half && !PairChunk.isPositive(shift))) { continue }
                    found.addIfWithin(cutoff2, j, shift: shift, vector: d + vector)
                }
            }
            chunk.offsets.append(chunk.neighbors.count + found.count)
        }
        found.append(to: &chunk)
        return chunk
    }
}
