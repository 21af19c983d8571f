/// How the derivative of each feature of a block pattern is read from a slot's gradient products
/// G_l[ia][jb] = Σ_m ∂X[m, ia] X[m, jb]: ∂f = scale_f (G[ia][jb] + G[jb][ia]), one entry per stored feature in
/// the pattern's order. A product outside the rows a slot fills (another species' channels, or a constant
/// trailing feature) is read from `Workspace.zeroEntry`, so the slot's other rows need not be cleared.
final class FeatureGather: Sendable {
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

    /// For a layout whose features come as every l of one channel pair, l fastest (QUIP's), the groups the
    /// gathered features form: a slot with a single pair forms each group's derivatives straight from the pair's
    /// factors, one vector over l (`SOAPEngine.formSlotBlock`), without products. nil for any other layout, or with
    /// more values of l than `Lanes` has lanes, or for products in the rows of several species (the strain's).
    let groups: Groups?
    /// For a layout whose features come as runs over n′ (DScribe's), the runs the gathered features form, which a
    /// slot with a single pair forms straight from the pair's factors (see `Runs`). nil where there are groups, for
    /// runs of fewer than two features on average, or for products in the rows of several species.
    let runs: Runs?

    /// The gathered features as groups over l, and the constant features between them.
    struct Groups: Sendable {
        /// One channel pair (ia, jb): its l_max + 1 features, ∂f_l = scale_l (G_l[ia][jb] + G_l[jb][ia]), with
        /// G_l[ia][jb] = û_α B_{n,l} v_l[jb] + A_{n,l} w_α,l[jb] for ia = first channel of the slot's rows + n
        /// (zero for ia outside them).
        struct Group: Sendable {
            /// Gathered index of the group's first feature (l = 0), and its index in the layout.
            let output: Int32, feature: Int32
            /// Where `SOAPEngine.formSlotBlock` reads the two terms' factors, as offsets in doubles: one term is
            /// G[c][c′] with c = first channel of the slot's rows + n, the other G[c′][c] with n′. The scaled A and B
            /// of (the group's factors in `scales`, k; n) lie at `firstFactors` = (k (n_max + 1) + n) · 2W, the
            /// partner's v, w_x, w_y, w_z at `firstPartner` = c′ · 4W (W = `Lanes.scalarCount`); `second…` likewise.
            /// c is the channel in the slot's rows when only one of the two is; n′ = n_max (rows of zeros) for a
            /// channel outside them.
            let firstFactors: Int32, firstPartner: Int32, secondFactors: Int32, secondPartner: Int32
            /// A whole vector can be written from `output` (and read from `feature` in the descriptor): the lanes past
            /// l_max are zero and land on features written after them (in the order of `list`), or on constant
            /// features (zero). Else only the group's own lanes are.
            var whole: Bool
        }

        /// The groups: first the `twoTerms` whose two terms are non-zero (both channels in the slot's rows), then those
        /// of one term (one channel outside the slot's rows), which is the first (the second's n is n_max).
        let list: [Group]
        let twoTerms: Int
        /// The distinct factors of the groups, scale_l for l ≤ l_max and 0 past it.
        let scales: [Lanes]
        /// Gathered indices of constant features (zero derivatives).
        let constants: [Int32]

        /// The groups of the features `order` (layout indices, in gathered order) of `layout`, for products in the
        /// slot rows `rows`; nil when they do not form groups.
        init?(layout: PowerSpectrumLayout, order: [Int], rows: Range<Int>, nMax: Int) {
            let features = layout.features
            let L = Int(features.map(\.l).max() ?? 0) + 1
            guard L <= Lanes.scalarCount else { return nil }
            func row(_ channel: Int32) -> Int32 {
                rows.contains(Int(channel)) ? channel - Int32(rows.lowerBound) : Int32(nMax)
            }
            var list = [Group](), one = [Group](), scales = [Lanes](), constants = [Int32]()
            let formed = FeatureGather.walk(order, featureCount: features.count, constants: &constants) { g, k in
                let f = features[k]
                guard g + L <= order.count,
                    (0..<L).allSatisfy({ i in
                        order[g + i] == k + i && k + i < features.count && features[k + i].l == i
                            && features[k + i].ia == f.ia && features[k + i].jb == f.jb
                    })
                else { return nil }
                var scale = Lanes()
                for i in 0..<L { scale[i] = features[k + i].scale }
                let s = scales.firstIndex(of: scale) ?? scales.count
                if s == scales.count { scales.append(scale) }
                // The one term of a group with a channel outside the slot's rows goes first.
                let (first, second) = row(f.ia) == Int32(nMax) ? (f.jb, f.ia) : (f.ia, f.jb)
                let W = Int32(Lanes.scalarCount), kind = Int32(s * (nMax + 1))
                let group = Group(
                    output: Int32(g), feature: Int32(k), firstFactors: (kind + row(first)) * 2 * W,
                    firstPartner: second * 4 * W, secondFactors: (kind + row(second)) * 2 * W, secondPartner: first * 4 * W,
                    whole: g + Lanes.scalarCount <= order.count && k + Lanes.scalarCount <= layout.length)
                if row(second) == Int32(nMax) { one.append(group) } else { list.append(group) }
                return L
            }
            guard formed else { return nil }
            // The two-term groups are written first: a one-term group whose lanes past l_max would land on a two-term
            // group (written before it; with few l, a vector reaches past several groups) writes its own lanes only.
            var twoTermLanes = [Bool](repeating: false, count: order.count)
            for group in list { for i in 0..<L { twoTermLanes[Int(group.output) + i] = true } }
            for k in one.indices where one[k].whole {
                let o = Int(one[k].output)
                one[k].whole = !twoTermLanes[(o + L)..<(o + Lanes.scalarCount)].contains(true)
            }
            self.twoTerms = list.count
            self.list = list + one
            self.scales = scales
            self.constants = constants
        }
    }

    /// Walks the gathered features `order` (layout indices) in order: an index past the layout's `featureCount`
    /// (a constant trailing feature) goes to `constants` as its gathered index; at any other, `body(g, k)` takes the
    /// features from gathered index g (layout index k) on and returns how many it took, or nil to end the walk, which
    /// then returns false.
    static func walk(
        _ order: [Int], featureCount: Int, constants: inout [Int32], _ body: (_ g: Int, _ k: Int) -> Int?
    ) -> Bool {
        var g = 0
        while g < order.count {
            let k = order[g]
            guard k < featureCount else {
                constants.append(Int32(g))
                g += 1
                continue
            }
            guard let taken = body(g, k) else { return false }
            g += taken
        }
        return true
    }

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
        // Groups and runs read a slot's factors, which cover the channels of one species.
        let order = ranges.flatMap { Array($0) }, single = rows.count == Int(nMax)
        groups = single ? Groups(layout: layout, order: order, rows: rows, nMax: Int(nMax)) : nil
        runs =
            single && groups == nil
            ? Runs(layout: layout, order: order, rows: rows, nMax: Int(nMax), rowStride: rowStride) : nil
    }
}
