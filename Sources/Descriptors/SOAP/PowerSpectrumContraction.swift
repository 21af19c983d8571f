/// A linear map from the features of DScribe's uncompressed power spectrum to fewer features, each a sum of some of
/// them: DScribe's `mu1nu1` compression (Darby et al. 2022's μ = 1, ν = 1), whose feature (Z, l, n, n′) is
/// π √(8/(2l+1)) Σ_m c^Z_{nlm} Σ_z c^z_{n′lm} = Σ_z p^{Z z}_{l n n′}: for every species z, a product the
/// uncompressed layout holds (as p^{z Z}_{l n′ n} when z < Z, in the triangle n ≤ n′ when z = Z).
///
/// The map is linear, so it takes derivative blocks and strain rows as it takes rows: the uncompressed layout's analytic
/// derivatives, contracted, are the compressed ones. A center's row itself is formed directly (`SOAPEngine.mu1nu1`).
struct PowerSpectrumContraction: Sendable {
    /// Features of a contracted row.
    let length: Int
    /// Terms of every contracted feature.
    private let terms: Int
    /// Per contracted feature f, its terms `sources[f · terms ..< (f + 1) · terms]`: features of the uncompressed row.
    private let sources: [Int32]

    /// DScribe's mu1nu1 over `layout`, the uncompressed DScribe layout of `speciesCount` species: for each species
    /// Z in order, for l, for n, for n′, as DScribe 2.1 writes them.
    static func mu1nu1(layout: PowerSpectrumLayout, speciesCount: Int, nMax: Int, lMax: Int) -> PowerSpectrumContraction {
        // The uncompressed layout holds each product once, with ia ≤ jb.
        var index = [SIMD3<Int32>: Int32]()
        for (k, f) in layout.features.enumerated() { index[SIMD3(f.l, min(f.ia, f.jb), max(f.ia, f.jb))] = Int32(k) }
        var sources = [Int32]()
        for s in 0..<speciesCount {
            for l in 0...lMax {
                for n in 0..<nMax {
                    for n2 in 0..<nMax {
                        for z in 0..<speciesCount {
                            let a = Int32(s * nMax + n), b = Int32(z * nMax + n2)
                            sources.append(index[SIMD3(Int32(l), min(a, b), max(a, b))]!)
                        }
                    }
                }
            }
        }
        return PowerSpectrumContraction(length: sources.count / speciesCount, terms: speciesCount, sources: sources)
    }

    /// Writes the contraction of `count` consecutive vectors of the uncompressed layout (`stride` apart) at `x` to
    /// `count` vectors of `length` at `y`.
    func apply(_ x: UnsafePointer<Double>, stride: Int, count: Int, into y: UnsafeMutablePointer<Double>) {
        sources.withUnsafeBufferPointer { sources in
            for v in 0..<count {
                let from = x + v * stride, to = y + v * length
                var t = 0
                for f in 0..<length {
                    var sum = 0.0
                    for _ in 0..<terms {
                        sum += from[Int(sources[t])]
                        t += 1
                    }
                    to[f] = sum
                }
            }
        }
    }
}
