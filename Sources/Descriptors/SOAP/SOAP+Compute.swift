import Atoms
import Support

extension SOAP {
    /// Descriptor rows of `structures`: one per center, or one per structure when averaged.
    /// - Parameters:
    ///   - centers: per structure, the atom indices to use as centers (nil: every atom, or every atom of
    ///     `centerSpecies`).
    ///   - threads: worker threads (default all cores); work is split over structures and centers.
    /// - Throws: `DescriptorError` for unknown elements, bad centers or unusable geometry.
    public func create(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        try create(structures, centers: centers, lists: nil, threads: threads)
    }

    /// As `create(_:centers:threads:)`, with the neighbor list of each structure given (`lists`, see `canShare`).
    /// - Throws: as `create`.
    public func create(
        _ structures: [Structure], centers: [[Int]]? = nil, lists: [NeighborList]?, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        let prepared = try prepareAll(
            structures, centers: atomCenters(centers), attach: true, gradients: false, threads: threads, lists: lists)
        return compute(prepared, gradients: false, strain: false, threads: threads).rows
    }

    /// Descriptor rows and their analytic derivatives with respect to every atom position that moves
    /// them (periodic images merged per atom; the center included).
    /// - Parameters: as `create`.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        try derivatives(structures, centers: centers, strain: false, threads: threads)
    }

    /// Descriptor rows and their analytic derivatives with respect to every atom position that moves
    /// them (periodic images merged per atom; the center included) and, with `strain`, with respect to a
    /// homogeneous strain (for virials and stresses; see `SparseDerivatives.strain`).
    /// - Parameters: as `create`.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, strain: Bool, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        try derivatives(structures, centers: centers, strain: strain, lists: nil, threads: threads)
    }

    /// As `derivatives(_:centers:strain:threads:)`, with the neighbor list of each structure given (`lists`, see
    /// `canShare`): a model whose other terms need a list too builds one, for the longest cutoff, for all.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, strain: Bool, lists: [NeighborList]?,
        threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        let prepared = try prepareAll(
            structures, centers: atomCenters(centers), attach: true, gradients: true, threads: threads, lists: lists)
        let out = compute(prepared, gradients: true, strain: strain, threads: threads)
        return (out.rows, out.derivatives)
    }

    /// Whether `list` can stand in for the neighbor list this SOAP builds for `s`: a full list of `s` itself (this
    /// SOAP follows the structure's cell, as QUIP's layouts and a periodic DScribe one do) with a cutoff at least
    /// `interactionRange` (pairs beyond it are skipped). Other terms of a model share such a list.
    public func canShare(_ list: NeighborList, of s: Structure) -> Bool {
        (periodic || !s.pbc.isAnyPeriodic) && list.kind == .full && list.cutoff >= interactionRange
            && list.offsets.count == s.count + 1
    }

    private func atomCenters(_ centers: [[Int]]?) -> [[Center]]? {
        centers.map { $0.map { $0.map(Center.atom) } }
    }

    /// A structure made ready: the geometry as the layout sees it (with a ghost atom at each point center
    /// after the real atoms), channel species (−1 for ghosts), centers, neighbors, and the atoms of each
    /// output row's derivative blocks.
    struct Prepared: Sendable {
        let index: Int
        let structure: Structure
        let speciesOf: [Int32]
        /// Per atom, its density's factor from `speciesWeights` (ghosts' entries unused); empty when every factor is 1.
        let densityScales: [Double]
        let centers: [SOAPEngine.Center]
        let list: NeighborList
        /// Per output row, the atoms of its derivative blocks in output order (empty without gradients).
        let blockAtoms: [[Int]]
        /// Per output row, the engine's feature pattern of each block in sparse storage: every feature (0) for
        /// the center's atom and for averaged rows, else the pattern of the atom's species.
        let blockPatterns: [[Int]]
    }

    /// One unit of parallel work: some rows of one structure, with where they go in the output.
    struct WorkItem: Sendable {
        let structure: Int
        let centers: Range<Int>
        let firstRow: Int
        let firstBlock: Int
    }

    private func prepare(
        _ s: Structure, index: Int, centers: [Center]?, attach: Bool, gradients: Bool, list given: NeighborList?,
        threads: Int
    ) throws(DescriptorError) -> Prepared {
        let original = s
        var s = s
        if !periodic {
            s.pbc = .none
            s.cell = .empty
        }
        var speciesOf = try engine.speciesIndices(s, structure: index)
        let (centers, ghosts) = try expansionCenters(centers, of: s, structure: index, attach: attach)
        if !ghosts.isEmpty {
            s = Structure(
                atomicNumbers: s.atomicNumbers + repeatElement(1, count: ghosts.count), positions: s.positions + ghosts,
                cell: s.cell, pbc: s.pbc)
            speciesOf += repeatElement(-1, count: ghosts.count)
        }
        let list: NeighborList
        if let given, ghosts.isEmpty, canShare(given, of: original) {
            list = given
        } else {
            do {
                // Only the centers' pairs: a few centers in a large structure need not list every atom.
                list = try NeighborList(
                    s, cutoff: engine.basis.range, centers: centers.count < s.count ? centers.map { $0.site } : nil,
                    threads: threads)
            } catch {
                throw .geometry(structure: index, error)
            }
        }
        let densityScales = speciesWeights.isEmpty ? [] : s.atomicNumbers.map { speciesWeights[$0] ?? 1 }
        if !(engine.weight.supremum * largestSpeciesWeight <= NeighborWeight.largest) {
            // Before any work: a weighting without bound (pow or exp with d = 0), or a large one, may overflow here.
            for (k, center) in centers.enumerated() {
                for p in list.pairs(of: center.site) where list.distances[p] > 0 && list.distances[p] < engine.basis.range {
                    let j = Int(list.neighbors[p]), scale = densityScales.isEmpty ? 1 : abs(densityScales[j])
                    let (w, dw) = engine.weight(list.distances[p])
                    guard !(abs(w) * scale <= NeighborWeight.largest && abs(dw) * scale <= NeighborWeight.largest) else {
                        continue
                    }
                    throw .weightOverflow(structure: index, center: k, distance: list.distances[p], weight: w * scale)
                }
            }
        }
        var blockAtoms = [[Int]](), blockPatterns = [[Int]]()
        if gradients && !engine.displacement.isDefined {
            // Before any work: a density sitting on a center that stays put would need w(0), which is infinite.
            for (k, center) in centers.enumerated() {
                let staysPut = center.atom != nil && !center.attached
                guard staysPut || list.pairs(of: center.site).contains(where: { list.distances[$0] == 0 }) else { continue }
                let what = staysPut ? "the center does not move with its atom (attach=False)" : "an atom sits on the center"
                throw .undefinedDerivative(
                    structure: index, center: k,
                    reason: "the weighting is infinite at r = 0 (pow with d = 0) and \(what); use attach=True or d > 0")
            }
        }
        if gradients {
            let perCenter = centers.map { engine.slotAtoms(center: $0, list: list, speciesOf: speciesOf) }
            if average == .off {
                blockAtoms = perCenter
                blockPatterns = zip(centers, perCenter).map { center, atoms in
                    atoms.enumerated().map { k, atom in
                        k == 0 && center.atom != nil ? 0 : engine.pattern(ofSpecies: Int(speciesOf[atom]))
                    }
                }
            } else {
                blockAtoms = [Array(Set(perCenter.joined())).sorted()]
                blockPatterns = [[Int](repeating: 0, count: blockAtoms[0].count)]
            }
        }
        return Prepared(
            index: index, structure: s, speciesOf: speciesOf,
            densityScales: densityScales,
            centers: centers, list: list,
            blockAtoms: blockAtoms, blockPatterns: blockPatterns)
    }

    /// Rows (and derivatives) at `centers` (nil: every atom); `attach` moves index centers with their atoms.
    func compute(
        _ structures: [Structure], centers: [[Center]]?, attach: Bool, gradients: Bool, strain: Bool, threads: Int
    ) throws(DescriptorError) -> (rows: DescriptorRows, derivatives: SparseDerivatives) {
        let prepared = try prepareAll(structures, centers: centers, attach: attach, gradients: gradients, threads: threads)
        return compute(prepared, gradients: gradients, strain: strain, threads: threads)
    }

    /// Every structure made ready, in parallel (see `Prepared`), with its list from `lists` when one is given and
    /// `canShare` it.
    /// - Throws: `DescriptorError` for a centers list per structure missing, unknown elements, bad centers or
    ///   unusable geometry.
    func prepareAll(
        _ structures: [Structure], centers: [[Center]]?, attach: Bool, gradients: Bool, threads: Int,
        lists: [NeighborList]? = nil
    ) throws(DescriptorError) -> [Prepared] {
        if let centers, centers.count != structures.count {
            throw .invalidSetting(
                name: "centers", value: "\(centers.count) lists",
                hint: "give one list of centers per structure (\(structures.count))")
        }
        // A single large cell's search is a tenth of its values' time: it gets the threads beyond one a structure.
        let listThreads = Parallel.threadsEach(of: structures.count, sharing: threads)
        let results = Parallel.map(structures.count, threads: threads) { k in
            Result { () throws(DescriptorError) -> Prepared in
                try prepare(
                    structures[k], index: k, centers: centers?[k], attach: attach, gradients: gradients, list: lists?[k],
                    threads: listThreads)
            }
        }
        var prepared = [Prepared]()
        for r in results { prepared.append(try r.get()) }
        return prepared
    }

    /// Rows (and derivatives) of structures made ready by `prepareAll` (with `gradients` as given there).
    /// `sparseBlocks` stores each derivative block in its pattern's features (with rank-one terms when the
    /// layout normalises); otherwise, and for averaged rows, blocks are dense. With a `sink` (rows not averaged)
    /// no block is stored: each is handed over, dense, as soon as its center is done. With `rowsInto` (room for every
    /// row) the rows are written there instead, and the returned rows hold no values.
    /// Under `mu1nu1` compression each center's row comes straight from its coefficients, and its blocks and strain
    /// rows are formed uncompressed in the worker's workspace and contracted into place at once (blocks dense).
    func compute(
        _ prepared: [Prepared], gradients: Bool, strain: Bool, threads: Int, sparseBlocks: Bool = true,
        sink: DerivativeBlockSink? = nil, rowsInto: UnsafeMutablePointer<Double>? = nil
    ) -> (rows: DescriptorRows, derivatives: SparseDerivatives) {
        precondition(sink == nil || (gradients && average == .off), "blocks are handed over for gradients of centers")
        let D = numberOfFeatures
        let sparse = sparseBlocks && gradients && average == .off && sink == nil && contraction == nil
        // Work items and where their rows and blocks land: chunks of centers, or whole averaged structures.
        var items = [WorkItem]()
        var rowCount = 0, blockCount = 0
        var rowStructure = [Int](), rowCenter = [Int](), blockRow = [Int](), blockAtom = [Int]()
        var blockPattern = [Int32](), blockStart = [Int](), stored = 0
        for p in prepared {
            let rows = average == .off ? p.centers.count : 1
            let chunk = average == .off ? 16 : 1
            for start in stride(from: 0, to: rows, by: chunk) {
                let end = min(start + chunk, rows)
                let blocks = gradients ? p.blockAtoms[start..<end].reduce(0) { $0 + $1.count } : 0
                items.append(
                    WorkItem(
                        structure: p.index, centers: average == .off ? start..<end : 0..<p.centers.count,
                        firstRow: rowCount + start, firstBlock: blockCount))
                blockCount += blocks
            }
            for r in 0..<rows {
                rowStructure.append(p.index)
                rowCenter.append(average == .off ? p.centers[r].atom ?? -1 : -1)
                if gradients && sink == nil {
                    blockRow += repeatElement(rowCount + r, count: p.blockAtoms[r].count)
                    blockAtom += p.blockAtoms[r]
                }
                if sparse {
                    for pattern in p.blockPatterns[r] {
                        blockPattern.append(Int32(pattern))
                        blockStart.append(stored)
                        stored += engine.storedLength(pattern: pattern)
                    }
                }
            }
            rowCount += rows
        }
        if sparse { blockStart.append(stored) } else if sink == nil { stored = blockCount * 3 * D }

        var rows = DescriptorRows(featureCount: D)
        var derivatives = SparseDerivatives(featureCount: D, strain: strain)
        let totalBlocks = blockCount, totalRows = rowCount, work = items, totalStored = stored
        let rankOne = sparse && engine.normalise
        var coefficients = [Double]()
        let values = LargeArrays.uninitialised(rowsInto == nil ? totalRows * D : 0) { own in
            let q = rowsInto ?? own
            derivatives.values = LargeArrays.uninitialised(totalStored) { g in
                coefficients = LargeArrays.uninitialised(rankOne ? totalBlocks * 3 : 0) { c in
                    let strainValues = LargeArrays.uninitialised(strain ? totalRows * 9 * D : 0) { e in
                        let out = OutputBuffers(
                            q: q, g: g, blockStart: sparse ? blockStart : nil, rankOne: rankOne ? c : nil,
                            e: strain ? e : nil, sink: sink)
                        Parallel.forEachRange(work.count, threads: threads) { range in
                            let ws = workspaces.take {
                                Workspace(channels: engine.channels, nMax: engine.nMax, lMax: engine.lMax)
                            }
                            defer { workspaces.give(ws) }
                            for k in range {
                                let item = work[k]
                                let p = prepared[item.structure]
                                ws.prepare(atoms: p.structure.count)
                                if average == .off {
                                    centerRows(p, item: item, workspace: ws, gradients: gradients, strain: strain, out: out)
                                } else {
                                    averagedRow(p, item: item, workspace: ws, gradients: gradients, strain: strain, out: out)
                                }
                            }
                        }
                    }
                    if strain { derivatives.strain = strainValues }
                }
            }
        }
        rows.values = values
        rows.structure = rowStructure
        rows.center = rowCenter
        derivatives.row = blockRow
        derivatives.atom = blockAtom
        if sparse {
            derivatives.patterns = engine.patterns
            derivatives.pattern = blockPattern
            derivatives.start = blockStart
            // The vectors of the rank-one terms are the normalised rows themselves (shared, not copied).
            if rankOne { derivatives.rankOne = SparseDerivatives.RankOne(coefficients: coefficients, vectors: rows.values) }
        }
        return (rows, derivatives)
    }

    /// One row per center, written straight into the output.
    private func centerRows(
        _ p: Prepared, item: WorkItem, workspace ws: Workspace, gradients: Bool, strain: Bool, out: OutputBuffers
    ) {
        let D = numberOfFeatures
        var block = item.firstBlock
        for (offset, c) in item.centers.enumerated() {
            let row = item.firstRow + offset
            let sparse = out.blockStart != nil
            engine.expand(
                center: p.centers[c], list: p.list, speciesOf: p.speciesOf, densityScales: p.densityScales, workspace: ws,
                mode: gradients ? .gradients(strain: strain, reference: nil, sparse: sparse) : .values)
            let q = out.q + row * D
            if let contraction {
                contractedCenter(p, c, row: row, firstBlock: block, contraction, workspace: ws, gradients: gradients, out: out)
                block += gradients ? ws.slotAtoms.count : 0
                continue
            }
            let norm = engine.powerSpectrum(ws, into: q)
            guard gradients else { continue }
            assert(ws.slotAtoms == p.blockAtoms[c], "slot order must match the planned output")
            let strainRows = out.e.map { $0 + row * 9 * D }
            let output: SOAPEngine.GradientOutput
            if let sink = out.sink {
                // Each block formed in the caller's place for it; one the caller does not take in the workspace's room
                // for it.
                let blocks = ws.denseBlocks(count: ws.slotAtoms.count * 3 * D)
                let targets = ws.slotTargets(ws.slotAtoms.count)
                targets[0] = blocks  // a valid first address even for a center without slots
                for (k, atom) in ws.slotAtoms.enumerated() { targets[k] = sink(p.index, c, atom) ?? blocks + k * 3 * D }
                engine.powerSpectrumGradients(
                    ws, output: .denseSlots(targets), strain: strainRows, descriptor: q, norm: norm)
                continue
            } else if let start = out.blockStart {
                assert(ws.slotPatterns == p.blockPatterns[c], "slot patterns must match the planned output")
                output = .sparse(out.g + start[block], rankOne: out.rankOne.map { $0 + 3 * block })
            } else {
                output = .dense(out.g + block * 3 * D)
            }
            engine.powerSpectrumGradients(ws, output: output, strain: strainRows, descriptor: q, norm: norm)
            block += ws.slotAtoms.count
        }
    }

    /// The row (and blocks, strain rows) of center `c`, expanded in `ws`, under `contraction`: the row straight from
    /// the coefficients (`SOAPEngine.mu1nu1`), the blocks and strain rows formed uncompressed in the workspace, then
    /// contracted into the output (a block the sink does not take is dropped).
    private func contractedCenter(
        _ p: Prepared, _ c: Int, row: Int, firstBlock: Int, _ contraction: PowerSpectrumContraction, workspace ws: Workspace,
        gradients: Bool, out: OutputBuffers
    ) {
        let D = numberOfFeatures, E = engine.layout.length
        // Marks the species with density, which the gradients read.
        engine.mu1nu1(ws, into: out.q + row * D)
        guard gradients else { return }
        let slots = ws.slotAtoms.count
        let scratch = ws.denseBlocks(count: (3 * slots + (out.e == nil ? 0 : 9)) * E)
        let strainE = out.e == nil ? nil : scratch + 3 * slots * E
        assert(ws.slotAtoms == p.blockAtoms[c], "slot order must match the planned output")
        let targets = ws.slotTargets(slots)
        targets[0] = scratch  // a valid first address even for a center without slots
        for k in 0..<slots { targets[k] = scratch + k * 3 * E }
        // DScribe's layout does not normalise: the gradients need neither the uncompressed row nor its norm.
        engine.powerSpectrumGradients(ws, output: .denseSlots(targets), strain: strainE, descriptor: nil, norm: 0)
        for (k, atom) in ws.slotAtoms.enumerated() {
            let destination = if let sink = out.sink { sink(p.index, c, atom) } else { out.g + (firstBlock + k) * 3 * D }
            if let destination { contraction.apply(targets[k], stride: E, count: 3, into: destination) }
        }
        if let strainE, let e = out.e { contraction.apply(strainE, stride: E, count: 9, into: e + row * 9 * D) }
    }

    /// One row for the whole structure: the average over its centers (inner or outer).
    private func averagedRow(
        _ p: Prepared, item: WorkItem, workspace ws: Workspace, gradients: Bool, strain: Bool, out: OutputBuffers
    ) {
        let D = numberOfFeatures
        let q = out.q + item.firstRow * D, g = out.g + item.firstBlock * 3 * D
        let e = out.e.map { $0 + item.firstRow * 9 * D }
        guard let contraction else {
            averagedRow(p, workspace: ws, gradients: gradients, strain: strain, q: q, g: g, e: e)
            return
        }
        // Formed uncompressed, then contracted.
        let E = engine.layout.length, atoms = gradients ? p.blockAtoms[0].count : 0
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: (1 + 3 * atoms + 9) * E)
        defer { scratch.deallocate() }
        let blocksE = scratch + E, strainE = scratch + (1 + 3 * atoms) * E
        averagedRow(p, workspace: ws, gradients: gradients, strain: strain, q: scratch, g: blocksE, e: e == nil ? nil : strainE)
        contraction.apply(scratch, stride: E, count: 1, into: q)
        contraction.apply(blocksE, stride: E, count: 3 * atoms, into: g)
        if let e { contraction.apply(strainE, stride: E, count: 9, into: e) }
    }

    /// `averagedRow(_:item:workspace:gradients:strain:out:)` in the engine's layout, into the row `q`, the blocks `g`
    /// (3 rows per atom that moves it) and the strain rows `e`.
    private func averagedRow(
        _ p: Prepared, workspace ws: Workspace, gradients: Bool, strain: Bool, q: UnsafeMutablePointer<Double>,
        g: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>?
    ) {
        let D = engine.layout.length
        let lmK = (engine.lMax + 1) * (engine.lMax + 1) * engine.channels
        let count = Double(max(p.centers.count, 1))
        q.update(repeating: 0, count: D)
        let atoms = gradients ? p.blockAtoms[0] : []
        let slotOf = Dictionary(uniqueKeysWithValues: atoms.enumerated().map { ($1, $0) })
        if gradients { g.update(repeating: 0, count: atoms.count * 3 * D) }
        e?.update(repeating: 0, count: 9 * D)
        var scratch = [Double](), strainScratch = [Double](repeating: 0, count: strain ? 9 * D : 0)

        /// Adds this center's gradients, divided by the center count, to the structure's blocks.
        func accumulate(normalisedBy qc: UnsafePointer<Double>?, norm: Double) {
            let blocks = ws.slotAtoms.count
            if scratch.count < max(blocks, 1) * 3 * D { scratch = [Double](repeating: 0, count: max(blocks, 1) * 3 * D) }
            scratch.withUnsafeMutableBufferPointer { s in
                strainScratch.withUnsafeMutableBufferPointer { t in
                    engine.powerSpectrumGradients(
                        ws, output: .dense(s.baseAddress!), strain: strain ? t.baseAddress! : nil, descriptor: qc, norm: norm)
                    for (k, atom) in ws.slotAtoms.enumerated() {
                        let target = g + slotOf[atom]! * 3 * D, source = s.baseAddress! + k * 3 * D
                        for c in 0..<(3 * D) { target[c] += source[c] / count }
                    }
                    if let e { for c in 0..<(9 * D) { e[c] += t[c] / count } }
                }
            }
        }

        switch average {
        case .inner:
            var mean = [Double](repeating: 0, count: lmK)
            for center in p.centers {
                engine.expand(
                    center: center, list: p.list, speciesOf: p.speciesOf, densityScales: p.densityScales, workspace: ws,
                    mode: .values)
                for k in 0..<lmK { mean[k] += ws.coefficients[k] / count }
            }
            ws.coefficients.update(from: mean, count: lmK)
            let norm = engine.powerSpectrum(ws, into: q)
            guard gradients else { return }
            // Densities on fixed centers that jump off them (w0 ≠ w(0)): per atom, the reference's shift and ∂X̄[l = 0].
            let jumps = engine.centerWeightJumps, K = engine.channels
            var shift = [Double](repeating: 0, count: jumps ? atoms.count * K : 0)
            var monopole = [Double](repeating: 0, count: jumps ? atoms.count * 3 * K : 0)
            if jumps {
                // A species without density in X̄ may have some in X̄ + Δ_j: every species pair's gradients are formed.
                ws.speciesPresent.update(repeating: true, count: engine.species.count)
            }
            mean.withUnsafeBufferPointer { reference in
                for center in p.centers {
                    engine.expand(
                        center: center, list: p.list, speciesOf: p.speciesOf, densityScales: p.densityScales, workspace: ws,
                        mode: .gradients(strain: strain, reference: reference.baseAddress!, sparse: false))
                    accumulate(normalisedBy: nil, norm: 0)
                    guard jumps else { continue }
                    shift.withUnsafeMutableBufferPointer { s in
                        engine.addCenterWeightJumps(
                            ws, densityScales: p.densityScales, factor: 1 / count, to: { s.baseAddress! + slotOf[$0]! * K })
                    }
                    monopole.withUnsafeMutableBufferPointer { d in
                        engine.addMonopoleGradients(ws, factor: 1 / count, to: { d.baseAddress! + slotOf[$0]! * 3 * K })
                    }
                }
            }
            if jumps {
                shift.withUnsafeBufferPointer { s in
                    monopole.withUnsafeBufferPointer { d in
                        for k in atoms.indices where s[(k * K)..<((k + 1) * K)].contains(where: { $0 != 0 }) {
                            engine.addReferenceShift(
                                s.baseAddress! + k * K, monopoleGradients: d.baseAddress! + k * 3 * K, to: g + k * 3 * D)
                        }
                    }
                }
            }
            // (Only DScribe's layout, never normalised, has fixed centers: QUIP's refuses them.)
            engine.normaliseGradients(g, count: atoms.count * 3, descriptor: q, norm: norm)
            if let e { engine.normaliseGradients(e, count: 9, descriptor: q, norm: norm) }
        case .outer, .off:
            var qc = [Double](repeating: 0, count: D)
            for center in p.centers {
                engine.expand(
                    center: center, list: p.list, speciesOf: p.speciesOf, densityScales: p.densityScales, workspace: ws,
                    mode: gradients ? .gradients(strain: strain, reference: nil, sparse: false) : .values)
                qc.withUnsafeMutableBufferPointer { c in
                    let norm = engine.powerSpectrum(ws, into: c.baseAddress!)
                    for k in 0..<D { q[k] += c[k] / count }
                    if gradients { accumulate(normalisedBy: c.baseAddress!, norm: norm) }
                }
            }
        }
    }
}

/// The output arrays, filled concurrently by workers writing disjoint ranges.
final class OutputBuffers: @unchecked Sendable {
    /// Descriptor rows.
    let q: UnsafeMutablePointer<Double>
    /// Derivative blocks.
    let g: UnsafeMutablePointer<Double>
    /// In sparse storage, where each block starts in `g` (else blocks are dense, 3 × D each).
    let blockStart: [Int]?
    /// In sparse storage of a normalised layout, three rank-one coefficients per block.
    let rankOne: UnsafeMutablePointer<Double>?
    /// Strain derivatives per row, when requested.
    let e: UnsafeMutablePointer<Double>?
    /// Where derivative blocks go instead of `g`, when the caller takes them as they are computed.
    let sink: DerivativeBlockSink?

    init(
        q: UnsafeMutablePointer<Double>, g: UnsafeMutablePointer<Double>, blockStart: [Int]?,
        rankOne: UnsafeMutablePointer<Double>?, e: UnsafeMutablePointer<Double>?, sink: DerivativeBlockSink?
    ) {
        self.q = q
        self.g = g
        self.blockStart = blockStart
        self.rankOne = rankOne
        self.e = e
        self.sink = sink
    }
}
