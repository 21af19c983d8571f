import Atoms
import Support

extension ACSF {
    /// A structure made ready: the species index of each atom, the centers and their neighbors within r_c.
    struct Prepared: Sendable {
        let speciesOf: [Int]
        let centers: [Int]
        let list: NeighborList
    }

    /// Some consecutive rows of one structure, with their derivative blocks when asked for.
    struct Chunk: Sendable {
        /// The rows, one after another.
        var values: [Double]
        /// Per block, its row within the chunk and its atom.
        var blockRow: [Int] = []
        var blockAtom: [Int] = []
        /// The 3 × D blocks, one after another.
        var blocks: [Double] = []
    }

    /// Centers handled by one unit of parallel work.
    private static let chunkSize = 32

    /// Rows (and derivatives) of `structures` at `centers` (nil: every atom).
    func compute(
        _ structures: [Structure], centers: [[Int]]?, gradients: Bool, threads: Int
    ) throws(DescriptorError) -> (rows: DescriptorRows, derivatives: SparseDerivatives) {
        if let centers, centers.count != structures.count {
            throw .invalidSetting(
                name: "centers", value: "\(centers.count) lists",
                hint: "give one list of centers per structure (\(structures.count))")
        }
        let listThreads = Parallel.threadsEach(of: structures.count, sharing: threads)
        let ready = Parallel.map(structures.count, threads: threads) { k in
            Result { () throws(DescriptorError) in
                try prepare(structures[k], index: k, centers: centers?[k], threads: listThreads)
            }
        }
        var structuresReady = [Prepared]()
        for r in ready { structuresReady.append(try r.get()) }
        let prepared = structuresReady
        let items = prepared.indices.flatMap { s in
            stride(from: 0, to: prepared[s].centers.count, by: Self.chunkSize).map { start in
                (structure: s, centers: start..<min(start + Self.chunkSize, prepared[s].centers.count))
            }
        }
        let chunks = Parallel.map(items.count, threads: threads) { k in
            evaluate(prepared[items[k].structure], centers: items[k].centers, gradients: gradients)
        }
        let D = numberOfFeatures
        var rows = DescriptorRows(featureCount: D)
        var derivatives = SparseDerivatives(featureCount: D, strain: false)
        for (item, chunk) in zip(items, chunks) {
            let firstRow = rows.count
            rows.values += chunk.values
            rows.structure += repeatElement(item.structure, count: item.centers.count)
            rows.center += prepared[item.structure].centers[item.centers]
            derivatives.row += chunk.blockRow.map { firstRow + $0 }
            derivatives.atom += chunk.blockAtom
            derivatives.values += chunk.blocks
        }
        return (rows, derivatives)
    }

    /// Species indices, checked centers and the neighbor list of structure `index` (searched on `threads` workers).
    private func prepare(_ s: Structure, index: Int, centers: [Int]?, threads: Int) throws(DescriptorError) -> Prepared {
        var s = s
        if !periodic {
            s.pbc = .none
            s.cell = .empty
        }
        var indexOf = [Int: Int]()
        for (k, z) in species.enumerated() { indexOf[z] = k }
        var speciesOf = [Int]()
        speciesOf.reserveCapacity(s.count)
        for (atom, z) in s.atomicNumbers.enumerated() {
            guard let k = indexOf[z] else {
                throw .unknownSpecies(structure: index, atom: atom, atomicNumber: z, known: species)
            }
            speciesOf.append(k)
        }
        let centers = centers ?? Array(0..<s.count)
        for i in centers where !(0..<s.count).contains(i) {
            throw .invalidCenter(structure: index, center: i, atoms: s.count)
        }
        let list: NeighborList
        do {
            // Only the centers' pairs: a few centers in a large structure need not list every atom.
            list = try NeighborList(s, cutoff: cutoff, centers: centers.count < s.count ? centers : nil, threads: threads)
        } catch {
            throw .geometry(structure: index, error)
        }
        for i in centers {
            for p in list.pairs(of: i) where list.distances[p] == 0 {
                let j = Int(list.neighbors[p])
                throw .overlappingAtoms(structure: index, first: min(i, j), second: max(i, j))
            }
        }
        return Prepared(speciesOf: speciesOf, centers: centers, list: list)
    }

    /// The rows of `centers` (positions in `p.centers`) and, with `gradients`, their blocks: the center's
    /// first, then one per other atom within r_c in order of first appearance.
    private func evaluate(_ p: Prepared, centers: Range<Int>, gradients: Bool) -> Chunk {
        let D = numberOfFeatures
        var chunk = Chunk(values: [Double](repeating: 0, count: centers.count * D))
        let ws = ACSFWorkspace(atoms: p.speciesOf.count, species: species.count, terms: terms)
        for (row, c) in centers.enumerated() {
            ws.gather(center: p.centers[c], list: p.list, speciesOf: p.speciesOf, terms: terms, gradients: gradients)
            let firstBlock = chunk.blocks.count
            if gradients {
                chunk.blockRow += repeatElement(row, count: ws.slotAtoms.count)
                chunk.blockAtom += ws.slotAtoms
                chunk.blocks += repeatElement(0, count: ws.slotAtoms.count * 3 * D)
            }
            chunk.values.withUnsafeMutableBufferPointer { values in
                chunk.blocks.withUnsafeMutableBufferPointer { blocks in
                    describe(ws, row: values.baseAddress! + row * D, blocks: gradients ? blocks.baseAddress! + firstBlock : nil)
                }
            }
        }
        return chunk
    }

    /// Adds the gathered center's functions to `row` and, when `blocks` is given (one zeroed 3 × D block per
    /// slot), their derivatives. Moving the center or any of its images moves every neighbor vector at once, and
    /// the row is invariant under translation, so the center's block is minus the sum of the others; a neighbor
    /// that is an image of the center itself moves with it and adds no block of its own.
    private func describe(_ ws: ACSFWorkspace, row: UnsafeMutablePointer<Double>, blocks: UnsafeMutablePointer<Double>?) {
        let D = numberOfFeatures, S = species.count
        let rows = ws.rows, start = ws.speciesStart, slots = ws.slots
        func neighbors(_ s: Int) -> Range<Int> { start[s]..<start[s + 1] }
        /// The block of neighbor `k`, nil for an image of the center or without derivatives.
        func block(_ k: Int) -> UnsafeMutablePointer<Double>? {
            guard let blocks, slots[k] > 0 else { return nil }
            return blocks + slots[k] * 3 * D
        }
        for s in 0..<S {
            let offset = s * terms.radialCount
            for k in neighbors(s) {
                terms.addRadial(
                    r: rows.distances[k], d: SIMD3(rows.x[k], rows.y[k], rows.z[k]), fc: rows.cutoffs[k],
                    slopeOverR: rows.slopes[k],
                    row: row + offset, block: block(k).map { $0 + offset }, stride: D)
            }
        }
        if terms.angularCount > 0 {
            for a in 0..<S {
                for b in 0...a {
                    let offset = angularOffset(a, b)
                    for j in neighbors(a) {
                        let partners = a == b ? neighbors(b).lowerBound..<j : neighbors(b)
                        guard !partners.isEmpty else { continue }
                        terms.angular.add(
                            rows, j: j, partners: partners, jSpecies: a, partnerSpecies: b,
                            row: row + offset, gradients: blocks != nil)
                    }
                }
            }
            // Each neighbor's angular gradient sums, per partner species present, into its block.
            if blocks != nil {
                for b in 0..<S {
                    for k in neighbors(b) {
                        guard let block = block(k) else { continue }
                        for a in 0..<S where !neighbors(a).isEmpty {
                            addAngularGradients(rows, neighbor: k, partner: a, to: block + angularOffset(a, b), stride: D)
                        }
                    }
                }
            }
        }
        guard let blocks else { return }
        for slot in 1..<ws.slotAtoms.count {
            let source = blocks + slot * 3 * D
            for f in 0..<(3 * D) { blocks[f] -= source[f] }
        }
    }

    /// Adds neighbor `k`'s angular gradient sums over pairs with partner species `partner` to its block (offset to
    /// the species pair's first feature; rows x, y, z `stride` apart).
    private func addAngularGradients(
        _ rows: ACSFRows, neighbor k: Int, partner: Int, to block: UnsafeMutablePointer<Double>, stride: Int
    ) {
        for axis in 0..<3 {
            for m in 0..<terms.angularCount {
                block[axis * stride + m] += rows.gradients(axis: axis, partner: partner, function: m)[k]
            }
        }
    }
}
