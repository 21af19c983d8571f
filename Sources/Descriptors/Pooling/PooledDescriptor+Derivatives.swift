import Atoms

extension PooledDescriptor {
    /// Centers whose derivative blocks are computed at once: the blocks of a whole large cell would take gigabytes
    /// (a 1000-atom Si cell's SOAP, n_max 8 and l_max 6 at 5 Å: 0.9 GB), a batch of 256 centers a few hundred MB at
    /// most, and more calls to the base descriptor cost only their neighbor search.
    static let batchCenters = 256

    /// ∂ pooled row / ∂ atom: the coefficient-weighted sum of the center rows' blocks, or with max-pooling each
    /// feature from the block of the row holding its maximum. The blocks are computed `batchCenters` centers at a
    /// time (whole small structures together, a large one in pieces) and summed into each structure's atoms as they
    /// come, so a batch's blocks are dropped before the next is computed.
    func pooledDerivatives(
        _ structures: [Structure], _ pooled: Pooled, rows: DescriptorRows, threads: Int
    ) throws(DescriptorError) -> SparseDerivatives {
        let D = numberOfFeatures
        var rowStart = [Int](repeating: 0, count: structures.count + 1)
        for s in rows.structure { rowStart[s + 1] += 1 }
        for s in structures.indices { rowStart[s + 1] += rowStart[s] }
        // Per center row: its coefficient (average, site weights), or with max-pooling the features it holds.
        var coefficient = [Double](repeating: 0, count: rows.count)
        var maxima = [[Int]](repeating: [], count: rows.count)
        for (p, members) in pooled.members.enumerated() {
            if pooled.argmax[p].isEmpty {
                for (k, c) in members { coefficient[k] = c }
            } else {
                for (f, k) in pooled.argmax[p].enumerated() { maxima[k].append(f) }
            }
        }
        var out = SparseDerivatives(featureCount: D, strain: false)
        var sums = [Int: AtomSums]()  // the structures whose centers have begun, until their last batch
        var batch = [(structure: Int, rows: Range<Int>)](), size = 0
        var block = [Double](repeating: 0, count: 3 * D)

        func flush() throws(DescriptorError) {
            guard !batch.isEmpty else { return }
            let (_, blocks) = try base.derivatives(
                batch.map { structures[$0.structure] }, centers: batch.map { $0.rows.map { rows.center[$0] } },
                threads: threads)
            let rowOf = batch.flatMap { Array($0.rows) }  // batch row → center row
            for b in 0..<blocks.count {
                let k = rowOf[blocks.row[b]], s = rows.structure[k], atom = blocks.atom[b]
                guard coefficient[k] != 0 || !maxima[k].isEmpty else { continue }
                let sum = sums[s] ?? AtomSums(atoms: structures[s].count, features: D)
                sums[s] = sum
                sum.moved[atom] = true
                block.withUnsafeMutableBufferPointer { g in
                    g.update(repeating: 0)
                    blocks.addBlock(b, to: g.baseAddress!)
                    sum.values.withUnsafeMutableBufferPointer { v in
                        let target = v.baseAddress! + atom * 3 * D
                        if maxima[k].isEmpty {
                            let c = coefficient[k]
                            for i in 0..<(3 * D) { target[i] += c * g[i] }
                        } else {
                            for f in maxima[k] {
                                for axis in 0..<3 { target[axis * D + f] += g[axis * D + f] }
                            }
                        }
                    }
                }
            }
            for piece in batch where piece.rows.upperBound == rowStart[piece.structure + 1] {
                guard let sum = sums.removeValue(forKey: piece.structure) else { continue }
                for atom in sum.moved.indices where sum.moved[atom] {
                    out.append(row: piece.structure, atom: atom, dense: sum.values[(atom * 3 * D)..<((atom + 1) * 3 * D)])
                }
            }
            batch.removeAll(keepingCapacity: true)
            size = 0
        }

        for s in structures.indices {
            var r = rowStart[s]
            while r < rowStart[s + 1] {
                let n = min(rowStart[s + 1] - r, Self.batchCenters - size)
                batch.append((s, r..<(r + n)))
                size += n
                r += n
                if size == Self.batchCenters { try flush() }
            }
        }
        try flush()
        return out
    }
}

/// One structure's summed blocks while its centers' blocks come in: 3 × D values per atom, and which atoms moved a
/// center (a reference, so that adding a block changes it in place).
private final class AtomSums {
    var values: [Double]
    var moved: [Bool]

    init(atoms: Int, features: Int) {
        values = [Double](repeating: 0, count: atoms * 3 * features)
        moved = [Bool](repeating: false, count: atoms)
    }
}
