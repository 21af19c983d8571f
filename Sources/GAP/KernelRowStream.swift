import Atoms
import Descriptors
import LinearAlgebra
import Support

/// The fourth stage of a fit, "kernel rows and QR": configurations are turned into design rows in parallel,
/// a batch at a time, and each batch is folded into the QR, so neither K_NM nor the descriptor derivatives of
/// the whole training set ever exist in memory.
enum KernelRowStream {
    /// Folds the design rows of every observation into `solver`; returns how many rows it added.
    /// - Throws: `GAPError.descriptor` for a configuration that cannot be described, `.solver` for a failed fold.
    static func fold(
        _ observations: [Observation], soap: SOAP?, basis: SparseBasis, settings: FitSettings,
        into solver: inout IncrementalLeastSquares, progress: GAPTrainer.Progress?
    ) throws(GAPError) -> Int {
        let M = basis.total
        let kernel = settings.kernel, threads = settings.threads
        var folded = 0
        for range in batches(of: observations, columns: M) {
            // The batch's row-major rows live only inside this expression; the QR gets one column-major block.
            var (block, blockRowCount) = try columnMajorBlock(
                Parallel.map(range.count, threads: threads) { k in
                    Result { () throws(GAPError) in
                        try designRows(observations[range.lowerBound + k], soap: soap, basis: basis, kernel: kernel)
                    }
                }, columns: M)
            do {
                try BLASThreads.withThreads(threads) { () throws(LinearAlgebraError) in
                    try solver.add(columnMajor: &block, rows: blockRowCount)
                }
            } catch {
                throw .solver(stage: "QR update", error)
            }
            folded += blockRowCount
            progress?("kernel rows and QR", range.upperBound, observations.count)
        }
        return folded
    }

    /// The observations cut into consecutive batches of at least `rowsPerFold(columns:)` rows each (the last
    /// batch may hold fewer); a configuration is never split, so a batch holds at least one.
    static func batches(of observations: [Observation], columns M: Int) -> [Range<Int>] {
        let rowsPerFold = rowsPerFold(columns: M)
        var batches = [Range<Int>](), start = 0
        while start < observations.count {
            var end = start, rows = 0
            while end < observations.count && (rows < rowsPerFold || end == start) {
                rows += observations[end].rowCount
                end += 1
            }
            batches.append(start..<end)
            start = end
        }
        return batches
    }

    /// Rows gathered before a QR fold (the last configuration's complete): max(M/4, 512), a quarter of the
    /// triangle's memory.
    static func rowsPerFold(columns M: Int) -> Int { max(M / 4, 512) }

    /// The design rows of one configuration (`kernelRows`), divided by their σ.
    static func designRows(
        _ o: Observation, soap: SOAP?, basis: SparseBasis, kernel: PolynomialKernel
    ) throws(GAPError) -> DesignRows {
        var rows = try kernelRows(o, soap: soap, basis: basis, kernel: kernel)
        rows.divideBySigma()
        return rows
    }

    /// The kernel rows of one configuration, not yet divided by σ: for the SOAP term, descriptors (with
    /// derivatives when it has forces or a virial, strain ones for a virial) and their kernels with the sparse
    /// points; for the 2- and 3-body terms, their instances from one neighbor list and their kernels with each
    /// term's sparse points.
    static func kernelRows(
        _ o: Observation, soap: SOAP?, basis: SparseBasis, kernel: PolynomialKernel
    ) throws(GAPError) -> DesignRows {
        var rows = DesignRows(o, columns: basis.total)
        let gradients = o.forces != nil || o.virial != nil
        let list = try NeighborList.shared(
            o.structure, index: o.index, termCutoffs: basis.terms.map(\.descriptor.cutoff.cutoff), soap: soap,
            threads: 1)
        if let soap {
            let q: DescriptorRows, dq: SparseDerivatives?
            let lists = list.map { [$0] }
            do {
                if gradients {
                    let described = try soap.derivatives([o.structure], strain: o.virial != nil, lists: lists, threads: 1)
                    (q, dq) = (described.descriptors, described.derivatives)
                } else {
                    (q, dq) = (try soap.create([o.structure], lists: lists, threads: 1), nil)
                }
            } catch {
                throw .descriptor(error)
            }
            try rows.addSOAP(o, q: q, dq: dq, points: basis.points, layout: basis.layout, kernel: kernel)
        }
        if let list {
            for (term, offset) in zip(basis.terms, basis.termOffsets) {
                term.addDesignRows(
                    term.descriptor.instances(of: o.structure, list: list, gradients: gradients), to: &rows.matrix,
                    offset: offset, rows: rows.rows)
            }
        }
        return rows
    }

    /// The design rows and targets of a batch as one column-major block [A b] (what the QR folds in place);
    /// the batch's own row-major copies are released when this returns.
    private static func columnMajorBlock(
        _ results: [Result<DesignRows, GAPError>], columns M: Int
    ) throws(GAPError) -> (block: [Double], rows: Int) {
        var parts = [DesignRows]()
        for r in results { parts.append(try r.get()) }
        return columnMajorBlock(parts, columns: M)
    }

    /// `parts` as one column-major block [A b]: all their rows, or with `selection` (per part, the rows taken and
    /// what each is divided by) those rows, divided on the way.
    static func columnMajorBlock(
        _ parts: [DesignRows], columns M: Int, selection: [[(row: Int, divisor: Double)]]? = nil
    ) -> (block: [Double], rows: Int) {
        let taken = selection ?? parts.map { part in part.targets.indices.map { (row: $0, divisor: 1.0) } }
        let m = taken.reduce(0) { $0 + $1.count }
        var block = [Double](repeating: 0, count: m * (M + 1))
        var first = 0
        for (part, rows) in zip(parts, taken) {
            let inverse = rows.map { 1 / $0.divisor }
            part.matrix.elements.withUnsafeBufferPointer { a in
                block.withUnsafeMutableBufferPointer { out in
                    // Column by column through the row-major part, in tiles of rows to stay in cache.
                    for tile in stride(from: 0, to: rows.count, by: 64) {
                        let end = min(tile + 64, rows.count)
                        for j in 0..<M {
                            for i in tile..<end { out[j * m + first + i] = a[rows[i].row * M + j] * inverse[i] }
                        }
                    }
                    for (i, r) in rows.enumerated() { out[M * m + first + i] = part.targets[r.row] * inverse[i] }
                }
            }
            first += rows.count
        }
        return (block, m)
    }
}
