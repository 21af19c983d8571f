/// Where derivative blocks go as they are computed, so that a caller with an output of its own (a dense array it
/// allocated) need not have them stored first, nor copied: given the structure, the row's index within that structure
/// and the atom whose position moves the row, the caller's dense 3 × D block for ∂row/∂r_atom (x, y, z rows of D
/// values), into which every value is written; nil for a block the caller does not take. Called from worker threads,
/// once per (row, atom) that has a block; the blocks it gives must not overlap.
public typealias DerivativeBlockSink = @Sendable (_ structure: Int, _ row: Int, _ atom: Int) -> UnsafeMutablePointer<Double>?

extension SparseDerivatives {
    /// Writes every block, dense, where `sink` says for its structure and row index within it (from `rows`, whose
    /// rows these blocks derive), block after block on the calling thread.
    public func handBlocks(of rows: DescriptorRows, to sink: DerivativeBlockSink) {
        var firstRow = [Int](repeating: 0, count: (rows.structure.max() ?? -1) + 1)
        for (r, s) in rows.structure.enumerated().reversed() { firstRow[s] = r }
        for k in 0..<count {
            let s = rows.structure[row[k]]
            guard let block = sink(s, row[k] - firstRow[s], atom[k]) else { continue }
            block.update(repeating: 0, count: 3 * featureCount)
            addBlock(k, to: block)
        }
    }
}
