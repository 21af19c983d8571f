import LinearAlgebra

/// Reusable buffers for one worker of the SOAP engine: the density coefficients of the current center,
/// radial and angular scratch, the cached factors of each contributing pair, the atom slots (the atoms whose
/// positions move the center's descriptor, in output order) and the gradient products being gathered.
///
/// Gradient products, one K × `rowStride` matrix per (block, l), each block's (l_max+1) matrices contiguous:
/// G[ia][jb] = Σ_m ∂X[m, ia]/∂D_α X[m, jb]. Blocks 0…8 are the strain ε_ab (block 3a + b, summed over every
/// pair); blocks 9…11 (`slotBlocks`) the three Cartesian components of the one atom slot being gathered,
/// filled from that slot's pairs alone (small enough to stay in cache between filling and gathering). Their
/// rows, like those of `paddedCoefficients` and `projection`, are `rowStride` long: K padded to whole `Lanes`.
final class Workspace {
    /// What the second (gradient) pass needs of a pair besides its cached radial and angular factors.
    struct CachedPair {
        /// The neighbor atom.
        var atom: Int
        /// Slot of the neighbor atom, −1 for an image of an attached center's atom (or without slots).
        var slot: Int
        /// First channel of the neighbor's species.
        var column: Int
        var vector: SIMD3<Double>
        var unit: SIMD3<Double>
    }

    let channels: Int, nMax: Int, lMax: Int
    /// Row length of the gradient products, `paddedCoefficients` and `projection`: K rounded up to whole `Lanes`.
    let rowStride: Int
    /// X: (l_max+1)² rows × K, row l² + l + m, then `Lanes.scalarCount` zeros (a vector load starting in the last row
    /// stays inside).
    let coefficients: UnsafeMutablePointer<Double>
    /// P_l = X_lᵀX_l, (l_max+1) blocks of K × K (only the species blocks `powerSpectrum` forms are written).
    let products: UnsafeMutablePointer<Double>
    /// Per species, whether it has density at the current center, and per channel the or of its coefficients'
    /// bits that tells it (see `SOAPEngine.powerSpectrum`).
    let speciesPresent: UnsafeMutablePointer<Bool>
    let channelBits: UnsafeMutablePointer<UInt64>
    let radial: UnsafeMutablePointer<Double>
    let dRadial: UnsafeMutablePointer<Double>
    /// X (or an averaging reference) with rows of `rowStride`, the padding zero: (l_max+1)² rows.
    let paddedCoefficients: UnsafeMutablePointer<Double>
    /// Yᵀ X_l and ∂_αYᵀ X_l of one pair: 4 rows of `rowStride` per l (`SOAPEngine.formSlotBlock` projects every l
    /// first; the other users, one l at a time, the first 4 rows), then a vector's lanes that a vector read at the
    /// last channel may reach (runs over n′).
    let projection: UnsafeMutablePointer<Double>
    /// Z = X (S + Sᵀ) of back-propagation: (l_max+1)² rows × K.
    let backProjection: UnsafeMutablePointer<Double>
    /// A slot's summed coefficient derivative C_α[lm][n] (3 × (l_max+1)² rows of `radialStride`), or an attached
    /// center's in every channel (rows of `rowStride`), then `radialStride` entries that a vector past the last
    /// channel may add zeros to: see `SOAPEngine.addSlotProducts` and `addCenterProducts`.
    let slotDerivative: UnsafeMutablePointer<Double>
    /// One pair's A and B as rows of `radialStride` per l (2 × (l_max+1) rows), the padding zero.
    let pairFactorRows: UnsafeMutablePointer<Double>
    /// n_max rounded up to whole `Lanes`.
    let radialStride: Int
    /// One pair's factors as vectors over l (lanes past l_max zero), for `SOAPEngine.formSlotBlock`: per channel its
    /// rows v, w_x, w_y, w_z (for the `rowStride` padded channels, which the transposition writes eight at a time),
    /// then A and B, a row per n and a last row of zeros (n_max + 1 rows each).
    let slotFactors: UnsafeMutablePointer<Double>

    private(set) var pairs: UnsafeMutablePointer<CachedPair>
    /// Y_lm of each cached pair, lm-major: Y_lm of row p at lm · `capacityPairs` + p.
    private(set) var pairHarmonics: UnsafeMutablePointer<Double>
    /// ∂Y_lm/∂r_α of each cached pair, lm-major: (3 lm + α) · `capacityPairs` + p.
    private(set) var pairHarmonicGradients: UnsafeMutablePointer<Double>
    /// The radial factors A = w f_nl of each pair, a row of `pairRadialStride` per pair (what the coefficients are
    /// accumulated from).
    private(set) var pairRadial: UnsafeMutablePointer<Double>
    /// B = (w f_nl)′ of each cached pair as rows like `pairRadial`'s (read a vector of n at a time for an attached
    /// center, `SOAPEngine.addCenterProducts`).
    private(set) var pairRadialDerivative: UnsafeMutablePointer<Double>
    /// (l_max+1)·n_max rounded up to whole `Lanes`: a pair's row of `pairRadial`, which the spline stores whole
    /// vectors into.
    let pairRadialStride: Int
    /// The radial factors A = w f_nl and B = (w f_nl)′ of each cached pair, ln-major: (l · n_max + n) ·
    /// `capacityPairs` + p.
    private(set) var pairA: UnsafeMutablePointer<Double>
    private(set) var pairB: UnsafeMutablePointer<Double>
    /// The unit vector and inverse distance of each pair (rows x, y, z, 1/r of `capacityPairs`), from which the
    /// harmonics of all pairs of a center are computed at once (and a slot's summed derivative reads û along a run
    /// of rows).
    private(set) var pairUnits: UnsafeMutablePointer<Double>
    /// Pairs the buffers hold, which is also the row length of the lm-major harmonics: an odd multiple of
    /// `SphericalHarmonics.batch` (so that a pair's entries, a row apart, fall in different cache sets; a power of
    /// two would put them all in a few).
    private(set) var capacityPairs = 0
    /// Rows of the pairs cached by the last `expand`: the neighbors of each channel, then the displacements.
    var cachedRows: [Range<Int>] = []
    /// `expand`'s bounds of the channels' blocks of pair rows: species + 1 starts, then species ends.
    let blockBounds: UnsafeMutablePointer<Int>

    /// Allocated by the first `beginCenter` (back-propagation and values never need them).
    private var derivativeProducts: UnsafeMutablePointer<Double>? = nil
    /// A center's dense derivative blocks, for a caller that takes them as they are computed (`denseBlocks(count:)`).
    private var denseBlockBuffer = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)
    /// A block's factors times each distinct factor of its groups, or of its runs with their scratch
    /// (`scaledFactors(_:)`).
    private var scaledFactorBuffer = UnsafeMutableBufferPointer<Double>(start: nil, count: 0)
    /// Where each slot's dense block goes, for such a caller (`slotTargets(_:)`).
    private var slotTargetBuffer = UnsafeMutableBufferPointer<UnsafeMutablePointer<Double>>(start: nil, count: 0)
    private var slotOfAtom: [Int32] = []
    /// Atoms of the slots in use, in slot order; the center's atom comes first.
    private(set) var slotAtoms: [Int] = []
    /// Per slot, the engine's feature pattern of its block (0: every feature).
    private(set) var slotPatterns: [Int] = []
    /// Per slot, the first channel of its atom's species: its pairs fill the products' rows of those n_max
    /// channels and no others.
    private(set) var slotColumns: [Int] = []
    /// The cached rows of the pairs of each slot, slot after slot, then those without a slot (images of an
    /// attached center's atom): see `groupPairsBySlot` and `rows(ofSlot:)`.
    private var slotRows: [Int] = []
    private var slotRowStart: [Int] = []
    /// The first atom slot is a center that moves with its atom (its block is minus the sum of the others).
    private(set) var attachedCenter = false
    /// Strain products are in use.
    private(set) var strain = false
    /// First product block of the atom slot being gathered (after the 9 strain blocks).
    let slotBlocks = 9

    /// The doubles of the buffers a workspace allocates up front, by what `init` gives each (the pair buffers grow
    /// with the pairs; the derivative products come with the first center of a gradient pass).
    struct Sizes {
        let coefficients: Int, paddedCoefficients: Int, products: Int, radial: Int, projection: Int
        let backProjection: Int, slotDerivative: Int, pairFactorRows: Int, slotFactors: Int

        init(channels K: Int, nMax: Int, lMax: Int) {
            let L = lMax + 1, lm = L * L, Kp = Workspace.rowStride(channels: K), R = Lanes.padded(nMax)
            coefficients = lm * K + Lanes.scalarCount
            paddedCoefficients = lm * Kp
            products = L * K * K
            radial = L * nMax
            projection = 4 * L * Kp + Lanes.scalarCount
            backProjection = lm * K
            slotDerivative = 3 * lm * Kp + R
            pairFactorRows = 2 * L * R
            slotFactors = (4 * Kp + 2 * (nMax + 1)) * Lanes.scalarCount
        }

        /// All of them (`radial` twice: the radial values and their slopes).
        var total: Int {
            coefficients + paddedCoefficients + products + 2 * radial + projection + backProjection + slotDerivative
                + pairFactorRows + slotFactors
        }
    }

    init(channels: Int, nMax: Int, lMax: Int) {
        self.channels = channels
        self.nMax = nMax
        self.lMax = lMax
        rowStride = Self.rowStride(channels: channels)
        let sizes = Sizes(channels: channels, nMax: nMax, lMax: lMax)
        coefficients = .allocate(capacity: sizes.coefficients)
        coefficients.initialize(repeating: 0, count: sizes.coefficients)
        let species = channels / nMax
        speciesPresent = .allocate(capacity: species)
        blockBounds = .allocate(capacity: 2 * species + 1)
        channelBits = .allocate(capacity: channels)
        paddedCoefficients = .allocate(capacity: sizes.paddedCoefficients)
        paddedCoefficients.initialize(repeating: 0, count: sizes.paddedCoefficients)
        products = .allocate(capacity: sizes.products)
        radial = .allocate(capacity: sizes.radial)
        dRadial = .allocate(capacity: sizes.radial)
        projection = .allocate(capacity: sizes.projection)
        // Zero once: the slack past the last row, which no projection writes, stays zero (a run's lanes past its own
        // are multiplied by zero in the rank-one sums, and must not be NaN).
        projection.initialize(repeating: 0, count: sizes.projection)
        backProjection = .allocate(capacity: sizes.backProjection)
        radialStride = Lanes.padded(nMax)
        pairRadialStride = Lanes.padded((lMax + 1) * nMax)
        slotDerivative = .allocate(capacity: sizes.slotDerivative)
        slotDerivative.initialize(repeating: 0, count: sizes.slotDerivative)
        pairFactorRows = .allocate(capacity: sizes.pairFactorRows)
        pairFactorRows.initialize(repeating: 0, count: sizes.pairFactorRows)
        slotFactors = .allocate(capacity: sizes.slotFactors)
        slotFactors.initialize(repeating: 0, count: sizes.slotFactors)
        pairs = .allocate(capacity: 0)
        pairHarmonics = .allocate(capacity: 0)
        pairHarmonicGradients = .allocate(capacity: 0)
        pairRadial = .allocate(capacity: 0)
        pairRadialDerivative = .allocate(capacity: 0)
        pairA = .allocate(capacity: 0)
        pairB = .allocate(capacity: 0)
        pairUnits = .allocate(capacity: 0)
    }

    deinit {
        coefficients.deallocate()
        speciesPresent.deallocate()
        blockBounds.deallocate()
        channelBits.deallocate()
        paddedCoefficients.deallocate()
        products.deallocate()
        radial.deallocate()
        dRadial.deallocate()
        projection.deallocate()
        backProjection.deallocate()
        slotDerivative.deallocate()
        pairFactorRows.deallocate()
        slotFactors.deallocate()
        freePairs()
        derivativeProducts?.deallocate()
        denseBlockBuffer.deallocate()
        scaledFactorBuffer.deallocate()
        slotTargetBuffer.deallocate()
    }

    /// Room for `count` doubles of a center's dense derivative blocks, kept between centers (grown when short).
    func denseBlocks(count: Int) -> UnsafeMutablePointer<Double> {
        if denseBlockBuffer.count < max(count, 1) {
            denseBlockBuffer.deallocate()
            denseBlockBuffer = .allocate(capacity: max(count, 1))
        }
        return denseBlockBuffer.baseAddress!
    }

    /// Room for `count` doubles of one block's scaled factors (`SOAPEngine.formSlotBlock`), kept between blocks
    /// (grown when short).
    func scaledFactors(_ count: Int) -> UnsafeMutablePointer<Double> {
        if scaledFactorBuffer.count < max(count, 1) {
            scaledFactorBuffer.deallocate()
            scaledFactorBuffer = .allocate(capacity: max(count, 1))
        }
        return scaledFactorBuffer.baseAddress!
    }

    /// Room for the addresses of `count` slots' dense blocks, kept between centers (grown when short).
    func slotTargets(_ count: Int) -> UnsafeMutablePointer<UnsafeMutablePointer<Double>> {
        if slotTargetBuffer.count < max(count, 1) {
            slotTargetBuffer.deallocate()
            slotTargetBuffer = .allocate(capacity: max(count, 1))
        }
        return slotTargetBuffer.baseAddress!
    }

    /// Cached pair `c`'s radial factors of degree `l`, A_{l,n} and B_{l,n} for n < n_max, times `factor`, to
    /// `a[n · step]` and `b[n · step]` (they are held ln-major, a row of all the pairs apart).
    @inline(__always)
    func radialFactors(
        row c: Int, l: Int, times factor: Double = 1, into a: UnsafeMutablePointer<Double>, _ b: UnsafeMutablePointer<Double>,
        step: Int = 1
    ) {
        var A = UnsafePointer(pairA) + l * nMax * capacityPairs + c, B = UnsafePointer(pairB) + l * nMax * capacityPairs + c
        for n in 0..<nMax {
            a[n * step] = factor * A[0]
            b[n * step] = factor * B[0]
            A += capacityPairs
            B += capacityPairs
        }
    }

    /// Doubles a cached pair holds: its harmonics, their gradients, the radial factors (A and B ln-major, and each as
    /// a padded row), its unit vector and inverse distance.
    static func pairValues(nMax: Int, lMax: Int) -> Int {
        let lm = (lMax + 1) * (lMax + 1), ln = (lMax + 1) * nMax
        return 4 * lm + 2 * ln + 2 * Lanes.padded(ln) + 4
    }

    /// Doubles held by the buffers that grow with the pairs of a center (what reuse saves).
    var footprint: Int { capacityPairs * Self.pairValues(nMax: nMax, lMax: lMax) }

    /// Doubles of one block's gradient products: (l_max+1) matrices of K × `rowStride`, then 8 zeros (one is
    /// `zeroEntry`; 8 keep the blocks aligned).
    var blockSize: Int { zeroEntry + 8 }

    /// Offset within a block of an entry that stays 0 (see `FeatureGather`).
    var zeroEntry: Int { Self.zeroEntry(channels: channels, lMax: lMax) }

    /// Row length of the gradient products with `channels` channels.
    static func rowStride(channels: Int) -> Int { Lanes.padded(channels) }

    /// `zeroEntry` of a workspace of `channels` channels and `lMax`.
    static func zeroEntry(channels: Int, lMax: Int) -> Int { (lMax + 1) * channels * rowStride(channels: channels) }

    /// The K × `rowStride` gradient products of `block` and `l`.
    @inline(__always) func gradientProducts(block: Int, l: Int) -> UnsafeMutablePointer<Double> {
        derivativeProducts! + block * blockSize + l * channels * rowStride
    }

    /// Prepares for the centers of a structure of `atoms` atoms.
    func prepare(atoms: Int) {
        if slotOfAtom.count == atoms {
            for a in slotAtoms { slotOfAtom[a] = -1 }
        } else {
            slotOfAtom = [Int32](repeating: -1, count: atoms)
        }
        slotAtoms.removeAll(keepingCapacity: true)
        slotPatterns.removeAll(keepingCapacity: true)
        slotColumns.removeAll(keepingCapacity: true)
    }

    /// Starts the gradients of a center (on `atom`, whose species' channels start at `column`, moving with it
    /// when `attached`; nil at a point), which has up to `maxPairs` cached pairs.
    func beginCenter(atom: Int?, column: Int, attached: Bool, maxPairs: Int, strain: Bool) {
        for a in slotAtoms { slotOfAtom[a] = -1 }
        slotAtoms.removeAll(keepingCapacity: true)
        slotPatterns.removeAll(keepingCapacity: true)
        slotColumns.removeAll(keepingCapacity: true)
        if derivativeProducts == nil {
            // Zeroed once: the entries past the K × K matrices (`zeroEntry`) are never written.
            derivativeProducts = .allocate(capacity: 12 * blockSize)
            derivativeProducts!.initialize(repeating: 0, count: 12 * blockSize)
        }
        self.strain = strain
        if strain { gradientProducts(block: 0, l: 0).update(repeating: 0, count: 9 * blockSize) }
        beginPairs(maxPairs)
        attachedCenter = attached && atom != nil
        if let atom { _ = slot(of: atom, pattern: 0, column: column) }
    }

    /// The slot of `atom` (of the species whose channels start at `column`), assigned on first use with the
    /// feature `pattern` of its block.
    @inline(__always) func slot(of atom: Int, pattern: Int, column: Int) -> Int {
        let existing = slotOfAtom[atom]
        if existing >= 0 { return Int(existing) }
        let s = slotAtoms.count
        slotOfAtom[atom] = Int32(s)
        slotAtoms.append(atom)
        slotPatterns.append(pattern)
        slotColumns.append(column)
        return s
    }

    /// Sorts the cached rows of the pairs (`cachedRows`) by slot, in the order they were cached within a slot.
    func groupPairsBySlot() {
        let slots = slotAtoms.count
        slotRowStart.removeAll(keepingCapacity: true)
        slotRowStart.append(contentsOf: repeatElement(0, count: slots + 2))
        for c in cachedRows.joined() {
            let s = pairs[c].slot
            slotRowStart[(s >= 0 ? s : slots) + 1] += 1
        }
        for k in 0...slots { slotRowStart[k + 1] += slotRowStart[k] }
        var next = slotRowStart
        slotRows.removeAll(keepingCapacity: true)
        slotRows.append(contentsOf: repeatElement(0, count: slotRowStart[slots + 1]))
        for c in cachedRows.joined() {
            let s = pairs[c].slot >= 0 ? pairs[c].slot : slots
            slotRows[next[s]] = c
            next[s] += 1
        }
    }

    /// The cached rows of slot `s`'s pairs (nil: the pairs without a slot), after `groupPairsBySlot`.
    func rows(ofSlot s: Int?) -> ArraySlice<Int> {
        let k = s ?? slotAtoms.count
        return slotRows[slotRowStart[k]..<slotRowStart[k + 1]]
    }

    /// Makes room to cache up to `count` pairs (rounded up to an odd multiple of `SphericalHarmonics.batch`).
    func beginPairs(_ count: Int) {
        guard count > capacityPairs else { return }
        freePairs()
        let batch = SphericalHarmonics.batch, batches = Lanes.padded(max(count, 2 * capacityPairs)) / batch
        capacityPairs = (batches % 2 == 0 ? batches + 1 : batches) * batch
        let lm = (lMax + 1) * (lMax + 1), ln = (lMax + 1) * nMax
        pairs = .allocate(capacity: capacityPairs)
        // A batch more than the rows: a batch of pairs starting anywhere can be loaded whole.
        pairHarmonics = .allocate(capacity: capacityPairs * lm + batch)
        pairHarmonicGradients = .allocate(capacity: 3 * capacityPairs * lm + batch)
        pairRadial = .allocate(capacity: capacityPairs * pairRadialStride + batch)
        pairRadialDerivative = .allocate(capacity: capacityPairs * pairRadialStride + batch)
        pairA = .allocate(capacity: capacityPairs * ln + batch)
        pairB = .allocate(capacity: capacityPairs * ln + batch)
        pairUnits = .allocate(capacity: 4 * capacityPairs)
    }

    private func freePairs() {
        pairs.deallocate()
        pairHarmonics.deallocate()
        pairHarmonicGradients.deallocate()
        pairRadial.deallocate()
        pairRadialDerivative.deallocate()
        pairA.deallocate()
        pairB.deallocate()
        pairUnits.deallocate()
    }
}
