/// Receives derivative blocks as they are computed, so that a caller with an output of its own (a dense array it
/// allocated) need not have them all stored first: the structure, the row's index within that structure, the atom
/// whose position moves the row, and the dense 3 × D block ∂row/∂r_atom (x, y, z rows of D values), valid only
/// during the call. Called from worker threads, once per (row, atom) that has a block.
public typealias DerivativeBlockSink =
    @Sendable (_ structure: Int, _ row: Int, _ atom: Int, _ block: UnsafePointer<Double>) -> Void

extension SparseDerivatives {
    /// Hands every block to `sink`, dense, with its structure and row index within it (from `rows`, whose rows
    /// these blocks derive), block after block on the calling thread.
    public func handBlocks(of rows: DescriptorRows, to sink: DerivativeBlockSink) {
        var firstRow = [Int](repeating: 0, count: (rows.structure.max() ?? -1) + 1)
        for (r, s) in rows.structure.enumerated().reversed() { firstRow[s] = r }
        var block = [Double](repeating: 0, count: 3 * featureCount)
        block.withUnsafeMutableBufferPointer { b in
            for k in 0..<count {
                b.update(repeating: 0)
                addBlock(k, to: b.baseAddress!)
                let s = rows.structure[row[k]]
                sink(s, row[k] - firstRow[s], atom[k], b.baseAddress!)
            }
        }
    }
}
