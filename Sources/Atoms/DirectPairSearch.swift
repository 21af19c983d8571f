/// The pairs of a few atoms without periodic axes, found by comparing every pair: for a small molecule, building
/// a `CellGrid` (bins, visit tables, wrapped coordinates) costs several times the search itself.
///
/// The pairs and vectors are those the grid finds (D = r_j − r_i, no images); only their order within a center
/// differs (index order here, bin order there).
enum DirectPairSearch {
    /// Structures of at most this many atoms, none periodic, are searched directly.
    static let largestStructure = 48

    /// Whether `structure` is searched directly.
    static func applies(to structure: Structure) -> Bool {
        !structure.pbc.isAnyPeriodic && structure.count <= largestStructure
    }

    /// The pairs of the center atoms `centers`, in center order and, for each center, neighbor order.
    static func pairs(centers: some Collection<Int>, structure: Structure, cutoff: Double, half: Bool) -> PairChunk {
        var chunk = PairChunk()
        chunk.offsets.reserveCapacity(centers.count + 1)
        let cutoff2 = cutoff * cutoff
        let positions = structure.positions
        for i in centers {
            let ri = positions[i]
            for j in (half ? i + 1 : 0)..<positions.count where j != i {
                let d = positions[j] - ri
                let d2 = dot(d, d)
                if d2 < cutoff2 {
                    chunk.neighbors.append(Int32(j))
                    chunk.shifts.append(.zero)
                    chunk.vectors.append(d)
                    chunk.distances.append(d2.squareRoot())
                }
            }
            chunk.offsets.append(chunk.neighbors.count)
        }
        return chunk
    }
}
