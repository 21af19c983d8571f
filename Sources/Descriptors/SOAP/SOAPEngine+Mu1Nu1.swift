extension SOAPEngine {
    /// DScribe's mu1nu1 row of the expansion in `ws`, straight from its coefficients: with the total density
    /// T[lm, n′] = Σ_z X[lm, z·n_max + n′], feature (Z, l, n, n′) is π √(8/(2l+1)) Σ_m X[lm, Z·n_max + n] T[lm, n′], in
    /// `PowerSpectrumContraction.mu1nu1`'s order. This forms n_max² (l_max + 1)² products per species with density at
    /// the center, where the uncompressed row it contracts has all species pairs (a species without density has its
    /// features zero). Marks `ws.speciesPresent`, as `powerSpectrum` does, for the gradients.
    func mu1nu1(_ ws: Workspace, into out: UnsafeMutablePointer<Double>) {
        let K = channels, nMax = self.nMax, lmCount = (lMax + 1) * (lMax + 1), width = Lanes.scalarCount
        let X = UnsafePointer(ws.coefficients)
        markSpeciesPresent(ws)
        // T, padded so that a vector read past a row's last n′ stays inside (those lanes are not stored).
        withUnsafeTemporaryAllocation(of: Double.self, capacity: lmCount * nMax + width) { buffer in
            let T = buffer.baseAddress!
            T.initialize(repeating: 0, count: lmCount * nMax + width)
            for lm in 0..<lmCount {
                for z in species.indices { for n in 0..<nMax { T[lm * nMax + n] += X[lm * K + z * nMax + n] } }
            }
            let block = nMax * nMax * (lMax + 1)
            for z in species.indices {
                let rows = X + z * nMax, target = out + z * block
                guard ws.speciesPresent[z] else {
                    target.update(repeating: 0, count: block)
                    continue
                }
                for l in 0...lMax {
                    let scale = Lanes(repeating: PowerSpectrumLayout.dscribeScale(l: l))
                    for n in 0..<nMax {
                        let o = target + (l * nMax + n) * nMax
                        for n2 in Swift.stride(from: 0, to: nMax, by: width) {
                            var sum = Lanes()
                            for lm in (l * l)..<((l + 1) * (l + 1)) {
                                sum = multiplyAdd(sum, Lanes(repeating: rows[lm * K + n]), Lanes(loading: T + lm * nMax + n2))
                            }
                            sum *= scale
                            if n2 + width <= nMax {
                                sum.store(to: o + n2)
                            } else {
                                for i in 0..<(nMax - n2) { o[n2 + i] = sum[i] }
                            }
                        }
                    }
                }
            }
        }
    }
}
