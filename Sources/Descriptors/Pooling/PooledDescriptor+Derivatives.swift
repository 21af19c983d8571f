import Atoms

extension PooledDescriptor {
    /// Centers whose derivative blocks are computed at once. The blocks of a whole large cell take gigabytes (a
    /// 1000-atom Si cell's SOAP, n_max 8 and l_max 6 at 5 Å: 0.9 GB); a batch holds those of 256 centers (that cell:
    /// 115 MB; the size grows with the features and the neighbors a center has), and each further batch costs the
    /// base descriptor's neighbor search once more.
    static let batchCenters = 256

    /// ∂ pooled row / ∂ atom: the coefficient-weighted sum of the center rows' blocks, or with max-pooling each
    /// feature from the block of the row holding its maximum. Only the centers that count (a non-zero weight, a
    /// maximum held) are differentiated, `batchCenters` at a time (whole small structures together, a large one in
    /// pieces), and each batch's blocks are summed into its structures' atoms before the next is computed.
    func pooledDerivatives(
        _ structures: [Structure], _ pooled: Pooled, rows: DescriptorRows, threads: Int
    ) throws(DescriptorError) -> SparseDerivatives {
        let D = numberOfFeatures
        // Per center row: its coefficient (average, site weights), or with max-pooling the features it holds.
        var coefficient = [Double](repeating: 0, count: rows.count)
        var maxima = [[Int]](repeating: [], count: rows.count)
        for (p, members) in pooled.members.enumerated() {
            for (k, c) in members { coefficient[k] = c }
            for (f, k) in pooled.argmax[p].enumerated() { maxima[k].append(f) }
        }
        var counted = [[Int]](repeating: [], count: structures.count)  // per structure, its rows that count
        for k in 0..<rows.count where coefficient[k] != 0 || !maxima[k].isEmpty { counted[rows.structure[k]].append(k) }

        var out = SparseDerivatives(featureCount: D, strain: false)
        var sums = [Int: AtomSums]()  // the structures whose rows have begun, until their last batch
        var batch = [(structure: Int, rows: ArraySlice<Int>, last: Bool)](), size = 0
        var block = [Double](repeating: 0, count: 3 * D)

        func flush() throws(DescriptorError) {
            guard !batch.isEmpty else { return }
            let (_, blocks) = try base.derivatives(
                batch.map { structures[$0.structure] }, centers: batch.map { $0.rows.map { rows.center[$0] } },
                threads: threads)
            // Per batch row: its center row and the sums of its structure (made for a structure's first piece).
            let rowOf = batch.flatMap { $0.rows }
            let sumsOf = batch.flatMap { piece in
                let sum = sums[piece.structure] ?? AtomSums(atoms: structures[piece.structure].count)
                sums[piece.structure] = sum
                return repeatElement(sum, count: piece.rows.count)
            }
            for b in 0..<blocks.count {
                let k = rowOf[blocks.row[b]], sum = sumsOf[blocks.row[b]]
                let offset = sum.offset(of: blocks.atom[b], features: D)
                sum.values.withUnsafeMutableBufferPointer { v in
                    let target = v.baseAddress! + offset
                    guard !maxima[k].isEmpty else {
                        // Average, site weights: the block straight from its storage, times the row's coefficient.
                        blocks.addBlock(b, scaledBy: coefficient[k], to: target)
                        return
                    }
                    // Max: the features this row holds the maximum of, from its dense block.
                    block.withUnsafeMutableBufferPointer { g in
                        g.update(repeating: 0)
                        blocks.addBlock(b, to: g.baseAddress!)
                        for f in maxima[k] {
                            for axis in 0..<3 { target[axis * D + f] += g[axis * D + f] }
                        }
                    }
                }
            }
            for piece in batch where piece.last {
                guard let sum = sums.removeValue(forKey: piece.structure) else { continue }
                for i in sum.atoms.indices.sorted(by: { sum.atoms[$0] < sum.atoms[$1] }) {
                    out.append(row: piece.structure, atom: sum.atoms[i], dense: sum.values[(i * 3 * D)..<((i + 1) * 3 * D)])
                }
            }
            batch.removeAll(keepingCapacity: true)
            size = 0
        }

        for s in structures.indices {
            var rest = counted[s][...]
            while !rest.isEmpty {
                let n = min(rest.count, Self.batchCenters - size)
                batch.append((s, rest.prefix(n), n == rest.count))
                rest = rest.dropFirst(n)
                size += n
                if size == Self.batchCenters { try flush() }
            }
        }
        try flush()
        return out
    }
}

/// One structure's summed blocks while its centers' blocks come in: 3 × D values for each atom a block has reached,
/// in the order reached (a large cell's other atoms take no room), held by reference so that adding a block changes
/// them in place.
private final class AtomSums {
    /// Per atom, its index in `atoms`, or −1 before a block reaches it.
    var slot: [Int32]
    /// The atoms reached, in the order reached.
    var atoms = [Int]()
    /// 3 × D values per atom of `atoms`.
    var values = [Double]()

    init(atoms count: Int) { slot = [Int32](repeating: -1, count: count) }

    /// Where `atom`'s 3 × D values start in `values`, zeros appended for it when first reached.
    func offset(of atom: Int, features D: Int) -> Int {
        if slot[atom] < 0 {
            slot[atom] = Int32(atoms.count)
            atoms.append(atom)
            values += repeatElement(0, count: 3 * D)
        }
        return Int(slot[atom]) * 3 * D
    }
}
