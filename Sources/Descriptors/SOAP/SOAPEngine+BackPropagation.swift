import CLapack
import LinearAlgebra

/// Back-propagation of ∂E/∂q̂ to the pairs of one center, without D-sized derivative blocks.
extension SOAPEngine {
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
                func add(_ lm: Int, _ zb: Lanes, _ za: Lanes) {
                    radialPart = multiplyAdd(radialPart, Lanes(loading: Y + lm * capacity + first), zb)
                    gx = multiplyAdd(gx, za, Lanes(loading: dY + 3 * lm * capacity + first))
                    gy = multiplyAdd(gy, za, Lanes(loading: dY + (3 * lm + 1) * capacity + first))
                    gz = multiplyAdd(gz, za, Lanes(loading: dY + (3 * lm + 2) * capacity + first))
                }
                for l in 0...lMax {
                    let a = A + l * nMax * capacity + first, b = B + l * nMax * capacity + first
                    // Two m at a time: each A_n and B_n load serves both, and four independent sums hide the
                    // latency of the multiply-adds (the same sums, in the same order, as one m at a time). An odd
                    // last m pairs with itself and its second sums are dropped.
                    for lm in Swift.stride(from: l * l, to: (l + 1) * (l + 1), by: 2) {
                        let row0 = Z + lm * K + column, row1 = lm + 1 < (l + 1) * (l + 1) ? row0 + K : row0
                        var zb0 = Lanes(), za0 = Lanes(), zb1 = Lanes(), za1 = Lanes()
                        for n in 0..<nMax {
                            let bn = Lanes(loading: b + n * capacity), an = Lanes(loading: a + n * capacity)
                            zb0 = multiplyAdd(zb0, bn, Lanes(repeating: row0[n]))
                            za0 = multiplyAdd(za0, an, Lanes(repeating: row0[n]))
                            zb1 = multiplyAdd(zb1, bn, Lanes(repeating: row1[n]))
                            za1 = multiplyAdd(za1, an, Lanes(repeating: row1[n]))
                        }
                        add(lm, zb0, za0)
                        if row1 != row0 { add(lm + 1, zb1, za1) }
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
}
