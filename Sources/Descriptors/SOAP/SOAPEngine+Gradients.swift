import LinearAlgebra

/// The gradients of the power spectrum, per atom slot: its block formed from its one pair's factors, or the products of
/// its pairs formed and gathered into its block.
extension SOAPEngine {
    /// Adds the gradient products of cached pair `c` to the blocks of the slot being gathered (`toSlot`; with
    /// `assign`, = instead of +=) and, with strain, to the strain blocks. A pair's coefficient derivative is rank
    /// two in (m, channel), ∂X[m, n]/∂D_α = B_n Y_m û_α + A_n ∂_αY_m, so G = û_α B ⊗ (Yᵀ X) + A ⊗ (∂_αYᵀ X): no
    /// per-pair matrix products.
    private func addProducts(_ ws: Workspace, row c: Int, toSlot: Bool, assign: Bool, strain: Bool) {
        let vectors = ws.rowStride / Lanes.scalarCount, capacity = ws.capacityPairs
        let pair = ws.pairs[c]
        let A = ws.pairA + c, B = ws.pairB + c
        for l in 0...lMax {
            project(ws, row: c, l: l)
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

    /// v = Yᵀ X_l and w_α = ∂_αYᵀ X_l of cached pair `c` into `v` (rows v, w_x, w_y, w_z of `ws.rowStride`, the
    /// padding zero; by default the first four rows of `ws.projection`), X being the padded coefficients (or the
    /// averaging reference).
    @inline(__always)
    func project(_ ws: Workspace, row c: Int, l: Int, into v: UnsafeMutablePointer<Double>? = nil) {
        let Kp = ws.rowStride, capacity = ws.capacityPairs, twice = 2 * capacity, thrice = 3 * capacity
        let first = l * l
        let v = v ?? ws.projection, wx = v + Kp, wy = v + 2 * Kp, wz = v + 3 * Kp
        for k in Swift.stride(from: 0, to: Kp, by: Lanes.scalarCount) {
            var sv = Lanes(), sx = Lanes(), sy = Lanes(), sz = Lanes()
            // Pointers stepped along lm (no index arithmetic per term).
            var x = UnsafePointer(ws.paddedCoefficients) + first * Kp + k
            var y = UnsafePointer(ws.pairHarmonics) + first * capacity + c
            var dY = UnsafePointer(ws.pairHarmonicGradients) + first * thrice + c
            for _ in 0..<(2 * l + 1) {
                let xv = Lanes(loading: x)
                sv = multiplyAdd(sv, Lanes(repeating: y[0]), xv)
                sx = multiplyAdd(sx, Lanes(repeating: dY[0]), xv)
                sy = multiplyAdd(sy, Lanes(repeating: dY[capacity]), xv)
                sz = multiplyAdd(sz, Lanes(repeating: dY[twice]), xv)
                x += Kp
                y += capacity
                dY += thrice
            }
            sv.store(to: v + k)
            sx.store(to: wx + k)
            sy.store(to: wy + k)
            sz.store(to: wz + k)
        }
    }

    /// The projections of cached pair `c` for every l, into `ws.projection` (4 rows of `ws.rowStride` per l), which
    /// it returns: what a slot's block formed straight from its pair's factors reads.
    @inline(__always)
    func projectEveryL(_ ws: Workspace, row c: Int) -> UnsafeMutablePointer<Double> {
        let P = ws.projection
        for l in 0...lMax { project(ws, row: c, l: l, into: P + 4 * l * ws.rowStride) }
        return P
    }

    /// Writes the block of an atom slot whose one pair is cached row `c` (no strain) straight from the pair's factors,
    /// a group of `groups` at a time: ∂_αf_l = scale_l (û_α (B_n v_l[jb] + B_n′ v_l[ia]) + A_n w_α,l[jb] + A_n′ w_α,l[ia])
    /// as one vector over l (see `FeatureGather.Groups`; scale_l and `inverse` go into A and B once per block), without
    /// forming the products G that `gatherRows` reads feature by feature. Otherwise as `gatherRows`: the three rows
    /// `length` apart, scaled by `inverse`, and their rank-one coefficients returned.
    private func formSlotBlock(
        _ groups: FeatureGather.Groups, _ ws: Workspace, row c: Int, into target: UnsafeMutablePointer<Double>,
        length: Int, descriptor q: UnsafePointer<Double>?, inverse: Double
    ) -> SIMD3<Double> {
        let L = lMax + 1, W = Lanes.scalarCount, Kp = ws.rowStride
        // The pair's factors as vectors over l: per channel its rows v, w_x, w_y, w_z (4W doubles: one base pointer
        // for all four), then A and B per n (row n_max stays zero).
        let F = ws.slotFactors, AT = F + 4 * Kp * W, BT = AT + (nMax + 1) * W
        // The projections of every l (4 rows each), then transposed into vectors over l eight channels at a time.
        let P = projectEveryL(ws, row: c)
        let rowStep = 4 * Kp, columnStep = 4 * W
        for r in 0..<4 {
            for k in Swift.stride(from: 0, to: Kp, by: W) {
                let rows = UnsafePointer(P + r * Kp + k), columns = F + (4 * k + r) * W
                Lanes.transpose(rows: rows, rowStride: rowStep, count: L, into: columns, columnStride: columnStep)
            }
        }
        for l in 0..<L { ws.radialFactors(row: c, l: l, into: AT + l, BT + l, step: W) }
        // A and B times each distinct factor of the groups and `inverse`, once per block: rows of 2W, A then B, for
        // (factor k, n) at (k (n_max + 1) + n) · 2W (see `FeatureGather.Groups.Group`).
        let kindRows = nMax + 1
        let S = ws.scaledFactors(2 * groups.scales.count * kindRows * W)
        for (k, factor) in groups.scales.enumerated() {
            let s = factor * inverse
            for n in 0..<kindRows {
                let row = S + (k * kindRows + n) * 2 * W
                (s * Lanes(loading: AT + n * W)).store(to: row)
                (s * Lanes(loading: BT + n * W)).store(to: row + W)
            }
        }
        let unit = ws.pairs[c].unit
        let x = target, y = target + length, z = y + length
        for constant in groups.constants { (x[Int(constant)], y[Int(constant)], z[Int(constant)]) = (0, 0, 0) }
        var sx = Lanes(), sy = Lanes(), sz = Lanes(), partial = SIMD3<Double>()
        let ux = Lanes(repeating: unit.x), uy = Lanes(repeating: unit.y), uz = Lanes(repeating: unit.z)
        let factors = UnsafePointer(F), scaled = UnsafePointer(S)
        // One group's three rows, from G[first][·] and, with `twoTerms`, G[second][·] (a one-term group skips the
        // loads and products of its zero second term).
        @inline(__always)
        func form(_ group: FeatureGather.Groups.Group, twoTerms: Bool) {
            let s1 = scaled + Int(group.firstFactors), f1 = factors + Int(group.firstPartner)
            let a1 = Lanes(loading: s1)
            var b = Lanes(loading: s1 + W) * Lanes(loading: f1)
            var ex = a1 * Lanes(loading: f1 + W), ey = a1 * Lanes(loading: f1 + 2 * W), ez = a1 * Lanes(loading: f1 + 3 * W)
            if twoTerms {
                let s2 = scaled + Int(group.secondFactors), f2 = factors + Int(group.secondPartner)
                let a2 = Lanes(loading: s2)
                b = multiplyAdd(b, Lanes(loading: s2 + W), Lanes(loading: f2))
                ex = multiplyAdd(ex, a2, Lanes(loading: f2 + W))
                ey = multiplyAdd(ey, a2, Lanes(loading: f2 + 2 * W))
                ez = multiplyAdd(ez, a2, Lanes(loading: f2 + 3 * W))
            }
            let dx = multiplyAdd(ex, ux, b), dy = multiplyAdd(ey, uy, b), dz = multiplyAdd(ez, uz, b)
            let o = Int(group.output), f = Int(group.feature)
            if group.whole {
                dx.store(to: x + o)
                dy.store(to: y + o)
                dz.store(to: z + o)
                if let q {
                    let qf = Lanes(loading: q + f)
                    sx = multiplyAdd(sx, qf, dx)
                    sy = multiplyAdd(sy, qf, dy)
                    sz = multiplyAdd(sz, qf, dz)
                }
            } else {
                // The group's own lanes, through the projection rows (free by now).
                partial += Self.storeLanes(
                    (dx, dy, dz), count: L, scratch: ws.projection, into: target, length: length, at: o, descriptor: q,
                    feature: f)
            }
        }
        groups.list.withUnsafeBufferPointer { list in
            for group in list[..<groups.twoTerms] { form(group, twoTerms: true) }
            for group in list[groups.twoTerms...] { form(group, twoTerms: false) }
        }
        return -(SIMD3(sx.pairwiseSum(), sy.pairwiseSum(), sz.pairwiseSum()) + partial)
    }

    /// Writes lanes 0..<`count` of a block's three vectors `d` (x, y, z) at `o` in its rows (`length` apart from
    /// `target`), through `scratch` (room for three vectors: a lane of a vector register read by index goes through
    /// the stack each time), and returns their dot products with q̂'s features from `f` on (zero without q̂): what a
    /// group or run whose whole vector may not be written writes.
    @inline(__always)
    static func storeLanes(
        _ d: (Lanes, Lanes, Lanes), count: Int, scratch: UnsafeMutablePointer<Double>, into target: UnsafeMutablePointer<Double>,
        length: Int, at o: Int, descriptor q: UnsafePointer<Double>?, feature f: Int
    ) -> SIMD3<Double> {
        let W = Lanes.scalarCount
        d.0.store(to: scratch)
        d.1.store(to: scratch + W)
        d.2.store(to: scratch + 2 * W)
        var dots = SIMD3<Double>()
        for alpha in 0..<3 {
            let lanes = scratch + alpha * W, row = target + alpha * length + o
            for i in 0..<count {
                row[i] = lanes[i]
                if let q { dots[alpha] += q[f + i] * lanes[i] }
            }
        }
        return dots
    }

    /// Assigns the gradient products of all the pairs `rows` of one atom slot (whose species' channels start at
    /// `column`) to the slot's blocks through their summed coefficient derivative, C_α[m, n] = Σ_p (û_α B_n Y_m +
    /// A_n ∂_αY_m), then G_α,l = C_α,lᵀ X_l: one K-long row per (α, l, m, n) for the slot instead of per pair and
    /// (α, l, n) plus the pair's projections. Cheaper than `addProducts` pair by pair from about three pairs on
    /// (the periodic images of an atom in a small cell); no strain products.
    private func addSlotProducts(_ ws: Workspace, rows: ArraySlice<Int>, column: Int) {
        let R = ws.radialStride, C = ws.slotDerivative
        C.update(repeating: 0, count: 3 * (lMax + 1) * (lMax + 1) * R)
        // Runs of consecutive rows (an atom's images, which the pair search lists together).
        var k = rows.startIndex
        while k < rows.endIndex {
            var end = k + 1
            while end < rows.endIndex && rows[end] == rows[end - 1] + 1 { end += 1 }
            addSlotDerivative(ws, run: rows[k]..<(rows[end - 1] + 1), into: C, stride: R)
            k = end
        }
        assignSlotProducts(ws, from: C, stride: R, channels: column..<(column + nMax))
    }

    /// Assigns to the slot's blocks the gradient products of an attached center's own block, as `addSlotProducts`
    /// does for a slot, with C summed over every pair that has a slot and in every species' channels: moving the
    /// center moves each pair's displacement by minus the pair's atom's move, so its block is minus the sum of the
    /// others, which `gatherRows` gives with a negative factor. (Summed per channel before the products, it costs
    /// about what one slot's block does, instead of a subtraction from the center's rows in every block.)
    private func addCenterProducts(_ ws: Workspace) {
        let Kp = ws.rowStride, C = ws.slotDerivative
        C.update(repeating: 0, count: 3 * (lMax + 1) * (lMax + 1) * Kp)
        // The species' blocks of rows, in runs of consecutive rows whose atoms have slots (an image of the center's atom
        // has none: it moves with the center; the runs keep that test out of the sums' inner loop). Then the
        // displacements of densities on the center (of atoms found exactly on it), which have no radial rows, one by
        // one.
        for (b, block) in ws.cachedRows.enumerated() {
            guard b < species.count else {
                for c in block where ws.pairs[c].slot >= 0 {
                    addPairDerivative(ws, row: c, into: C + ws.pairs[c].column, stride: Kp)
                }
                continue
            }
            var k = block.lowerBound
            while k < block.upperBound {
                guard ws.pairs[k].slot >= 0 else {
                    k += 1
                    continue
                }
                var end = k + 1
                while end < block.upperBound && ws.pairs[end].slot >= 0 { end += 1 }
                addCenterDerivative(ws, run: k..<end, into: C + b * nMax, stride: Kp)
                k = end
            }
        }
        assignSlotProducts(ws, from: C, stride: Kp, channels: 0..<channels)
    }

    /// C_α[lm][n] += Σ_p û_α B_n Y_lm + A_n ∂_αY_lm over the consecutive cached rows `run` (of one species): whole
    /// vectors of pairs at once, the rest pair by pair. C_α[lm][n] is at C[(α (l_max+1)² + lm) · stride + n].
    private func addSlotDerivative(_ ws: Workspace, run: Range<Int>, into C: UnsafeMutablePointer<Double>, stride: Int) {
        let whole = run.count / Lanes.scalarCount * Lanes.scalarCount
        if whole > 0 { addPairVectorDerivatives(ws, rows: run.lowerBound..<(run.lowerBound + whole), into: C, stride: stride) }
        for c in (run.lowerBound + whole)..<run.upperBound { addPairDerivative(ws, row: c, into: C, stride: stride) }
    }

    /// 0, 1, …, one per lane.
    static let laneIndices: Lanes = {
        var lanes = Lanes()
        for i in 0..<Lanes.scalarCount { lanes[i] = Double(i) }
        return lanes
    }()

    /// The sums of `addSlotDerivative(_:run:into:stride:)` for an attached center's many pairs, a vector of n at a
    /// time (no sums across lanes): per (lm, pair), the pair's rows of A_l and B_l (`pairRadial`,
    /// `pairRadialDerivative`) times its harmonics, the three sums in registers along the run. Lanes past n_max
    /// (the next l's entries, or past the row) are masked off.
    private func addCenterDerivative(_ ws: Workspace, run: Range<Int>, into C: UnsafeMutablePointer<Double>, stride: Int) {
        let capacity = ws.capacityPairs, lmCount = (lMax + 1) * (lMax + 1), W = Lanes.scalarCount
        let rowLength = ws.pairRadialStride
        let ux = UnsafePointer(ws.pairUnits), uy = ux + capacity, uz = uy + capacity
        for v in Swift.stride(from: 0, to: nMax, by: W) {
            let masked = nMax - v < W
            let outside = Self.laneIndices .>= Lanes(repeating: Double(nMax - v))
            for l in 0...lMax {
                let A = UnsafePointer(ws.pairRadial) + l * nMax + v, B = UnsafePointer(ws.pairRadialDerivative) + l * nMax + v
                for lm in (l * l)..<((l + 1) * (l + 1)) {
                    let cx = C + lm * stride + v, cy = cx + lmCount * stride, cz = cy + lmCount * stride
                    var sx = Lanes(loading: cx), sy = Lanes(loading: cy), sz = Lanes(loading: cz)
                    let y = UnsafePointer(ws.pairHarmonics) + lm * capacity
                    let gx = UnsafePointer(ws.pairHarmonicGradients) + 3 * lm * capacity, gy = gx + capacity, gz = gy + capacity
                    for p in run {
                        var a = Lanes(loading: A + p * rowLength), b = Lanes(loading: B + p * rowLength)
                        if masked {
                            a = a.replacing(with: 0, where: outside)
                            b = b.replacing(with: 0, where: outside)
                        }
                        let yb = b * y[p]
                        sx = multiplyAdd(multiplyAdd(sx, yb, Lanes(repeating: ux[p])), a, Lanes(repeating: gx[p]))
                        sy = multiplyAdd(multiplyAdd(sy, yb, Lanes(repeating: uy[p])), a, Lanes(repeating: gy[p]))
                        sz = multiplyAdd(multiplyAdd(sz, yb, Lanes(repeating: uz[p])), a, Lanes(repeating: gz[p]))
                    }
                    sx.store(to: cx)
                    sy.store(to: cy)
                    sz.store(to: cz)
                }
            }
        }
    }

    /// G_α,l[channel][·] = Σ_m C_α[lm][channel − channels.lowerBound] X[lm][·] for the `channels` rows of the slot's
    /// blocks (C as in `addSlotDerivative`), four rows at a time (four independent sums).
    private func assignSlotProducts(_ ws: Workspace, from C: UnsafePointer<Double>, stride: Int, channels: Range<Int>) {
        let Kp = ws.rowStride, lmCount = (lMax + 1) * (lMax + 1), W = Lanes.scalarCount
        for alpha in 0..<3 {
            for l in 0...lMax {
                let rows = ws.gradientProducts(block: ws.slotBlocks + alpha, l: l) + channels.lowerBound * Kp
                let first = UnsafePointer(ws.paddedCoefficients) + l * l * Kp, Cl = C + (alpha * lmCount + l * l) * stride
                var n = 0
                while n + 4 <= channels.count {
                    for k in Swift.stride(from: 0, to: Kp, by: W) {
                        var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
                        var x = first + k, c = Cl + n
                        for _ in 0..<(2 * l + 1) {
                            let xv = Lanes(loading: x)
                            s0 = multiplyAdd(s0, Lanes(repeating: c[0]), xv)
                            s1 = multiplyAdd(s1, Lanes(repeating: c[1]), xv)
                            s2 = multiplyAdd(s2, Lanes(repeating: c[2]), xv)
                            s3 = multiplyAdd(s3, Lanes(repeating: c[3]), xv)
                            x += Kp
                            c += stride
                        }
                        let row = rows + n * Kp + k
                        s0.store(to: row)
                        s1.store(to: row + Kp)
                        s2.store(to: row + 2 * Kp)
                        s3.store(to: row + 3 * Kp)
                    }
                    n += 4
                }
                for n in n..<channels.count {
                    for k in Swift.stride(from: 0, to: Kp, by: W) {
                        var sum = Lanes()
                        var x = first + k, c = Cl + n
                        for _ in 0..<(2 * l + 1) {
                            sum = multiplyAdd(sum, Lanes(repeating: c[0]), Lanes(loading: x))
                            x += Kp
                            c += stride
                        }
                        sum.store(to: rows + n * Kp + k)
                    }
                }
            }
        }
    }

    /// C_α[lm][n] += û_α B_n Y_lm + A_n ∂_αY_lm of cached pair `c` (C as in `addSlotDerivative(_:run:into:stride:)`),
    /// a vector of n at a time from the pair's A and B copied into padded rows per l: the lanes past n_max add zeros
    /// (to the next channels, or to the padding past C's last row).
    private func addPairDerivative(_ ws: Workspace, row c: Int, into C: UnsafeMutablePointer<Double>, stride: Int) {
        let capacity = ws.capacityPairs, R = ws.radialStride, nVectors = R / Lanes.scalarCount
        let lmCount = (lMax + 1) * (lMax + 1)
        let a = ws.pairFactorRows, b = a + (lMax + 1) * R
        // The pair's A and B as padded rows per l (the padding stays zero).
        for l in 0...lMax { ws.radialFactors(row: c, l: l, into: a + l * R, b + l * R) }
        let unit = ws.pairs[c].unit
        let Y = ws.pairHarmonics + c, dY = ws.pairHarmonicGradients + c
        for l in 0...lMax {
            for lm in (l * l)..<((l + 1) * (l + 1)) {
                let y = Y[lm * capacity]
                let dx = Lanes(repeating: dY[3 * lm * capacity]), dy = Lanes(repeating: dY[(3 * lm + 1) * capacity])
                let dz = Lanes(repeating: dY[(3 * lm + 2) * capacity])
                let yx = Lanes(repeating: unit.x * y), yy = Lanes(repeating: unit.y * y), yz = Lanes(repeating: unit.z * y)
                for v in 0..<nVectors {
                    let an = Lanes(loading: a + l * R + v * Lanes.scalarCount)
                    let bn = Lanes(loading: b + l * R + v * Lanes.scalarCount)
                    let cx = C + lm * stride + v * Lanes.scalarCount
                    let cy = cx + lmCount * stride, cz = cy + lmCount * stride
                    multiplyAdd(multiplyAdd(Lanes(loading: cx), yx, bn), dx, an).store(to: cx)
                    multiplyAdd(multiplyAdd(Lanes(loading: cy), yy, bn), dy, an).store(to: cy)
                    multiplyAdd(multiplyAdd(Lanes(loading: cz), yz, bn), dz, an).store(to: cz)
                }
            }
        }
    }

    /// The same sums over the consecutive cached rows `rows` (a whole number of vectors), a vector of pairs at a
    /// time: every factor is read along its row of pairs (the pair-by-pair form reads each from a row of its own),
    /// and each (lm, n) keeps its three sums in registers.
    private func addPairVectorDerivatives(_ ws: Workspace, rows: Range<Int>, into C: UnsafeMutablePointer<Double>, stride: Int) {
        let capacity = ws.capacityPairs, lmCount = (lMax + 1) * (lMax + 1), W = Lanes.scalarCount
        let first = rows.lowerBound, count = rows.count
        let ux = UnsafePointer(ws.pairUnits) + first, uy = ux + capacity, uz = uy + capacity
        for l in 0...lMax {
            for lm in (l * l)..<((l + 1) * (l + 1)) {
                let y = UnsafePointer(ws.pairHarmonics) + lm * capacity + first
                let gx = UnsafePointer(ws.pairHarmonicGradients) + 3 * lm * capacity + first
                let gy = gx + capacity, gz = gy + capacity
                for n in 0..<nMax {
                    let a = UnsafePointer(ws.pairA) + (l * nMax + n) * capacity + first
                    let b = UnsafePointer(ws.pairB) + (l * nMax + n) * capacity + first
                    var sx = Lanes(), sy = Lanes(), sz = Lanes()
                    for p in Swift.stride(from: 0, to: count, by: W) {
                        let yb = Lanes(loading: y + p) * Lanes(loading: b + p), an = Lanes(loading: a + p)
                        sx = multiplyAdd(multiplyAdd(sx, yb, Lanes(loading: ux + p)), an, Lanes(loading: gx + p))
                        sy = multiplyAdd(multiplyAdd(sy, yb, Lanes(loading: uy + p)), an, Lanes(loading: gy + p))
                        sz = multiplyAdd(multiplyAdd(sz, yb, Lanes(loading: uz + p)), an, Lanes(loading: gz + p))
                    }
                    C[lm * stride + n] += sx.pairwiseSum()
                    C[(lmCount + lm) * stride + n] += sy.pairwiseSum()
                    C[(2 * lmCount + lm) * stride + n] += sz.pairwiseSum()
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
                let bn = Lanes(repeating: ua * b[n * capacity]), an = Lanes(repeating: scale * a[n * capacity])
                for k in Swift.stride(from: 0, to: vectors * Lanes.scalarCount, by: Lanes.scalarCount) {
                    let start = assign ? Lanes() : Lanes(loading: row + k)
                    multiplyAdd(multiplyAdd(start, bn, Lanes(loading: v + k)), an, Lanes(loading: w + k)).store(to: row + k)
                }
                row += Kp
            }
        }
    }

    /// Where `powerSpectrumGradients` writes the blocks of the atom slots.
    enum GradientOutput {
        /// One 3 × length block per slot, one after another: gradients of q̂ when the layout normalises.
        case dense(UnsafeMutablePointer<Double>)
        /// As `dense`, slot k's block at the k-th address (a caller's arrays, each block where it belongs).
        case denseSlots(UnsafePointer<UnsafeMutablePointer<Double>>)
        /// Each slot's block in the features of its pattern (x, y, z rows, see `SparseDerivatives`), one after
        /// another. When the layout normalises, a block holds ∂q/‖q‖ and `rankOne` receives its three
        /// coefficients c_α = −q̂ · ∂_αq/‖q‖, so that ∂_αq̂ = ∂_αq/‖q‖ + c_α q̂.
        case sparse(UnsafeMutablePointer<Double>, rankOne: UnsafeMutablePointer<Double>?)
    }

    /// Gradients of the power spectrum of the center `expand(…, mode: .gradients(…))` just expanded: `output`
    /// receives one block per atom slot (an attached center's, first, is minus the sum of the others), `strain` (when
    /// the expansion asked for it) the 9 × length strain derivatives. With `descriptor` (the normalised q̂) and `norm`
    /// ‖q‖ the gradients are those of q̂ when the layout normalises; without, of q.
    ///
    /// Slot after slot: a slot of one pair, without strain, in a layout whose features form groups over l (or runs
    /// over n′), is formed group by group (run by run) from the pair's factors (`formSlotBlock`); any other has the products of its pairs
    /// formed (`addProducts`, `addSlotProducts`) and at once gathered into its block, so that they are read while
    /// still in cache; an attached center's from the products of all the pairs that move it (`addCenterProducts`). There, features of a species pair without density at the center (`ws.speciesPresent`, as
    /// `powerSpectrum` of this center, or of the averaging reference, left it) get zero derivatives without being
    /// gathered (formed from the factors, they come out zero).
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
        // The first slot's block, each slot's when they lie apart, and the rank-one coefficients.
        let (first, slotTargets, rankOne, dense):
            (UnsafeMutablePointer<Double>, UnsafePointer<UnsafeMutablePointer<Double>>?, UnsafeMutablePointer<Double>?, Bool) =
                switch output {
                case let .dense(blocks): (blocks, nil, nil, true)
                case let .denseSlots(targets): (targets[0], targets, nil, true)
                case let .sparse(blocks, rankOne): (blocks, nil, rankOne, false)
                }
        var next = first
        for slot in 0..<ws.slotAtoms.count {
            // An attached center's block: every feature, from the products of every pair, negated.
            let ownBlock = attached && slot == 0
            let table = ownBlock ? gathers[0] : gatherTable(ws, slot: slot)
            let length = dense ? D : table.scale.count
            let target = slotTargets?[slot] ?? next
            defer { next += 3 * length }
            let rows = ws.rows(ofSlot: slot)
            // A slot of one pair (an atom of a cell larger than the cutoff) without strain is formed group by group
            // or run by run when the layout allows; any other from the products of its pairs.
            let single = !ownBlock && rows.count == 1 && !ws.strain
            let groups = single ? table.groups : nil, runs = single ? table.runs : nil
            if ownBlock {
                addCenterProducts(ws)
            } else if groups == nil && runs == nil {
                if rows.count >= 3 && !ws.strain {
                    addSlotProducts(ws, rows: rows, column: ws.pairs[rows.first!].column)
                } else {
                    for (k, c) in rows.enumerated() {
                        addProducts(ws, row: c, toSlot: true, assign: k == 0, strain: ws.strain)
                    }
                }
            }
            guard ownBlock || !rows.isEmpty else {
                target.update(repeating: 0, count: 3 * length)
                for alpha in 0..<3 { rankOne?[3 * slot + alpha] = 0 }
                continue
            }
            let coefficients =
                if let groups {
                    formSlotBlock(groups, ws, row: rows.first!, into: target, length: length, descriptor: unit, inverse: inverse)
                } else if let runs {
                    formSlotBlock(runs, ws, row: rows.first!, into: target, length: length, descriptor: unit, inverse: inverse)
                } else {
                    gatherRows(
                        table, firstBlock: ws.slotBlocks, ws, into: target, length: length, descriptor: unit,
                        inverse: ownBlock ? -inverse : inverse)
                }
            for alpha in 0..<3 {
                if let rankOne {
                    rankOne[3 * slot + alpha] = coefficients[alpha]
                } else if dense, let unit {
                    // ∂q̂ = ∂q/‖q‖ + c q̂.
                    Lanes.addMultiple(coefficients[alpha], of: unit, to: target + alpha * D, D)
                }
            }
        }
        guard let strain else { return }
        for axis in 0..<3 {
            let rows = strain + 3 * axis * D
            let coefficients = gatherRows(
                gathers[0], firstBlock: 3 * axis, ws, into: rows, length: D, descriptor: unit, inverse: inverse)
            if let unit { for b in 0..<3 { Lanes.addMultiple(coefficients[b], of: unit, to: rows + b * D, D) } }
        }
    }

    /// How the block of atom slot `slot` is read from its products: by its pattern, or, for a slot of pattern 0
    /// with several species, all features from the rows of the slot's species alone.
    @inline(__always)
    private func gatherTable(_ ws: Workspace, slot: Int) -> FeatureGather {
        let pattern = ws.slotPatterns[slot]
        return pattern != 0 || species.count == 1 ? gathers[pattern] : speciesGathers[ws.slotColumns[slot] / nMax]
    }

    /// Writes the three rows (α = x, y, z, `length` apart) of a block, the features of `table` of ∂_αq/‖q‖
    /// (`inverse` = 1/‖q‖, or 1; negative for an attached center's own block) from product blocks `firstBlock` + α,
    /// and returns their rank-one coefficients c_α = −q̂ · row_α (0 without `descriptor` q̂), with which ∂_αq̂ = row_α
    /// + c_α q̂. The three rows share the table's reads.
    @inline(__always)
    private func gatherRows(
        _ table: FeatureGather, firstBlock: Int, _ ws: Workspace, into target: UnsafeMutablePointer<Double>,
        length: Int, descriptor q: UnsafePointer<Double>?, inverse: Double
    ) -> SIMD3<Double> {
        let gx = UnsafePointer(ws.gradientProducts(block: firstBlock, l: 0)), gy = gx + ws.blockSize, gz = gy + ws.blockSize
        var coefficients = SIMD3<Double>()
        var row = target
        table.first.withUnsafeBufferPointer { first in
            table.second.withUnsafeBufferPointer { second in
                table.scale.withUnsafeBufferPointer { scale in
                    var k = 0
                    for (r, pairs) in zip(table.ranges, table.species) {
                        let x = row, y = row + length, z = row + 2 * length
                        guard pairs.contains(where: { ws.speciesPresent[Int($0.x)] && ws.speciesPresent[Int($0.y)] }) else {
                            // Zero derivatives: no dot with q̂.
                            for alpha in 0..<3 { (row + alpha * length).update(repeating: 0, count: r.count) }
                            k += r.count
                            row += r.count
                            continue
                        }
                        // Feature by feature: two products per row, read by index (a vector built lane by lane
                        // goes through the stack).
                        for f in 0..<r.count {
                            let i = Int(first[k + f]), j = Int(second[k + f]), factor = scale[k + f] * inverse
                            x[f] = factor * (gx[i] + gx[j])
                            y[f] = factor * (gy[i] + gy[j])
                            z[f] = factor * (gz[i] + gz[j])
                        }
                        if let q {
                            for alpha in 0..<3 {
                                coefficients[alpha] -= Lanes.dot(q + r.lowerBound, row + alpha * length, r.count)
                            }
                        }
                        k += r.count
                        row += r.count
                    }
                }
            }
        }
        return coefficients
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
