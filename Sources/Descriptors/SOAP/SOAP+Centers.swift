import Atoms
import Support

extension SOAP {
    /// Where a descriptor row is centered (DScribe's `centers=[i, [x, y, z], …]`).
    public enum Center: Sendable, Equatable {
        /// On atom `i` of the structure: its own density is the center's (weight `w0`).
        case atom(Int)
        /// At a Cartesian point in Å, fixed in space: there is no center density, and every atom in range
        /// (periodic images included) is a neighbor — one exactly on the point counts with weight `w0`, as
        /// DScribe's neighbor at r = 0 does.
        case point(SIMD3<Double>)
    }

    /// Descriptor rows at the given centers: one per center, or one per structure when averaged (over
    /// these centers). Rows of point centers have `center` −1.
    /// - Parameters:
    ///   - centers: per structure, its centers (atoms and points, in output order).
    ///   - threads: worker threads (default all cores).
    /// - Throws: `DescriptorError.invalidCenter` for an atom index outside its structure,
    ///   `.nonFinitePoint` for a point with a NaN or infinite coordinate, `.invalidSetting` for point centers
    ///   with the QUIP layout; otherwise as `create(_:centers:threads:)`.
    public func create(
        _ structures: [Structure], at centers: [[Center]], threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        try checkCenters(centers, attach: true)
        return try compute(structures, centers: centers, attach: true, gradients: false, strain: false, threads: threads).rows
    }

    /// As `create(_:at:threads:)`, the rows written straight into `rows` (row after row, `numberOfFeatures` values
    /// each), which holds exactly the rows of `rowCounts(at: centers)`: a caller with an array of its own gets them
    /// without a copy.
    /// - Throws: as `create(_:at:threads:)`, before anything is written.
    public func create(
        _ structures: [Structure], at centers: [[Center]], threads: Int = Parallel.defaultThreads,
        into rows: UnsafeMutableBufferPointer<Double>
    ) throws(DescriptorError) {
        try checkCenters(centers, attach: true)
        let prepared = try prepareAll(structures, centers: centers, attach: true, gradients: false, threads: threads)
        precondition(
            rows.count == rowCounts(at: centers).reduce(0, +) * numberOfFeatures, "room for every row, and only that")
        guard let base = rows.baseAddress else { return }
        _ = compute(prepared, gradients: false, strain: false, threads: threads, rowsInto: base)
    }

    /// The number of rows of each structure at `centers`: one per center, or one when rows are averaged.
    public func rowCounts(at centers: [[Center]]) -> [Int] {
        average == .off ? centers.map { $0.count } : centers.map { _ in 1 }
    }

    /// Descriptor rows at the given centers and their analytic derivatives with respect to every atom
    /// position that moves them (periodic images merged per atom). Point centers stay where they are.
    /// - Parameters:
    ///   - centers: per structure, its centers (atoms and points, in output order).
    ///   - attach: true moves each atom center with its atom (as `derivatives(_:centers:threads:)`); false
    ///     (DScribe's default) keeps it at the atom's position, so the atom's own block holds its density
    ///     moving off the center (l = 1 only) and, in periodic cells, its images moving. Every other block is
    ///     the same for both. Averaged rows average the derivatives of fixed or attached centers alike.
    ///   - threads: worker threads (default all cores).
    /// - Throws: as `create(_:at:threads:)`; `.invalidSetting` for attach = false with the QUIP layout.
    public func derivatives(
        _ structures: [Structure], at centers: [[Center]], attach: Bool, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        try checkCenters(centers, attach: attach)
        let out = try compute(structures, centers: centers, attach: attach, gradients: true, strain: false, threads: threads)
        return (out.rows, out.derivatives)
    }

    /// As `derivatives(_:at:attach:threads:)`, with each derivative block written where `blocks` says (a caller's
    /// arrays of its own) as its center is formed, instead of stored: the blocks are neither held twice nor copied.
    /// A block `blocks` does not take goes to a buffer each worker thread reuses. Averaged rows are written once the
    /// whole structure is done.
    /// - Returns: the descriptor rows.
    /// - Throws: as `derivatives(_:at:attach:threads:)`.
    public func derivatives(
        _ structures: [Structure], at centers: [[Center]], attach: Bool, threads: Int = Parallel.defaultThreads,
        blocks sink: @escaping DerivativeBlockSink
    ) throws(DescriptorError) -> DescriptorRows {
        try checkCenters(centers, attach: attach)
        let prepared = try prepareAll(structures, centers: centers, attach: attach, gradients: true, threads: threads)
        guard average == .off else {
            let out = compute(prepared, gradients: true, strain: false, threads: threads)
            out.derivatives.handBlocks(of: out.rows, to: sink)
            return out.rows
        }
        return compute(prepared, gradients: true, strain: false, threads: threads, sink: sink).rows
    }

    /// Refuses what only the DScribe layout defines: point centers and centers that stay put.
    private func checkCenters(_ centers: [[Center]], attach: Bool) throws(DescriptorError) {
        guard layout == .quip else { return }
        if centers.contains(where: { $0.contains { if case .point = $0 { true } else { false } } }) {
            throw .invalidSetting(name: "centers", value: "a point", hint: "QUIP's SOAP is centered on atoms only")
        }
        if !attach {
            throw .invalidSetting(name: "attach", value: "false", hint: "QUIP's SOAP centers move with their atoms")
        }
    }

    /// The expansion centers of structure `index` (nil: every atom, or every atom of `centerSpecies`) and
    /// the points that need a ghost atom in the neighbor list, in ghost order (ghost k is atom `s.count + k`).
    func expansionCenters(
        _ centers: [Center]?, of s: Structure, structure index: Int, attach: Bool
    ) throws(DescriptorError) -> (centers: [SOAPEngine.Center], ghosts: [SIMD3<Double>]) {
        var out = [SOAPEngine.Center](), ghosts = [SIMD3<Double>]()
        for (k, center) in (centers ?? (0..<s.count).map(Center.atom)).enumerated() {
            switch center {
            case let .atom(i):
                guard i >= 0 && i < s.count else { throw .invalidCenter(structure: index, center: i, atoms: s.count) }
                if let z = centerSpecies, s.atomicNumbers[i] != z { continue }
                out.append(SOAPEngine.Center(site: i, atom: i, attached: attach))
            case let .point(r):
                guard r.x.isFinite && r.y.isFinite && r.z.isFinite else {
                    throw .nonFinitePoint(structure: index, center: k)
                }
                out.append(SOAPEngine.Center(site: s.count + ghosts.count, atom: nil, attached: false))
                ghosts.append(r)
            }
        }
        return (out, ghosts)
    }
}
