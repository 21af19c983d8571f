import Atoms
import CLapack

/// The one SOAP core both layouts share: density expansion X^l[m, s·n_max + n] per center, its
/// derivatives with respect to atom positions (and, on request, homogeneous strain), and the power
/// spectrum with its gradients mapped through a `PowerSpectrumLayout`.
struct SOAPEngine: Sendable {
    let basis: RadialBasis
    let harmonics: SphericalHarmonics
    /// Density channels: the species in channel order.
    let species: [Int]
    let weight: NeighborWeight
    /// Weight of the center atom's own Gaussian.
    let centerWeight: Double
    /// QUIP's `central_reference_all_species`: the center's own Gaussian goes into every species channel, not
    /// only its element's.
    let centerInAllChannels: Bool
    let layout: PowerSpectrumLayout
    let normalise: Bool
    /// How a density sitting on a fixed center changes when its atom moves.
    let displacement: CenterDisplacement
    /// Feature patterns of derivative blocks: 0 is every feature (0..<layout.length); with several species,
    /// 1 + s is the features of the species pairs containing species s (the only ones a neighbor of species s
    /// changes: its position moves its own channels alone).
    let patterns: [[Range<Int>]]
    /// Per pattern, how its features are read from the gradient products (pattern 0 from every row).
    let gathers: [FeatureGather]
    /// With several species, per species s, how every feature is read from products filled in the rows of s
    /// alone (the block of a slot of pattern 0: an atom moves only its own species' channels).
    let speciesGathers: [FeatureGather]

    init(
        basis: RadialBasis, harmonics: SphericalHarmonics, species: [Int], weight: NeighborWeight, centerWeight: Double,
        centerInAllChannels: Bool, layout: PowerSpectrumLayout, normalise: Bool
    ) {
        self.basis = basis
        self.harmonics = harmonics
        self.species = species
        self.weight = weight
        self.centerWeight = centerWeight
        self.centerInAllChannels = centerInAllChannels
        self.layout = layout
        self.normalise = normalise
        displacement = CenterDisplacement(basis: basis, harmonics: harmonics, weight: weight)
        var patterns = [[0..<layout.length]]
        if species.count > 1 {
            for s in 0..<species.count {
                let touching = layout.features.indices.filter {
                    Int(layout.features[$0].ia) / basis.nMax == s || Int(layout.features[$0].jb) / basis.nMax == s
                }
                patterns.append(Self.ranges(of: touching))
            }
        }
        self.patterns = patterns
        let K = species.count * basis.nMax, stride = Lanes.padded(K), zeroEntry = (basis.lMax + 1) * K * stride
        func rows(ofSpecies s: Int) -> Range<Int> { (s * basis.nMax)..<((s + 1) * basis.nMax) }
        func gather(_ ranges: [Range<Int>], rows: Range<Int>) -> FeatureGather {
            FeatureGather(layout: layout, ranges: ranges, rows: rows, channels: K, rowStride: stride, zeroEntry: zeroEntry)
        }
        gathers = patterns.enumerated().map { p, ranges in gather(ranges, rows: p == 0 ? 0..<K : rows(ofSpecies: p - 1)) }
        speciesGathers = species.count > 1 ? species.indices.map { gather(patterns[0], rows: rows(ofSpecies: $0)) } : []
    }

    /// The increasing `indices` as maximal ranges of consecutive values.
    private static func ranges(of indices: [Int]) -> [Range<Int>] {
        var out = [Range<Int>]()
        for k in indices {
            if let last = out.last, last.upperBound == k {
                out[out.count - 1] = last.lowerBound..<(k + 1)
            } else {
                out.append(k..<(k + 1))
            }
        }
        return out
    }

    /// The pattern of the derivative block of an atom in channel species `s` that is not the center's.
    @inline(__always)
    func pattern(ofSpecies s: Int) -> Int { species.count > 1 ? s + 1 : 0 }

    /// Values stored for a derivative block of `pattern`: three rows of its features.
    func storedLength(pattern: Int) -> Int { 3 * gathers[pattern].scale.count }

    /// Where an expansion is centered and what moves it.
    struct Center: Sendable {
        /// The neighbor-list entry whose pairs are the neighbors: an atom, or a ghost placed at a point.
        let site: Int
        /// The atom whose own density sits on the center; nil at a point (an atom found exactly there is a
        /// neighbor at r = 0).
        let atom: Int?
        /// The center moves with `atom` (DScribe's attach): the atom's block is minus the sum of the others,
        /// and its periodic images keep their place relative to it. Otherwise the center stays put.
        let attached: Bool

        /// The center of atom `i`, moving with it.
        static func attached(_ i: Int) -> Center { Center(site: i, atom: i, attached: true) }
    }

    var nMax: Int { basis.nMax }
    var lMax: Int { basis.lMax }
    /// Channels: species × n_max.
    var channels: Int { species.count * basis.nMax }

    /// Channel species of every atom, or the first atom whose element is not a channel. The species
    /// list [0] (QUIP's default) puts every atom in channel 0.
    func speciesIndices(_ s: Structure, structure index: Int) throws(DescriptorError) -> [Int32] {
        if species == [0] { return [Int32](repeating: 0, count: s.count) }
        var map = [Int: Int32]()
        for (k, z) in species.enumerated() { map[z] = Int32(k) }
        var out = [Int32]()
        out.reserveCapacity(s.count)
        for (atom, z) in s.atomicNumbers.enumerated() {
            guard let k = map[z] else {
                throw .unknownSpecies(structure: index, atom: atom, atomicNumber: z, known: species)
            }
            out.append(k)
        }
        return out
    }

    /// True when a neighbor at distance r adds to the density (r = 0, on the center, is handled apart).
    @inline(__always)
    func contributes(_ r: Double) -> Bool {
        guard r > 0, r < basis.range else { return false }
        let (w, dw) = weight(r)
        return w != 0 || dw != 0
    }

    /// The atoms whose positions move the descriptor of `center`, in the order `expand` gives them
    /// slots: the center's atom, then each other atom at its first contributing pair (ghosts, whose
    /// `speciesOf` is −1, never).
    func slotAtoms(center: Center, list: NeighborList, speciesOf: [Int32]) -> [Int] {
        var atoms = center.atom.map { [$0] } ?? []
        for p in list.pairs(of: center.site) {
            let r = list.distances[p], j = Int(list.neighbors[p])
            guard speciesOf[j] >= 0, r == 0 || contributes(r) else { continue }
            if !atoms.contains(j) { atoms.append(j) }
        }
        return atoms
    }

    /// What `expand` prepares besides the density coefficients.
    enum ExpansionMode {
        /// Coefficients only.
        case values
        /// Each pair's factors and an atom slot for each atom that moves the center, for
        /// `powerSpectrumGradients` (with strain: its strain derivatives too); `reference` replaces X in the
        /// gradient products (inner averaging pairs each center's ∂X with the mean X). `sparse` gives each
        /// neighbor's slot the pattern of its species, else every slot has pattern 0.
        case gradients(strain: Bool, reference: UnsafePointer<Double>?, sparse: Bool)
        /// Each pair's radial and angular factors, for `backPropagate`.
        case backPropagation
    }

    /// Expands the density around `center` into `ws.coefficients`; see `ExpansionMode` for what else.
    /// Neighbors whose `speciesOf` is −1 (ghosts at point centers) are skipped.
    ///
    /// With gradients or back-propagation, every contributing pair's radial factors A = w f, B = (w f)′ and
    /// harmonics (with gradients) are cached; with gradients, each atom that moves the center gets a slot, in the
    /// order of the output blocks (an attached center's own slot gets no pairs: its gradient is minus the sum of
    /// the others, see `powerSpectrumGradients`). A density on a fixed center (its atom's, or an atom's at
    /// r = 0) enters as one more pair with the factors of `CenterDisplacement`.
    func expand(
        center: Center, list: NeighborList, speciesOf: [Int32], workspace ws: Workspace, mode: ExpansionMode
    ) {
        let K = channels, nMax = self.nMax, lMax = self.lMax
        let lmCount = (lMax + 1) * (lMax + 1), lnCount = (lMax + 1) * nMax
        let X = ws.coefficients
        X.update(repeating: 0, count: lmCount * K)
        // The center atom's own Gaussian (l = m = 0).
        if let i = center.atom {
            for channel in centerInAllChannels ? 0..<species.count : Int(speciesOf[i])..<Int(speciesOf[i]) + 1 {
                addDensityOnCenter(channel: channel, to: X)
            }
        }

        let range = list.pairs(of: center.site)
        var slots = false, cache = false, strain = false, sparse = false
        var reference: UnsafePointer<Double>? = nil
        switch mode {
        case .values: break
        case let .gradients(withStrain, mean, sparseBlocks):
            slots = true
            sparse = sparseBlocks
            cache = true
            strain = withStrain
            reference = mean
            ws.beginCenter(
                atom: center.atom, column: center.atom.map { Int(speciesOf[$0]) * nMax } ?? 0, attached: center.attached,
                maxPairs: range.count + 1, strain: strain)
        case .backPropagation:
            cache = true
            ws.beginPairs(range.count + 1)
        }
        let radial = ws.radial, dRadial = ws.dRadial
        // Pair rows: the neighbors of each channel in a block of their own, in list order (a block's rows give
        // X's columns of that channel by one matrix product per l), then the displacements of a fixed center.
        let S = species.count
        var blockStart = [Int](repeating: 0, count: S + 1)
        for p in range where list.distances[p] > 0 {
            let channel = Int(speciesOf[Int(list.neighbors[p])])
            if channel >= 0 { blockStart[channel + 1] += 1 }
        }
        for c in 0..<S { blockStart[c + 1] += blockStart[c] }
        var blockEnd = Array(blockStart.prefix(S))
        var displaced = blockStart[S]
        if !cache { ws.beginPairs(blockStart[S]) }
        // Each pair's unit vector (and inverse distance) goes to `pairUnits`; the harmonics of all pairs are computed
        // at once after the loop, lm-major (Y_lm of row p at lm · capacity + p).
        let capacity = ws.capacityPairs
        let ux = ws.pairUnits, uy = ux + capacity, uz = uy + capacity, inverseR = uz + capacity
        if cache, let i = center.atom, !center.attached {
            let slot = slots ? ws.slot(of: i, pattern: 0, column: Int(speciesOf[i]) * nMax) : -1
            cacheDisplacement(atom: i, column: Int(speciesOf[i]) * nMax, index: displaced, slot: slot, workspace: ws)
            displaced += 1
        }
        for p in range {
            let r = list.distances[p]
            let j = Int(list.neighbors[p])
            let channel = Int(speciesOf[j])
            guard channel >= 0 else { continue }
            if r == 0 {
                // An atom exactly on the center: its density counts as the center's own (DScribe's w0).
                addDensityOnCenter(channel: channel, to: X)
                if cache {
                    let slot =
                        slots ? ws.slot(of: j, pattern: sparse ? pattern(ofSpecies: channel) : 0, column: channel * nMax) : -1
                    cacheDisplacement(atom: j, column: channel * nMax, index: displaced, slot: slot, workspace: ws)
                    displaced += 1
                }
                continue
            }
            guard contributes(r) else { continue }
            let (w, dw) = weight(r)
            let d = list.vectors[p]
            let u = d / r
            let column = channel * nMax
            let row = blockEnd[channel]
            blockEnd[channel] += 1
            (ux[row], uy[row], uz[row], inverseR[row]) = (u.x, u.y, u.z, 1 / r)
            guard cache else {
                // Values only: the radial factors row by row (the spline writes a pair's functions together, and
                // only the matrix product reads them).
                let A = ws.pairA + row * lnCount
                basis.spline.evaluate(r, values: A)
                for k in 0..<lnCount { A[k] *= w }
                continue
            }
            // The radial factors, ln-major like the harmonics (A_ln of row p at ln · capacity + p).
            let A = ws.pairA + row
            // Keep this pair's angular and radial factors for the second pass.
            basis.spline.evaluate(r, values: radial, derivatives: dRadial)
            let B = ws.pairB + row
            for k in 0..<lnCount {
                A[k * capacity] = radial[k] * w
                B[k * capacity] = dw * radial[k] + w * dRadial[k]
            }
            let moves = slots && !(center.attached && j == center.atom)
            let slot = moves ? ws.slot(of: j, pattern: sparse ? pattern(ofSpecies: channel) : 0, column: column) : -1
            ws.pairs[row] = Workspace.CachedPair(atom: j, slot: slot, column: column, vector: d, unit: u)
        }
        // Rows left between the channels' blocks (pairs that did not contribute) and past the last get a unit
        // vector too, since harmonics are computed a batch of rows at a time; the displacements' rows, written over
        // by the last batch, get their factors after it.
        let padded = Lanes.padded(blockStart[S])
        for c in 0..<S {
            for row in blockEnd[c]..<(c + 1 < S ? blockStart[c + 1] : padded) {
                (ux[row], uy[row], uz[row], inverseR[row]) = (0, 0, 1, 0)
            }
        }
        if cache {
            harmonics.valuesAndGradients(
                x: ux, y: uy, z: uz, inverseR: inverseR, count: blockStart[S], values: ws.pairHarmonics,
                gradients: ws.pairHarmonicGradients, stride: capacity)
            for row in blockStart[S]..<displaced { cacheDisplacementHarmonics(row: row, workspace: ws) }
        } else {
            harmonics.values(x: ux, y: uy, z: uz, count: blockStart[S], into: ws.pairHarmonics, stride: capacity)
        }
        for c in 0..<S {
            accumulate(ws, rows: blockStart[c]..<blockEnd[c], column: c * nMax, lnMajor: cache, into: X)
        }
        ws.cachedRows.removeAll(keepingCapacity: true)
        if cache {
            for c in 0..<S { ws.cachedRows.append(blockStart[c]..<blockEnd[c]) }
            ws.cachedRows.append(blockStart[S]..<displaced)
        }
        guard slots else { return }
        // The products read X (or the reference) with rows padded to whole vectors (the padding stays zero).
        let Kp = ws.rowStride, source = reference ?? UnsafePointer(X)
        for lm in 0..<lmCount { ws.paddedCoefficients.advanced(by: lm * Kp).update(from: source + lm * K, count: K) }
    }

    /// X_l[m, column + n] += Σ_rows Y_lm A_nl for every l: one matrix product per l over the pair rows `rows` of
    /// `ws.pairHarmonics` (Y, lm-major) and `ws.pairA` (A = w f_nl: ln-major with `lnMajor`, else a row per pair).
    private func accumulate(
        _ ws: Workspace, rows: Range<Int>, column: Int, lnMajor: Bool, into X: UnsafeMutablePointer<Double>
    ) {
        guard !rows.isEmpty else { return }
        let capacity = ws.capacityPairs, lnCount = (lMax + 1) * nMax
        for l in 0...lMax {
            let (order, A, ldA) =
                lnMajor
                ? (CblasTrans, ws.pairA + l * nMax * capacity + rows.lowerBound, capacity)
                : (CblasNoTrans, ws.pairA + rows.lowerBound * lnCount + l * nMax, lnCount)
            cblas_dgemm(
                CblasRowMajor, CblasNoTrans, order, Int32(2 * l + 1), Int32(nMax), Int32(rows.count), 1,
                ws.pairHarmonics + l * l * capacity + rows.lowerBound, Int32(capacity), A, Int32(ldA), 1,
                X + l * l * channels + column, Int32(channels))
        }
    }

    /// X[0, channel·n_max + n] += the center weight times the l = 0 coefficients of a density at r = 0.
    @inline(__always)
    private func addDensityOnCenter(channel: Int, to X: UnsafeMutablePointer<Double>) {
        for n in 0..<nMax { X[channel * nMax + n] += centerWeight * basis.centerCoefficients[n] }
    }

    /// Caches, as pair `index`, the displacement of `atom`'s density off a fixed center (`CenterDisplacement`);
    /// `slot` is the atom's slot (−1 without slots). Its harmonics follow, once the pairs' are computed
    /// (`cacheDisplacementHarmonics`).
    private func cacheDisplacement(atom: Int, column: Int, index: Int, slot: Int, workspace ws: Workspace) {
        let capacity = ws.capacityPairs
        for (k, a) in displacement.radial.enumerated() {
            ws.pairA[k * capacity + index] = a
            ws.pairB[k * capacity + index] = 0
        }
        ws.pairs[index] = Workspace.CachedPair(atom: atom, slot: slot, column: column, vector: .zero, unit: .zero)
    }

    /// The harmonic factors of a cached displacement in row `row` (lm-major): Y = 0, ∂Y from `CenterDisplacement`.
    private func cacheDisplacementHarmonics(row: Int, workspace ws: Workspace) {
        let capacity = ws.capacityPairs
        for (lm, g) in displacement.harmonicGradients.enumerated() {
            ws.pairHarmonics[lm * capacity + row] = 0
            for axis in 0..<3 { ws.pairHarmonicGradients[(3 * lm + axis) * capacity + row] = g[axis] }
        }
    }

    /// Adds the gradient products of cached pair `c` to the blocks of the slot being gathered (`toSlot`; with
    /// `assign`, = instead of +=) and, with strain, to the strain blocks. A pair's coefficient derivative is rank
    /// two in (m, channel), ∂X[m, n]/∂D_α = B_n Y_m û_α + A_n ∂_αY_m, so G = û_α B ⊗ (Yᵀ X) + A ⊗ (∂_αYᵀ X): no
    /// per-pair matrix products.
    private func addProducts(_ ws: Workspace, row c: Int, toSlot: Bool, assign: Bool, strain: Bool) {
        let Kp = ws.rowStride, vectors = Kp / Lanes.scalarCount, capacity = ws.capacityPairs
        let pair = ws.pairs[c]
        let X = UnsafePointer(ws.paddedCoefficients)
        let Y = ws.pairHarmonics + c, dY = ws.pairHarmonicGradients + c
        let A = ws.pairA + c, B = ws.pairB + c
        let v = ws.projection, wx = v + Kp, wy = v + 2 * Kp, wz = v + 3 * Kp
        for l in 0...lMax {
            // v = Yᵀ X_l, w_α = ∂_αYᵀ X_l (K each, padded).
            for k in Swift.stride(from: 0, to: Kp, by: Lanes.scalarCount) {
                var sv = Lanes(), sx = Lanes(), sy = Lanes(), sz = Lanes()
                for lm in (l * l)..<((l + 1) * (l + 1)) {
                    let x = Lanes(loading: X + lm * Kp + k)
                    sv += Y[lm * capacity] * x
                    sx += dY[3 * lm * capacity] * x
                    sy += dY[(3 * lm + 1) * capacity] * x
                    sz += dY[(3 * lm + 2) * capacity] * x
                }
                sv.store(to: v + k)
                sx.store(to: wx + k)
                sy.store(to: wy + k)
                sz.store(to: wz + k)
            }
            let a = A + l * nMax * capacity, b = B + l * nMax * capacity
            if toSlot {
                addOuterProducts(
                    ws, firstBlock: ws.slotBlocks, l: l, column: pair.column, a: a, b: b, unit: pair.unit, scale: 1,
                    assign: assign, vectors: vectors)
            }
            if strain {
                // ∂/∂ε_ab = D_a ∂/∂D_b: strain blocks 3a + b.
                for axis in 0..<3 {
                    addOuterProducts(
                        ws, firstBlock: 3 * axis, l: l, column: pair.column, a: a, b: b, unit: pair.unit,
                        scale: pair.vector[axis], assign: false, vectors: vectors)
                }
            }
        }
    }

    /// G_{firstBlock + α, l}[column + n][jb] += scale · (û_α B_n v[jb] + A_n w_α[jb]) for the three α (A_n at
    /// `a[n · ws.capacityPairs]`, B likewise; v and w_α in `ws.projection`, `vectors` vectors each); with
    /// `assign`, = instead of +=.
    @inline(__always)
    private func addOuterProducts(
        _ ws: Workspace, firstBlock: Int, l: Int, column: Int, a: UnsafeMutablePointer<Double>,
        b: UnsafeMutablePointer<Double>, unit: SIMD3<Double>, scale: Double, assign: Bool, vectors: Int
    ) {
        let Kp = ws.rowStride, capacity = ws.capacityPairs
        let v = ws.projection
        for alpha in 0..<3 {
            let w = ws.projection + (alpha + 1) * Kp
            var row = ws.gradientProducts(block: firstBlock + alpha, l: l) + column * Kp
            let ua = scale * unit[alpha]
            for n in 0..<nMax {
                let bn = ua * b[n * capacity], an = scale * a[n * capacity]
                for k in Swift.stride(from: 0, to: vectors * Lanes.scalarCount, by: Lanes.scalarCount) {
                    let product = bn * Lanes(loading: v + k) + an * Lanes(loading: w + k)
                    (assign ? product : Lanes(loading: row + k) + product).store(to: row + k)
                }
                row += Kp
            }
        }
    }

    /// The power spectrum of `ws.coefficients` in the layout's order, written to `out` (layout.length).
    /// Returns the norm before normalisation.
    @discardableResult
    func powerSpectrum(_ ws: Workspace, into out: UnsafeMutablePointer<Double>) -> Double {
        let K = channels
        let X = ws.coefficients
        let P = ws.products
        for l in 0...lMax {
            // P_l = X_lᵀ X_l, K × K, for the 2l + 1 rows of X_l.
            let rows = 2 * l + 1
            cblas_dgemm(
                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(K), Int32(K), Int32(rows), 1,
                X + l * l * K, Int32(K), X + l * l * K, Int32(K), 0, P + l * K * K, Int32(K))
        }
        var norm2 = 0.0
        layout.features.withUnsafeBufferPointer { features in
            for (k, f) in features.enumerated() {
                let v = f.scale * P[Int(f.l) * K * K + Int(f.ia) * K + Int(f.jb)]
                out[k] = v
                norm2 += v * v
            }
        }
        for k in layout.features.count..<layout.length { out[k] = 0 }
        let norm = norm2.squareRoot()
        if normalise && norm > 0 {
            let inverse = 1 / norm
            for k in 0..<layout.length { out[k] *= inverse }
        }
        return norm
    }

    /// Where `powerSpectrumGradients` writes the blocks of the atom slots.
    enum GradientOutput {
        /// One 3 × length block per slot, one after another: gradients of q̂ when the layout normalises.
        case dense(UnsafeMutablePointer<Double>)
        /// Each slot's block in the features of its pattern (x, y, z rows, see `SparseDerivatives`), one after
        /// another. When the layout normalises, a block holds ∂q/‖q‖ and `rankOne` receives its three
        /// coefficients c_α = −q̂ · ∂_αq/‖q‖, so that ∂_αq̂ = ∂_αq/‖q‖ + c_α q̂.
        case sparse(UnsafeMutablePointer<Double>, rankOne: UnsafeMutablePointer<Double>?)
    }

    /// Gradients of the power spectrum of the center `expand(…, mode: .gradients(…))` just expanded: `output`
    /// receives one block per atom slot (an attached center's, first, is minus the sum of the others), `strain`
    /// (when the expansion asked for it) the 9 × length strain derivatives. With `descriptor` (the normalised q̂)
    /// and `norm` ‖q‖ the gradients are those of q̂ when the layout normalises; without, of q.
    ///
    /// Slot after slot, the products of the slot's pairs are formed (`addProducts`) and at once gathered into
    /// its block, so that they are read while still in cache.
    func powerSpectrumGradients(
        _ ws: Workspace, output: GradientOutput, strain: UnsafeMutablePointer<Double>?,
        descriptor q: UnsafePointer<Double>?, norm: Double
    ) {
        let D = layout.length
        let normalising = normalise && q != nil && norm > 0
        let inverse = normalising ? 1 / norm : 1
        let unit = normalising ? q : nil
        let attached = ws.attachedCenter
        precondition(ws.strain == (strain != nil), "strain rows are needed exactly when the expansion has strain")
        ws.groupPairsBySlot()
        // Pairs without a slot (images of an attached center's atom) move the strain only.
        if ws.strain {
            for c in ws.rows(ofSlot: nil) { addProducts(ws, row: c, toSlot: false, assign: false, strain: true) }
        }
        let (atoms, rankOne, dense): (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>?, Bool) =
            switch output {
            case let .dense(atoms): (atoms, nil, true)
            case let .sparse(atoms, rankOne): (atoms, rankOne, false)
            }
        if attached {
            atoms.update(repeating: 0, count: 3 * D)
            rankOne?.update(repeating: 0, count: 3)
        }
        // An attached center's rank-one coefficients, when its dense rows get them at the end.
        var centerCoefficients = SIMD3<Double>()
        var target = atoms
        for slot in 0..<ws.slotAtoms.count {
            let table = gatherTable(ws, slot: slot)
            let length = dense ? D : table.scale.count
            defer { target += 3 * length }
            let rows = ws.rows(ofSlot: slot)
            for (k, c) in rows.enumerated() {
                addProducts(ws, row: c, toSlot: true, assign: k == 0, strain: ws.strain)
            }
            if attached && slot == 0 { continue }
            guard !rows.isEmpty else {
                target.update(repeating: 0, count: 3 * length)
                for alpha in 0..<3 { rankOne?[3 * slot + alpha] = 0 }
                continue
            }
            let coefficients = gatherRows(
                table, firstBlock: ws.slotBlocks, ws, into: target, length: length, center: attached ? atoms : nil,
                descriptor: unit, inverse: inverse)
            for alpha in 0..<3 {
                if let rankOne {
                    rankOne[3 * slot + alpha] = coefficients[alpha]
                    if attached { rankOne[alpha] -= coefficients[alpha] }
                } else if dense, let unit {
                    // ∂q̂ = ∂q/‖q‖ + c q̂ (linear in ∂q, so the center sums the others' coefficients).
                    addMultiple(coefficients[alpha], of: unit, to: target + alpha * D, count: D)
                    centerCoefficients[alpha] -= coefficients[alpha]
                }
            }
        }
        if attached && dense, let unit {
            for alpha in 0..<3 { addMultiple(centerCoefficients[alpha], of: unit, to: atoms + alpha * D, count: D) }
        }
        guard let strain else { return }
        for axis in 0..<3 {
            let rows = strain + 3 * axis * D
            let coefficients = gatherRows(
                gathers[0], firstBlock: 3 * axis, ws, into: rows, length: D, center: nil, descriptor: unit,
                inverse: inverse)
            if let unit { for b in 0..<3 { addMultiple(coefficients[b], of: unit, to: rows + b * D, count: D) } }
        }
    }

    /// y[0..<count] += a x.
    @inline(__always)
    private func addMultiple(_ a: Double, of x: UnsafePointer<Double>, to y: UnsafeMutablePointer<Double>, count: Int) {
        for f in 0..<count { y[f] += a * x[f] }
    }

    /// How the block of atom slot `slot` is read from its products: by its pattern, or, for a slot of pattern 0
    /// with several species, all features from the rows of the slot's species alone.
    @inline(__always)
    private func gatherTable(_ ws: Workspace, slot: Int) -> FeatureGather {
        let pattern = ws.slotPatterns[slot]
        return pattern != 0 || species.count == 1 ? gathers[pattern] : speciesGathers[ws.slotColumns[slot] / nMax]
    }

    /// Writes the three rows (α = x, y, z, `length` apart) of a block, the features of `table` of ∂_αq/‖q‖
    /// (`inverse` = 1/‖q‖, or 1) from product blocks `firstBlock` + α, subtracts them from an attached `center`'s
    /// dense rows (`layout.length` apart), and returns their rank-one coefficients c_α = −q̂ · row_α (0 without
    /// `descriptor` q̂), with which ∂_αq̂ = row_α + c_α q̂. The three rows share the table's reads.
    @inline(__always)
    private func gatherRows(
        _ table: FeatureGather, firstBlock: Int, _ ws: Workspace, into target: UnsafeMutablePointer<Double>,
        length: Int, center: UnsafeMutablePointer<Double>?, descriptor q: UnsafePointer<Double>?, inverse: Double
    ) -> SIMD3<Double> {
        let D = layout.length
        let gx = UnsafePointer(ws.gradientProducts(block: firstBlock, l: 0)), gy = gx + ws.blockSize, gz = gy + ws.blockSize
        var coefficients = SIMD3<Double>()
        var row = target
        table.first.withUnsafeBufferPointer { first in
            table.second.withUnsafeBufferPointer { second in
                table.scale.withUnsafeBufferPointer { scale in
                    var k = 0
                    for r in table.ranges {
                        let x = row, y = row + length, z = row + 2 * length
                        // Eight features at a time: the products are read one by one, the rows written a vector at
                        // a time.
                        var f = 0
                        while f + Lanes.scalarCount <= r.count {
                            var sx = Lanes(), sy = Lanes(), sz = Lanes()
                            for lane in 0..<Lanes.scalarCount {
                                let i = Int(first[k + f + lane]), j = Int(second[k + f + lane])
                                sx[lane] = gx[i] + gx[j]
                                sy[lane] = gy[i] + gy[j]
                                sz[lane] = gz[i] + gz[j]
                            }
                            let factor = Lanes(loading: scale.baseAddress! + k + f) * inverse
                            (factor * sx).store(to: x + f)
                            (factor * sy).store(to: y + f)
                            (factor * sz).store(to: z + f)
                            f += Lanes.scalarCount
                        }
                        while f < r.count {
                            let i = Int(first[k + f]), j = Int(second[k + f]), factor = scale[k + f] * inverse
                            x[f] = factor * (gx[i] + gx[j])
                            y[f] = factor * (gy[i] + gy[j])
                            z[f] = factor * (gz[i] + gz[j])
                            f += 1
                        }
                        for alpha in 0..<3 {
                            let written = row + alpha * length
                            if let q { coefficients[alpha] -= Lanes.dot(q + r.lowerBound, written, r.count) }
                            if let center { Lanes.subtract(written, from: center + alpha * D + r.lowerBound, r.count) }
                        }
                        k += r.count
                        row += r.count
                    }
                }
            }
        }
        return coefficients
    }

    /// Back-propagates ∂E/∂q̂ = `weights` of the center `expand(…, mode: .backPropagation)` just expanded
    /// (descriptor `q`, norm ‖q‖ before normalisation) to ∂E/∂D for each of its cached pairs, calling `body`
    /// with the pair's neighbor atom, vector D and gradient.
    ///
    /// With S_l[ia][jb] = Σ_{f = (l, ia, jb)} w'_f scale_f (w' the weights through the normalisation) and
    /// Z_l = X_l (S_l + S_lᵀ), dE = Σ_l Σ_{m,c} Z_l[m, c] dX_l[m, c]; a pair's share is
    /// Σ_l Σ_n (û B_n Σ_m Y_m Z[m, n] + A_n Σ_m ∇Y_m Z[m, n]): one pass over the pairs, no D-sized blocks.
    func backPropagate(
        _ ws: Workspace, weights: UnsafePointer<Double>, descriptor q: UnsafePointer<Double>, norm: Double,
        _ body: (_ atom: Int, _ vector: SIMD3<Double>, _ gradient: SIMD3<Double>) -> Void
    ) {
        let K = channels, nMax = self.nMax, lMax = self.lMax, D = layout.length
        let capacity = ws.capacityPairs
        var projection = 0.0
        if normalise && norm > 0 { for k in 0..<D { projection += q[k] * weights[k] } }
        let inverse = normalise && norm > 0 ? 1 / norm : 1
        // S_l, then S_l + S_lᵀ, in the power-spectrum buffer (its values are no longer needed).
        let S = ws.products
        S.update(repeating: 0, count: (lMax + 1) * K * K)
        layout.features.withUnsafeBufferPointer { features in
            for (k, f) in features.enumerated() {
                let wk = normalise && norm > 0 ? (weights[k] - q[k] * projection) * inverse : weights[k]
                S[Int(f.l) * K * K + Int(f.ia) * K + Int(f.jb)] += wk * f.scale
            }
        }
        for l in 0...lMax {
            let s = S + l * K * K
            for a in 0..<K {
                for b in a..<K {
                    let sum = s[a * K + b] + s[b * K + a]
                    s[a * K + b] = sum
                    s[b * K + a] = sum
                }
            }
            // Z_l = X_l · (S_l + S_lᵀ)
            cblas_dgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(2 * l + 1), Int32(K), Int32(K), 1,
                ws.coefficients + l * l * K, Int32(K), s, Int32(K), 0, ws.backProjection + l * l * K, Int32(K))
        }
        // A pair's share, eight pairs (SIMD lanes) at a time over each run of rows with one channel column (the
        // channels' blocks; each displacement, whose column is its own atom's, alone): Y, ∂Y, A and B are lm- (ln-)
        // major, so every factor of eight pairs is one load. A last partial batch reads rows past the run (the
        // buffers have room) and reports only its own.
        let Z = ws.backProjection, Y = ws.pairHarmonics, dY = ws.pairHarmonicGradients, A = ws.pairA, B = ws.pairB
        func pairShares(_ rows: Range<Int>, column: Int) {
            for first in Swift.stride(from: rows.lowerBound, to: rows.upperBound, by: Lanes.scalarCount) {
                var radialPart = Lanes(), gx = Lanes(), gy = Lanes(), gz = Lanes()
                for l in 0...lMax {
                    let a = A + l * nMax * capacity + first, b = B + l * nMax * capacity + first
                    for lm in (l * l)..<((l + 1) * (l + 1)) {
                        let row = Z + lm * K + column
                        var zb = Lanes(), za = Lanes()
                        for n in 0..<nMax {
                            zb += Lanes(loading: b + n * capacity) * row[n]
                            za += Lanes(loading: a + n * capacity) * row[n]
                        }
                        radialPart += Lanes(loading: Y + lm * capacity + first) * zb
                        gx += za * Lanes(loading: dY + 3 * lm * capacity + first)
                        gy += za * Lanes(loading: dY + (3 * lm + 1) * capacity + first)
                        gz += za * Lanes(loading: dY + (3 * lm + 2) * capacity + first)
                    }
                }
                for lane in 0..<min(Lanes.scalarCount, rows.upperBound - first) {
                    let pair = ws.pairs[first + lane]
                    body(pair.atom, pair.vector, radialPart[lane] * pair.unit + SIMD3(gx[lane], gy[lane], gz[lane]))
                }
            }
        }
        for (k, rows) in ws.cachedRows.enumerated() {
            if k < species.count {
                pairShares(rows, column: k * nMax)
            } else {
                for c in rows { pairShares(c..<(c + 1), column: ws.pairs[c].column) }
            }
        }
    }

    /// Turns `count` gradient rows of q into gradients of q̂ = q/‖q‖: ∂q̂ = (∂q − q̂ (q̂·∂q)) / ‖q‖.
    func normaliseGradients(_ rows: UnsafeMutablePointer<Double>, count: Int, descriptor q: UnsafePointer<Double>, norm: Double) {
        guard normalise && norm > 0 else { return }
        let D = layout.length
        let inverse = 1 / norm
        for r in 0..<count {
            let target = rows + r * D
            let projection = Lanes.dot(q, target, D)
            for k in 0..<D { target[k] = (target[k] - q[k] * projection) * inverse }
        }
    }
}
