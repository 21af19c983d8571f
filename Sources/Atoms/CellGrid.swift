/// Atoms sorted into bins of a grid laid over the search lattice, each bin at least half a cutoff wide
/// (or the whole cell when the cell is thinner), for O(N) pair search.
///
/// The search screens candidates by their distance in the home cell (each atom's position wrapped into it, stored
/// per bin as contiguous coordinates, against the center offset by the visited bin's image), a few operations
/// each; a candidate that passes is measured again as r_j − r_i + S·cell, which alone decides and is stored, so
/// the list does not depend on how the atoms were wrapped.
struct CellGrid {
    private let lattice: SearchLattice
    /// Bins along each axis.
    private let binCounts: SIMD3<Int>
    /// Per axis (the first two) and per bin: the bins to visit along that axis, each with the image crossed to
    /// reach it.
    private let visits: [[[(bin: Int, image: Int32)]]]
    /// Per bin along the third axis: its visits as runs of consecutive bins crossing the same image, whose atoms
    /// lie together in `binnedAtoms` (a run is one loop, not one per bin).
    private let thirdAxisRuns: [[(bins: Range<Int>, image: Int32)]]
    /// Atoms of bin b are `binnedAtoms[binStarts[b] ..< binStarts[b + 1]]`.
    private let binStarts: [Int]
    private let binnedAtoms: [Int32]
    /// The binned atoms' positions wrapped into the home cell (r − W·cell, W their `wraps`), by coordinate, in
    /// bin order.
    private let binnedX: [Double], binnedY: [Double], binnedZ: [Double]
    /// How far a wrapped-frame distance may fall from r_j − r_i + S·cell by rounding (far below any cutoff):
    /// candidates screen against the cutoff plus this.
    private let screenSlack: Double
    /// Bin coordinates of each atom.
    private let atomBins: [SIMD3<Int>]
    /// Whole-lattice translation taking each atom into the home cell along periodic axes.
    private let wraps: [SIMD3<Int32>]
    /// Expected neighbors per atom (from the density), to size the output once.
    private let expectedNeighbors: Int

    /// Bins the atoms of `structure` for a search out to `cutoff`.
    init(_ structure: Structure, cutoff: Double) throws(GeometryError) {
        let lattice = try SearchLattice(cell: structure.cell, pbc: structure.pbc)
        let n = structure.count
        var fractional = [SIMD3<Double>](repeating: .zero, count: n)
        var wraps = [SIMD3<Int32>](repeating: .zero, count: n)
        var lower = SIMD3<Double>(repeating: 0), upper = SIMD3<Double>(repeating: 1)
        for axis in 0..<3 where !structure.pbc[axis] {
            lower[axis] = .infinity
            upper[axis] = -.infinity
        }
        for i in 0..<n {
            var s = lattice.inverse.leftMultiply(structure.positions[i])
            for axis in 0..<3 {
                if structure.pbc[axis] {
                    var o = s[axis].rounded(.down)
                    s[axis] -= o
                    if s[axis] >= 1 {
                        s[axis] -= 1
                        o += 1
                    }
                    guard abs(o) < Double(Int32.max) else { throw .nonFinitePosition(atom: i) }
                    wraps[i][axis] = Int32(o)
                } else {
                    lower[axis] = min(lower[axis], s[axis])
                    upper[axis] = max(upper[axis], s[axis])
                }
            }
            fractional[i] = s
        }
        if n == 0 {
            lower = .zero
            upper = .zero
        }
        // Bins along each axis: at least half a cutoff wide (five bins a side hold 3.7 times the sphere's volume,
        // three bins of a whole cutoff 6.4 times), and not more bins in all than about twice the atoms (a short
        // cutoff, as in MD's closest-approach check, would otherwise make mostly empty bins).
        var counts = SIMD3<Int>(repeating: 1), binWidth = SIMD3<Double>(repeating: 1), reach = SIMD3<Int>(repeating: 1)
        for axis in 0..<3 {
            let width = max(upper[axis] - lower[axis], 0) * lattice.widths[axis]
            counts[axis] = max(1, Int(min(2 * width / cutoff, Double(8 * n + 8))))
        }
        let budget = 2 * n + 8
        while counts.x * counts.y * counts.z > budget {
            let axis = counts.x >= counts.y && counts.x >= counts.z ? 0 : (counts.y >= counts.z ? 1 : 2)
            counts[axis] = max(1, counts[axis] * 4 / 5)
        }
        var totalReach = 1
        for axis in 0..<3 {
            let extent = max(upper[axis] - lower[axis], 0)
            binWidth[axis] = extent > 0 ? extent / Double(counts[axis]) : 1
            // Perpendicular width of one bin, in Å, sets how many bins the cutoff spans.
            let binAngstrom = binWidth[axis] * lattice.widths[axis]
            let spans = (cutoff / binAngstrom).rounded(.up)
            if structure.pbc[axis] {
                guard spans < 1e4 else { throw .tooManyImages(count: Int(min(spans, 1e9))) }
                reach[axis] = max(1, Int(spans))
            } else {
                reach[axis] = extent > 0 ? min(counts[axis], max(1, Int(min(spans, 1e9)))) : 0
            }
            totalReach *= 2 * reach[axis] + 1
        }
        guard totalReach <= 8_000_000 else { throw .tooManyImages(count: totalReach) }
        var atomBins = [SIMD3<Int>](repeating: .zero, count: n)
        var population = [Int](repeating: 0, count: counts.x * counts.y * counts.z + 1)
        for i in 0..<n {
            var b = SIMD3<Int>.zero
            for axis in 0..<3 {
                let t = ((fractional[i][axis] - lower[axis]) / binWidth[axis]).rounded(.down)
                b[axis] = min(counts[axis] - 1, max(0, Int(t)))
            }
            atomBins[i] = b
            population[(b.x * counts.y + b.y) * counts.z + b.z + 1] += 1
        }
        for b in 1..<population.count { population[b] += population[b - 1] }
        var fill = population
        var binned = [Int32](repeating: 0, count: n)
        var binnedX = [Double](repeating: 0, count: n), binnedY = binnedX, binnedZ = binnedX
        var magnitude = 0.0
        for i in 0..<n {
            let b = atomBins[i]
            let flat = (b.x * counts.y + b.y) * counts.z + b.z
            let r = structure.positions[i]
            let wrapped = r - lattice.matrix.leftMultiply(SIMD3<Double>(wraps[i]))
            binned[fill[flat]] = Int32(i)
            binnedX[fill[flat]] = wrapped.x
            binnedY[fill[flat]] = wrapped.y
            binnedZ[fill[flat]] = wrapped.z
            fill[flat] += 1
            magnitude = max(magnitude, largestMagnitude(r), largestMagnitude(wrapped))
        }
        self.lattice = lattice
        self.binCounts = counts
        let visits = (0..<3).map { axis in
            let m = counts[axis]
            return (0..<m).map { home in
                (-reach[axis]...reach[axis]).compactMap { offset -> (bin: Int, image: Int32)? in
                    let raw = home + offset
                    if structure.pbc[axis] {
                        let image = raw >= 0 ? raw / m : -((-raw + m - 1) / m)
                        return (raw - image * m, Int32(image))
                    }
                    return raw >= 0 && raw < m ? (raw, 0) : nil
                }
            }
        }
        thirdAxisRuns = visits[2].map { binVisits in
            var runs: [(bins: Range<Int>, image: Int32)] = []
            for v in binVisits {
                if let last = runs.last, last.image == v.image, last.bins.upperBound == v.bin {
                    runs[runs.count - 1].bins = last.bins.lowerBound..<(v.bin + 1)
                } else {
                    runs.append((v.bin..<(v.bin + 1), v.image))
                }
            }
            return runs
        }
        self.visits = Array(visits.prefix(2))
        self.binStarts = population
        self.binnedAtoms = binned
        self.binnedX = binnedX
        self.binnedY = binnedY
        self.binnedZ = binnedZ
        // Each coordinate of either distance carries a few roundings of numbers up to the positions, the lattice
        // vectors times the images visited, and the cutoff.
        let imageReach = (0..<3).reduce(0.0) { total, axis in
            total + Double(reach[axis] + 1) * largestMagnitude(lattice.matrix[axis])
        }
        screenSlack = 1e-12 * (magnitude + imageReach + cutoff)
        self.atomBins = atomBins
        self.wraps = wraps
        var volume = abs(lattice.matrix.determinant)
        for axis in 0..<3 { volume *= max(upper[axis] - lower[axis], cutoff / lattice.widths[axis]) }
        let sphere = 4.0 / 3.0 * Double.pi * cutoff * cutoff * cutoff
        // ∞/∞ (a cutoff near the largest Double) gives NaN, which the comparison sends to the cap.
        let estimate = 1.1 * Double(n) * sphere / volume + 1
        expectedNeighbors = estimate < 1000 ? Int(estimate) : 1000
    }

    /// The pairs of the center atoms `centers`, in center order.
    func pairs(centers: some Collection<Int>, structure: Structure, cutoff: Double, half: Bool) -> PairChunk {
        var chunk = PairChunk(room: centers.count * expectedNeighbors)
        chunk.offsets.reserveCapacity(centers.count + 1)
        let cutoff2 = cutoff * cutoff
        let screen = (cutoff + screenSlack) * (cutoff + screenSlack)
        let cell = lattice.matrix
        // The slots of one run that pass the screen (a run holds at most every atom).
        let candidates = UnsafeMutablePointer<Int32>.allocate(capacity: max(binnedAtoms.count, 1))
        defer { candidates.deallocate() }
        // Pairs found, appended to the chunk a buffer at a time (before a run's candidates could fill it).
        var found = PairBuffer(capacity: max(4096, binnedAtoms.count))
        defer { found.deallocate() }
        structure.positions.withUnsafeBufferPointer { positions in
            binnedX.withUnsafeBufferPointer { bx in
                binnedY.withUnsafeBufferPointer { by in
                    binnedZ.withUnsafeBufferPointer { bz in
                        for i in centers {
                            let ri = positions[i]
                            let bi = atomBins[i]
                            let wi = wraps[i]
                            let home = ri - cell.leftMultiply(SIMD3<Double>(wi))
                            for vx in visits[0][bi.x] {
                                for vy in visits[1][bi.y] {
                                    let planeImage = Double(vx.image) * cell.r0 + Double(vy.image) * cell.r1
                                    let line = (vx.bin * binCounts.y + vy.bin) * binCounts.z
                                    for run in thirdAxisRuns[bi.z] {
                                        let image = SIMD3<Int32>(vx.image, vy.image, run.image)
                                        // The center as the run's atoms see it across this image.
                                        let o = home - (planeImage + Double(run.image) * cell.r2)
                                        // Screened without a branch (about three candidates in four fail, at
                                        // random): every slot is written, the passing ones kept.
                                        var passed = 0
                                        for slot in binStarts[line + run.bins.lowerBound]..<binStarts[line + run.bins.upperBound] {
                                            let dx = bx[slot] - o.x, dy = by[slot] - o.y, dz = bz[slot] - o.z
                                            candidates[passed] = Int32(truncatingIfNeeded: slot)
                                            passed += dx * dx + dy * dy + dz * dz < screen ? 1 : 0
                                        }
                                        if found.count + passed > found.capacity { found.append(to: &chunk) }
                                        for hit in 0..<passed {
                                            let j = Int(binnedAtoms[Int(candidates[hit])])
                                            // Image shift in the original (unwrapped) frame.
                                            let shift = image &+ wi &- wraps[j]
                                            if i == j && shift == .zero { continue }
                                            if half && (j < i || (j == i && !PairChunk.isPositive(shift))) { continue }
                                            let s = SIMD3<Double>(Double(shift.x), Double(shift.y), Double(shift.z))
                                            found.addIfWithin(
                                                cutoff2, j, shift: shift, vector: positions[j] - ri + cell.leftMultiply(s))
                                        }
                                    }
                                }
                            }
                            chunk.offsets.append(chunk.neighbors.count + found.count)
                        }
                    }
                }
            }
        }
        found.append(to: &chunk)
        return chunk
    }
}

/// The largest |component| of `v`.
@inline(__always) private func largestMagnitude(_ v: SIMD3<Double>) -> Double { max(abs(v.x), abs(v.y), abs(v.z)) }
