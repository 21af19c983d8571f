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
    /// The features gathered, in order: the given ranges, split where the species pair of the features changes
    /// when both sides of the split are long (`shortestSplit`).
    let ranges: [Range<Int>]
    /// The species pairs of each range's features (none for constant trailing features): a range none of whose
    /// pairs has density of both species at the center has zero derivatives (a factor of each product is zero).
    let species: [[SIMD2<Int32>]]

    /// Ranges are split only into pieces of at least this many features: a layout that interleaves species pairs
    /// feature by feature (QUIP's) keeps its long ranges, whose per-range work (three dot products) would otherwise
    /// cost more than the gather; DScribe's, a block per pair, splits into blocks of hundreds.
    static let shortestSplit = 64

    /// The gather of `ranges` of `layout`'s features for a slot whose products are filled in the rows `rows`
    /// (every row for pattern 0), `channels` rows (species after species, `nMax` each) of `rowStride` entries per
    /// l, and zero at `zeroEntry`.
    init(
        layout: PowerSpectrumLayout, ranges: [Range<Int>], rows: Range<Int>, channels K: Int, nMax: Int,
        rowStride: Int, zeroEntry: Int
    ) {
        var first = [Int32](), second = [Int32](), scale = [Double]()
        let nMax = Int32(nMax)
        func pair(_ k: Int) -> SIMD2<Int32>? {
            k < layout.features.count ? SIMD2(layout.features[k].ia / nMax, layout.features[k].jb / nMax) : nil
        }
        var split = [Range<Int>](), species = [[SIMD2<Int32>]]()
        for r in ranges {
            // Runs of one pair; a short run joins the piece before it, and a short piece takes the next run.
            var start = r.lowerBound
            for k in r where k == r.upperBound - 1 || pair(k + 1) != pair(start) {
                let run = start..<(k + 1), runPair = pair(start).map { [$0] } ?? []
                if let last = split.last, last.upperBound == run.lowerBound,
                    run.count < Self.shortestSplit || last.count < Self.shortestSplit
                {
                    split[split.count - 1] = last.lowerBound..<run.upperBound
                    species[species.count - 1] += runPair.filter { !species[species.count - 1].contains($0) }
                } else {
                    split.append(run)
                    species.append(runPair)
                }
                start = k + 1
            }
        }
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
        self.ranges = split
        self.species = species
    }
}
