/// The block of a slot of one pair in a layout whose features come as runs over n′ (DScribe's).
extension SOAPEngine {
    /// Writes the block of an atom slot whose one pair is cached row `c` (no strain) straight from the pair's
    /// factors, a run of `runs` at a time: ∂_αf = s_f (û_α B_n v_l[jb] + A_n w_α,l[jb]) for ia = (slot, n), plus
    /// the same with ia and jb swapped for jb in the slot's rows, as one vector over jb (see `FeatureGather.Runs`;
    /// s_f and `inverse` go into A and B once per block). The projections are read as they come, vectors over
    /// channels. Otherwise as `gatherRows`: the three rows `length` apart, scaled by `inverse`, and their rank-one
    /// coefficients returned.
    func formSlotBlock(
        _ runs: FeatureGather.Runs, _ ws: Workspace, row c: Int, into target: UnsafeMutablePointer<Double>,
        length: Int, descriptor q: UnsafePointer<Double>?, inverse: Double
    ) -> SIMD3<Double> {
        let W = Lanes.scalarCount, Kp = ws.rowStride, R = runs.radialStride
        let P = projectEveryL(ws, row: c)
        // A and B of each kind (l, scale) times its scale and `inverse`, rows of R, zero past n_max; then three
        // vectors of scratch.
        let S = ws.scaledFactors(2 * runs.kinds.count * R + 3 * W)
        for (k, kind) in runs.kinds.enumerated() {
            let a = S + 2 * k * R, b = a + R
            ws.radialFactors(row: c, l: kind.l, times: kind.scale * inverse, into: a, b)
            (a + nMax).update(repeating: 0, count: R - nMax)
            (b + nMax).update(repeating: 0, count: R - nMax)
        }
        let scratch = S + 2 * runs.kinds.count * R
        let unit = ws.pairs[c].unit
        let ux = Lanes(repeating: unit.x), uy = Lanes(repeating: unit.y), uz = Lanes(repeating: unit.z)
        let x = target, y = target + length, z = y + length
        let radial = UnsafePointer(S), projections = UnsafePointer(P)
        var sx = Lanes(), sy = Lanes(), sz = Lanes(), partial = SIMD3<Double>()
        runs.list.withUnsafeBufferPointer { list in
            for run in list {
                var dx = Lanes(), dy = Lanes(), dz = Lanes()
                if run.first {
                    // ia's A and B (scalars) times jb's v and w (vectors).
                    let r = radial + Int(run.firstRadial), p = projections + Int(run.firstProjection)
                    let a = Lanes(repeating: r[0]), b = Lanes(repeating: r[R]) * Lanes(loading: p)
                    dx = multiplyAdd(a * Lanes(loading: p + Kp), ux, b)
                    dy = multiplyAdd(a * Lanes(loading: p + 2 * Kp), uy, b)
                    dz = multiplyAdd(a * Lanes(loading: p + 3 * Kp), uz, b)
                }
                if run.second {
                    // jb's A and B (vectors) times ia's v and w (scalars).
                    let r = radial + Int(run.secondRadial), p = projections + Int(run.secondProjection)
                    let a = Lanes(loading: r), b = Lanes(loading: r + R) * p[0]
                    dx = multiplyAdd(multiplyAdd(dx, a, Lanes(repeating: p[Kp])), ux, b)
                    dy = multiplyAdd(multiplyAdd(dy, a, Lanes(repeating: p[2 * Kp])), uy, b)
                    dz = multiplyAdd(multiplyAdd(dz, a, Lanes(repeating: p[3 * Kp])), uz, b)
                }
                let o = Int(run.output), f = Int(run.feature), count = Int(run.count)
                if run.whole {
                    dx.store(to: x + o)
                    dy.store(to: y + o)
                    dz.store(to: z + o)
                    if let q {
                        let own = Self.laneIndices .< Lanes(repeating: Double(count))
                        let qf = Lanes(loading: q + f).replacing(with: 0, where: .!own)
                        sx = multiplyAdd(sx, qf, dx)
                        sy = multiplyAdd(sy, qf, dy)
                        sz = multiplyAdd(sz, qf, dz)
                    }
                } else {
                    partial += Self.storeLanes(
                        (dx, dy, dz), count: count, scratch: scratch, into: target, length: length, at: o, descriptor: q,
                        feature: f)
                }
            }
        }
        for constant in runs.constants { (x[Int(constant)], y[Int(constant)], z[Int(constant)]) = (0, 0, 0) }
        return -(SIMD3(sx.pairwiseSum(), sy.pairwiseSum(), sz.pairwiseSum()) + partial)
    }
}
