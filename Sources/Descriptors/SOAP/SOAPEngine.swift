import Atoms
import LinearAlgebra

/// The one SOAP core both layouts share: density expansion X^l[m, s·n_max + n] per center, its
/// derivatives with respect to atom positions (and, on request, homogeneous strain), and the power
/// spectrum with its gradients mapped through a `PowerSpectrumLayout`.
struct SOAPEngine: Sendable {
    let basis: RadialBasis
    let harmonics: SphericalHarmonics
    /// Density channels: the species in channel order ([0]: every atom in channel 0).
    let species: [Int]
    /// With species [0], the elements accepted (DScribe's mu2 compression puts every species in one channel);
    /// nil accepts any element (QUIP's `species_Z={0}`).
    let accepted: [Int]?
    let weight: NeighborWeight
    /// Weight of the center atom's own Gaussian.
    let centerWeight: Double
    /// QUIP's `central_reference_all_species`: the center's own Gaussian goes into every species channel, not
    /// only its element's.
    let centerInAllChannels: Bool
    let layout: PowerSpectrumLayout
    /// Which products `powerSpectrum` forms for `layout`, and how it reads them.
    let plan: PowerSpectrumPlan
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
        basis: RadialBasis, harmonics: SphericalHarmonics, species: [Int], accepted: [Int]? = nil, weight: NeighborWeight,
        centerWeight: Double, centerInAllChannels: Bool, layout: PowerSpectrumLayout, normalise: Bool
    ) {
        self.basis = basis
        self.harmonics = harmonics
        self.species = species
        self.accepted = accepted
        self.weight = weight
        self.centerWeight = centerWeight
        self.centerInAllChannels = centerInAllChannels
        self.layout = layout
        plan = PowerSpectrumPlan(layout: layout, species: species.count, nMax: basis.nMax)
        self.normalise = normalise
        displacement = CenterDisplacement(basis: basis, harmonics: harmonics, weight: weight)
        var patterns = [[0..<layout.length]]
        if species.count > 1 {
            for s in 0..<species.count {
                let touching = layout.features.indices.filter {
                    Int(layout.features[$0].ia) / basis.nMax == s || Int(layout.features[$0].jb) / basis.nMax == s
                }
                patterns.append(consecutiveRanges(of: touching))
            }
        }
        self.patterns = patterns
        let K = species.count * basis.nMax, stride = Workspace.rowStride(channels: K)
        let zeroEntry = Workspace.zeroEntry(channels: K, lMax: basis.lMax)
        func rows(ofSpecies s: Int) -> Range<Int> { (s * basis.nMax)..<((s + 1) * basis.nMax) }
        func gather(_ ranges: [Range<Int>], rows: Range<Int>) -> FeatureGather {
            FeatureGather(
                layout: layout, ranges: ranges, rows: rows, channels: K, nMax: basis.nMax, rowStride: stride,
                zeroEntry: zeroEntry)
        }
        gathers = patterns.enumerated().map { p, ranges in gather(ranges, rows: p == 0 ? 0..<K : rows(ofSpecies: p - 1)) }
        speciesGathers = species.count > 1 ? species.indices.map { gather(patterns[0], rows: rows(ofSpecies: $0)) } : []
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

    /// Channel species of every atom, or the first atom whose element is not a channel (or, with species [0], not
    /// `accepted`). The species list [0] puts every atom in channel 0.
    func speciesIndices(_ s: Structure, structure index: Int) throws(DescriptorError) -> [Int32] {
        if species == [0] {
            if let accepted, let atom = s.atomicNumbers.firstIndex(where: { !accepted.contains($0) }) {
                throw .unknownSpecies(structure: index, atom: atom, atomicNumber: s.atomicNumbers[atom], known: accepted)
            }
            return [Int32](repeating: 0, count: s.count)
        }
        // A search of the few species per atom: building a dictionary cost more for small molecules.
        var out = [Int32]()
        out.reserveCapacity(s.count)
        for (atom, z) in s.atomicNumbers.enumerated() {
            guard let k = species.firstIndex(of: z) else {
                throw .unknownSpecies(structure: index, atom: atom, atomicNumber: z, known: species)
            }
            out.append(Int32(k))
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
    /// r = 0) enters as one more pair with the factors of `CenterDisplacement`. `densityScales` (empty: all 1) gives
    /// each atom's density a factor (DScribe's `species_weighting`), its own on the center included.
    func expand(
        center: Center, list: NeighborList, speciesOf: [Int32], densityScales: [Double] = [], workspace ws: Workspace,
        mode: ExpansionMode
    ) {
        let K = channels, nMax = self.nMax, lMax = self.lMax
        let lmCount = (lMax + 1) * (lMax + 1), lnCount = (lMax + 1) * nMax
        let X = ws.coefficients
        X.update(repeating: 0, count: lmCount * K)
        // The center atom's own Gaussian (l = m = 0).
        func scale(_ atom: Int) -> Double { densityScales.isEmpty ? 1 : densityScales[atom] }
        if let i = center.atom {
            for channel in centerInAllChannels ? 0..<species.count : Int(speciesOf[i])..<Int(speciesOf[i]) + 1 {
                addDensityOnCenter(channel: channel, scale: scale(i), to: X)
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
        // Values of a center on an atom in a cell smaller than the range: the atom's periodic images come in mirror
        // pairs, d and −d (exactly: d is a lattice translation), with the same r and Y_lm(−d̂) = (−1)^l Y_lm(d̂).
        // The image with d lexicographically positive counts for both (even l twice, odd l not at all) and its
        // mirror is skipped: half the spline, harmonics and sums for those pairs. Only when the list has as many
        // images on each side (always, for a list of every pair within a cutoff), counted in the same pass.
        func lexicographicallyNegative(_ d: SIMD3<Double>) -> Bool {
            d.x < 0 || (d.x == 0 && (d.y < 0 || (d.y == 0 && d.z < 0)))
        }
        let S = species.count
        let blockStart = ws.blockBounds, blockEnd = ws.blockBounds + S + 1
        blockStart.update(repeating: 0, count: S + 1)
        var mirrorCandidate = cache ? nil : center.atom
        var (positiveImages, negativeImages) = (0, 0)
        for p in range where list.distances[p] > 0 {
            let j = Int(list.neighbors[p]), channel = Int(speciesOf[j])
            guard channel >= 0 else { continue }
            blockStart[channel + 1] += 1
            if j == mirrorCandidate {
                if lexicographicallyNegative(list.vectors[p]) { negativeImages += 1 } else { positiveImages += 1 }
            }
        }
        if let i = mirrorCandidate, negativeImages > 0, negativeImages == positiveImages {
            blockStart[Int(speciesOf[i]) + 1] -= negativeImages
        } else {
            mirrorCandidate = nil
        }
        let mirrored = mirrorCandidate
        func skipped(_ p: Int) -> Bool {
            mirrored == Int(list.neighbors[p]) && lexicographicallyNegative(list.vectors[p])
        }
        for c in 0..<S { blockStart[c + 1] += blockStart[c] }
        blockEnd.update(from: blockStart, count: S)
        var displaced = blockStart[S]
        if !cache { ws.beginPairs(blockStart[S]) }
        // Each pair's unit vector (and inverse distance) goes to `pairUnits`; the harmonics of all pairs are computed
        // at once after the loop, lm-major (Y_lm of row p at lm · capacity + p).
        let capacity = ws.capacityPairs
        let ux = ws.pairUnits, uy = ux + capacity, uz = uy + capacity, inverseR = uz + capacity
        assert(Lanes.padded(basis.spline.count) == ws.pairRadialStride, "a padded spline row fills a pair's row")
        if cache, let i = center.atom, !center.attached {
            let slot = slots ? ws.slot(of: i, pattern: 0, column: Int(speciesOf[i]) * nMax) : -1
            cacheDisplacement(
                atom: i, column: Int(speciesOf[i]) * nMax, index: displaced, slot: slot, scale: scale(i), workspace: ws)
            displaced += 1
        }
        for p in range {
            let r = list.distances[p]
            let j = Int(list.neighbors[p])
            let channel = Int(speciesOf[j])
            guard channel >= 0 else { continue }
            // The slot of a cached pair's atom, −1 without slots or for an attached center's own atom (its images, or
            // itself were it listed at distance 0), which moves with the center.
            let moves = slots && !(center.attached && j == center.atom)
            @inline(__always) func neighborSlot() -> Int {
                moves ? ws.slot(of: j, pattern: sparse ? pattern(ofSpecies: channel) : 0, column: channel * nMax) : -1
            }
            if r == 0 {
                // An atom exactly on the center: its density counts as the center's own (DScribe's w0).
                addDensityOnCenter(channel: channel, scale: scale(j), to: X)
                if cache {
                    let slot = neighborSlot()
                    cacheDisplacement(
                        atom: j, column: channel * nMax, index: displaced, slot: slot, scale: scale(j), workspace: ws)
                    displaced += 1
                }
                continue
            }
            guard contributes(r), !skipped(p) else { continue }
            var (w, dw) = weight(r)
            if !densityScales.isEmpty { (w, dw) = (w * scale(j), dw * scale(j)) }
            let d = list.vectors[p]
            let u = d / r
            let column = channel * nMax
            let row = blockEnd[channel]
            blockEnd[channel] += 1
            (ux[row], uy[row], uz[row], inverseR[row]) = (u.x, u.y, u.z, 1 / r)
            // The radial factors a row per pair (the spline writes a pair's functions together), what the coefficients
            // are accumulated from in every mode.
            let rowA = ws.pairRadial + row * ws.pairRadialStride
            guard cache else {
                guard mirrored == j else {
                    basis.spline.evaluate(r, scaledBy: w, values: rowA, padded: true)
                    continue
                }
                basis.spline.evaluate(r, scaledBy: 2 * w, values: rowA, padded: true)
                for l in Swift.stride(from: 1, through: lMax, by: 2) {
                    (rowA + l * nMax).update(repeating: 0, count: nMax)
                }
                continue
            }
            // Cached: also ln-major like the harmonics (A_ln of row p at ln · capacity + p), with B, for the gradient
            // products and back-propagation; B as a row too for an attached center's own block (`addCenterProducts`).
            basis.spline.evaluate(r, values: radial, derivatives: dRadial)
            let A = ws.pairA + row, B = ws.pairB + row
            for k in 0..<lnCount {
                let a = radial[k] * w
                rowA[k] = a
                A[k * capacity] = a
                B[k * capacity] = dw * radial[k] + w * dRadial[k]
            }
            if slots && center.attached {
                let rowB = ws.pairRadialDerivative + row * ws.pairRadialStride
                for k in 0..<lnCount { rowB[k] = B[k * capacity] }
            }
            let slot = neighborSlot()
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
            accumulate(ws, rows: blockStart[c]..<blockEnd[c], column: c * nMax, into: X)
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

    /// X_l[m, column + n] += Σ_rows Y_lm A_nl for every l over the pair rows `rows` of `ws.pairHarmonics` (Y,
    /// lm-major) and `ws.pairRadial` (A = w f_nl, a row per pair): for each l, four m at a time, the pairs' A_l rows
    /// a vector of n at a time times each Y_lm (BLAS's packing did not pay for products this small: it was a third
    /// of a values-only expansion). A vector reaching past a row's last n reads the next l's entries, or the
    /// row's padding or the buffer's slack, and those lanes are never stored. The same sums in the same order in
    /// every mode, but for the mirror images that values take once (see `expand`).
    private func accumulate(_ ws: Workspace, rows: Range<Int>, column: Int, into X: UnsafeMutablePointer<Double>) {
        guard !rows.isEmpty else { return }
        let capacity = ws.capacityPairs, stride = ws.pairRadialStride, K = channels
        let Y = UnsafePointer(ws.pairHarmonics), A = UnsafePointer(ws.pairRadial)
        for l in 0...lMax {
            for m in Swift.stride(from: 0, to: 2 * l + 1, by: 4) {
                // Rows past 2l repeat the last (valid) one; their sums are dropped.
                let y0 = Y + (l * l + m) * capacity, y1 = Y + (l * l + min(m + 1, 2 * l)) * capacity
                let y2 = Y + (l * l + min(m + 2, 2 * l)) * capacity, y3 = Y + (l * l + min(m + 3, 2 * l)) * capacity
                for n in Swift.stride(from: 0, to: nMax, by: Lanes.scalarCount) {
                    var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                    var a = A + rows.lowerBound * stride + l * nMax + n
                    for p in rows {
                        let v = Lanes(loading: a)
                        s0 = multiplyAdd(s0, Lanes(repeating: y0[p]), v)
                        s1 = multiplyAdd(s1, Lanes(repeating: y1[p]), v)
                        s2 = multiplyAdd(s2, Lanes(repeating: y2[p]), v)
                        s3 = multiplyAdd(s3, Lanes(repeating: y3[p]), v)
                        a += stride
                    }
                    let lanes = min(Lanes.scalarCount, nMax - n)
                    func add(_ sum: Lanes, row i: Int) {
                        guard m + i <= 2 * l else { return }
                        let row = X + (l * l + m + i) * K + column + n
                        guard lanes == Lanes.scalarCount else {
                            for lane in 0..<lanes { row[lane] += sum[lane] }
                            return
                        }
                        (Lanes(loading: row) + sum).store(to: row)
                    }
                    add(s0, row: 0)
                    add(s1, row: 1)
                    add(s2, row: 2)
                    add(s3, row: 3)
                }
            }
        }
    }

    /// X[0, channel·n_max + n] += the center weight times `scale` times the l = 0 coefficients of a density at r = 0.
    @inline(__always)
    private func addDensityOnCenter(channel: Int, scale: Double, to X: UnsafeMutablePointer<Double>) {
        let w = centerWeight * scale
        for n in 0..<nMax { X[channel * nMax + n] += w * basis.centerCoefficients[n] }
    }

    /// Caches, as pair `index`, the displacement of `atom`'s density off a fixed center (`CenterDisplacement`);
    /// `slot` is the atom's slot (−1 without slots), `scale` its density's factor. Its harmonics follow, once the
    /// pairs' are computed (`cacheDisplacementHarmonics`).
    private func cacheDisplacement(atom: Int, column: Int, index: Int, slot: Int, scale: Double, workspace ws: Workspace) {
        let capacity = ws.capacityPairs
        for (k, a) in displacement.radial.enumerated() {
            ws.pairA[k * capacity + index] = a * scale
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

    /// Marks in `ws.speciesPresent` the species with density at the center of `ws.coefficients`: any coefficient
    /// non-zero (the bits of every channel, sign dropped so that −0 counts as zero, or-ed over all lm: a loop without
    /// branches). The power spectrum skips the others' products, and the gradients their features. Eight channels at
    /// a time, or-ed in a register down the lm rows: or-ing into memory row by row waited on each store.
    func markSpeciesPresent(_ ws: Workspace) {
        let K = channels, nMax = self.nMax, lmCount = (lMax + 1) * (lMax + 1)
        let X = UnsafeRawPointer(ws.coefficients), seen = ws.channelBits
        let stride = K * MemoryLayout<Double>.stride
        var c = 0
        while c + 8 <= K {
            var bits = SIMD8<UInt64>(repeating: 0)
            for lm in 0..<lmCount { bits |= X.loadUnaligned(fromByteOffset: lm * stride + 8 * c, as: SIMD8<UInt64>.self) }
            UnsafeMutableRawPointer(seen + c).storeBytes(of: bits &<< 1, as: SIMD8<UInt64>.self)
            c += 8
        }
        for tail in c..<K {
            var bits: UInt64 = 0
            for lm in 0..<lmCount { bits |= ws.coefficients[lm * K + tail].bitPattern }
            seen[tail] = bits << 1
        }
        for s in species.indices {
            ws.speciesPresent[s] = (s * nMax..<(s + 1) * nMax).contains { seen[$0] != 0 }
        }
    }

    /// The power spectrum of `ws.coefficients` in the layout's order, written to `out` (layout.length, zeros past
    /// the layout's features), formed as `plan` says: only the species blocks whose species both have density at
    /// the center (`markSpeciesPresent`).
    /// Returns the norm ‖q‖ before normalisation when the layout normalises (what its gradients need), else 0.
    @discardableResult
    func powerSpectrum(_ ws: Workspace, into out: UnsafeMutablePointer<Double>) -> Double {
        let K = channels, nMax = self.nMax
        let X = UnsafePointer(ws.coefficients), P = ws.products
        markSpeciesPresent(ws)
        if plan.spans == nil { out.update(repeating: 0, count: layout.length) }
        // Per block whose species both have density: P_l[ia][jb] a vector of jb at a time, four rows ia together (four
        // independent sums over m, which share each load of X's columns). A vector past the block's last channel reads
        // the next channels, or X's trailing zeros, and so do rows past the block's last; those are not stored. Then
        // the block's features are copied from the products while they are in cache. A block not formed has its span
        // zeroed when the plan has spans. The norm is needed only by a layout that normalises (QUIP's, not DScribe's):
        // one vector pass over the row after the copy (summed during it, each feature of a short run, copied one at a
        // time, waited for the last one's square to be added).
        for (index, block) in plan.blocks.enumerated() {
            guard ws.speciesPresent[block.a] && ws.speciesPresent[block.b] else {
                if let span = plan.spans?[index] { (out + span.lowerBound).update(repeating: 0, count: span.count) }
                continue
            }
            let columns = X + block.b * nMax
            let rows = (block.a * nMax)..<((block.a + 1) * nMax)
            for l in 0...lMax {
                let lms = (l * l)..<((l + 1) * (l + 1))
                for ia in Swift.stride(from: rows.lowerBound, to: rows.upperBound, by: 4) {
                    let filled = min(4, rows.upperBound - ia)
                    for n in Swift.stride(from: 0, to: nMax, by: Lanes.scalarCount) {
                        var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                        for lm in lms {
                            let c = Lanes(loading: columns + lm * K + n), x = X + lm * K + ia
                            s0 = multiplyAdd(s0, Lanes(repeating: x[0]), c)
                            s1 = multiplyAdd(s1, Lanes(repeating: x[1]), c)
                            s2 = multiplyAdd(s2, Lanes(repeating: x[2]), c)
                            s3 = multiplyAdd(s3, Lanes(repeating: x[3]), c)
                        }
                        let width = min(Lanes.scalarCount, nMax - n), target = P + l * K * K + ia * K + block.b * nMax + n
                        for q in 0..<filled {
                            let sum = q == 0 ? s0 : q == 1 ? s1 : q == 2 ? s2 : s3
                            if width == Lanes.scalarCount {
                                sum.store(to: target + q * K)
                            } else {
                                for i in 0..<width { target[q * K + i] = sum[i] }
                            }
                        }
                    }
                }
            }
            for run in plan.runs[block.runs] {
                let o = out + Int(run.output), step = Int(run.outputStride), p = P + Int(run.source), scale = run.scale
                let count = Int(run.count)
                var i = 0
                if step == 1 {
                    while i + Lanes.scalarCount <= count {
                        (Lanes(repeating: scale) * Lanes(loading: p + i)).store(to: o + i)
                        i += Lanes.scalarCount
                    }
                }
                while i < count {
                    o[i * step] = scale * p[i]
                    i += 1
                }
            }
        }
        guard normalise else { return 0 }
        let norm = Lanes.dot(out, out, layout.length).squareRoot()
        if norm > 0 {
            let inverse = 1 / norm
            for k in 0..<layout.length { out[k] *= inverse }
        }
        return norm
    }

}
