/// How the derivative of each feature of a block pattern is read from a slot's gradient products
/// G_l[ia][jb] = Σ_m ∂X[m, ia] X[m, jb]: ∂f = scale_f (G[ia][jb] + G[jb][ia]), one entry per stored feature in
/// the pattern's order. A product outside the rows a slot fills (another species' channels, or a constant
/// trailing feature) is read from `Workspace.zeroEntry`, so the slot's other rows need not be cleared.
struct FeatureGather: Sendable {
    /// Offsets within a block of the gradient products of G[ia][jb] and G[jb][ia].
    let first: [Int32]
    let second: [Int32]
    /// The layout's factor of each feature (0 for constant trailing features).
    let scale: [Double]
    /// The features gathered, in order.
    let ranges: [Range<Int>]

    /// The gather of `ranges` of `layout`'s features for a slot whose products are filled in the rows `rows`
    /// (every row for pattern 0), `channels` rows of `rowStride` entries per l, and zero at `zeroEntry`.
    init(
        layout: PowerSpectrumLayout, ranges: [Range<Int>], rows: Range<Int>, channels K: Int, rowStride: Int,
        zeroEntry: Int
    ) {
        var first = [Int32](), second = [Int32](), scale = [Double]()
        for r in ranges {
            for k in r {
                guard k < layout.features.count else {
                    first.append(Int32(zeroEntry))
                    second.append(Int32(zeroEntry))
                    scale.append(0)
                    continue
                }
                let f = layout.features[k]
                let base = Int(f.l) * K * rowStride, ia = Int(f.ia), jb = Int(f.jb)
                first.append(Int32(rows.contains(ia) ? base + ia * rowStride + jb : zeroEntry))
                second.append(Int32(rows.contains(jb) ? base + jb * rowStride + ia : zeroEntry))
                scale.append(f.scale)
            }
        }
        self.first = first
        self.second = second
        self.scale = scale
        self.ranges = ranges
    }
}
