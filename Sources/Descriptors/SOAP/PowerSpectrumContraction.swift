/// A linear map from the features of DScribe's uncompressed power spectrum to fewer features, each a sum of some of
/// them: DScribe's `mu1nu1` compression (Darby et al. 2022's μ = 1, ν = 1), whose feature (Z, l, n, n′) is
/// π √(8/(2l+1)) Σ_m c^Z_{nlm} Σ_z c^z_{n′lm} = Σ_z p^{Z z}_{l n n′}: for every species z, a product the
/// uncompressed layout holds (as p^{z Z}_{l n′ n} when z < Z, in the triangle n ≤ n′ when z = Z).
///
/// The map is linear, so it takes rows, derivative blocks and strain rows alike: the uncompressed layout's analytic
/// derivatives, contracted, are the compressed ones.
struct PowerSpectrumContraction: Sendable {
    /// Features of a contracted row.
    let length: Int
    /// Per contracted feature f, its terms `sources[starts[f]..<starts[f + 1]]`: features of the uncompressed row.
    private let starts: [Int32]
    private let sources: [Int32]

    /// DScribe's mu1nu1 over `layout`, the uncompressed DScribe layout of `speciesCount` species: for each species
    /// Z in order, for l, for n, for n′, as DScribe 2.1 writes them.
    static func mu1nu1(layout: PowerSpectrumLayout, speciesCount: Int, nMax: Int, lMax: Int) -> PowerSpectrumContraction {
        // The uncompressed layout holds each product once, with ia ≤ jb.
        var index = [SIMD3<Int32>: Int32]()
        for (k, f) in layout.features.enumerated() { index[SIMD3(f.l, min(f.ia, f.jb), max(f.ia, f.jb))] = Int32(k) }
        var starts: [Int32] = [0], sources = [Int32]()
        for s in 0..<speciesCount {
            for l in 0...lMax {
                for n in 0..<nMax {
                    for n2 in 0..<nMax {
                        for z in 0..<speciesCount {
                            let a = Int32(s * nMax + n), b = Int32(z * nMax + n2)
                            sources.append(index[SIMD3(Int32(l), min(a, b), max(a, b))]!)
                        }
                        starts.append(Int32(sources.count))
                    }
                }
            }
        }
        return PowerSpectrumContraction(length: starts.count - 1, starts: starts, sources: sources)
    }

    /// Writes the contraction of `count` consecutive vectors of the uncompressed layout (`stride` apart) at `x` to
    /// `count` vectors of `length` at `y`.
    func apply(_ x: UnsafePointer<Double>, stride: Int, count: Int, into y: UnsafeMutablePointer<Double>) {
        starts.withUnsafeBufferPointer { starts in
            sources.withUnsafeBufferPointer { sources in
                for v in 0..<count {
                    let from = x + v * stride, to = y + v * length
                    for f in 0..<length {
                        var sum = 0.0
                        for t in Int(starts[f])..<Int(starts[f + 1]) { sum += from[Int(sources[t])] }
                        to[f] = sum
                    }
                }
            }
        }
    }

    /// `full`'s rows and derivatives contracted: rows into `rowsInto` when given (room for every row; the returned
    /// rows then hold no values), blocks dense, strain rows too.
    func contract(
        _ full: (rows: DescriptorRows, derivatives: SparseDerivatives), rowsInto: UnsafeMutablePointer<Double>?
    ) -> (rows: DescriptorRows, derivatives: SparseDerivatives) {
        let D = full.rows.featureCount
        var rows = DescriptorRows(featureCount: length)
        rows.structure = full.rows.structure
        rows.center = full.rows.center
        let count = full.rows.count
        if count > 0 {
            full.rows.values.withUnsafeBufferPointer { x in
                if let rowsInto {
                    apply(x.baseAddress!, stride: D, count: count, into: rowsInto)
                } else {
                    rows.values = [Double](unsafeUninitializedCapacity: count * length) { y, n in
                        apply(x.baseAddress!, stride: D, count: count, into: y.baseAddress!)
                        n = count * length
                    }
                }
            }
        }
        let source = full.derivatives
        var derivatives = SparseDerivatives(featureCount: length, strain: source.strain != nil)
        derivatives.row = source.row
        derivatives.atom = source.atom
        var block = [Double](repeating: 0, count: 3 * D)
        derivatives.values = [Double](unsafeUninitializedCapacity: source.count * 3 * length) { y, n in
            block.withUnsafeMutableBufferPointer { b in
                for k in 0..<source.count {
                    b.update(repeating: 0)
                    source.addBlock(k, to: b.baseAddress!)
                    apply(b.baseAddress!, stride: D, count: 3, into: y.baseAddress! + k * 3 * length)
                }
            }
            n = source.count * 3 * length
        }
        if let strain = source.strain, count > 0 {
            derivatives.strain = [Double](unsafeUninitializedCapacity: count * 9 * length) { y, n in
                strain.withUnsafeBufferPointer { apply($0.baseAddress!, stride: D, count: 9 * count, into: y.baseAddress!) }
                n = count * 9 * length
            }
        }
        return (rows, derivatives)
    }
}
