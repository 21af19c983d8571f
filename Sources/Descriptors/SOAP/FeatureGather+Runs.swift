extension FeatureGather {
    /// For a layout whose features come as runs over the partner's n′ for one (l, n) (DScribe's: for l, for n, for n′),
    /// the runs the gathered features form, at most a vector each: a slot with a single pair forms each run's
    /// derivatives straight from the pair's radial factors and projections, one vector over n′
    /// (`SOAPEngine.formSlotBlock(_:_:row:into:length:descriptor:inverse:)` with runs), without products and without
    /// the transposition that groups over l need.
    ///
    /// Feature (l, ia, jb) has ∂_αf = s_f (G_l[ia][jb] + G_l[jb][ia]), G_l[ia][jb] = û_α B_{l,n} v_l[jb] + A_{l,n}
    /// w_α,l[jb] for ia = first channel of the slot's rows + n, zero for ia outside them: along a run, jb steps by
    /// one, so the first term is a scalar (A, B of ia's n) times a vector (v, w of jb…), the second a vector (A, B
    /// of jb's n…) times a scalar (v, w of ia).
    struct Runs: Sendable {
        /// Consecutive features of one (l, ia, scale), jb stepping by one within one species.
        struct Run: Sendable {
            /// Gathered index of the run's first feature, and its index in the layout.
            let output: Int32, feature: Int32
            /// Features in the run, 1…`Lanes.scalarCount`.
            let count: Int32
            /// Whether each term is non-zero: ia, respectively jb, among the slot's rows.
            let first: Bool, second: Bool
            /// Offsets in doubles. The scaled radial factors of (the run's (l, scale), `kinds`, k; n) lie at (2k ·
            /// `radialStride` + n) for A and one `radialStride` further for B: `firstRadial` for ia's n, read as
            /// scalars, `secondRadial` for jb's, read as a vector. A projection row of l (v, w_x, w_y, w_z, each
            /// `rowStride` long) starts at 4 l · rowStride: `firstProjection` is jb's entry (vectors), `secondProjection`
            /// ia's (scalars).
            let firstRadial: Int32, firstProjection: Int32, secondRadial: Int32, secondProjection: Int32
            /// A whole vector can be written from `output` and read from `feature` in the descriptor: its lanes past
            /// `count` land on features written after it (by later runs, in order, or as constants), inside the
            /// block. Else only the run's own lanes are.
            let whole: Bool
        }

        /// The runs, in gathered order (a run's spilled lanes are overwritten by the runs after it).
        let list: [Run]
        /// The distinct (l, scale) of the runs: the radial factors are scaled once per block for each.
        let kinds: [(l: Int, scale: Double)]
        /// Gathered indices of features with zero derivatives: constant features, and those of no channel of the
        /// slot's rows. Written after the runs.
        let constants: [Int32]
        /// Length of a kind's row of A (and of B): n_max plus a vector's lanes, which a vector read at the last n may
        /// reach.
        let radialStride: Int

        /// The runs of the features `order` (layout indices, in gathered order) of `layout`, for a slot whose
        /// factors fill the rows `rows`, projections in rows of `rowStride` (a run longer than a vector's lanes is
        /// split); nil when the runs average fewer than two features (QUIP's layout, l fastest, comes one feature to
        /// a run; n_max ≤ 2 barely more), where forming them would be no faster than gathering products.
        init?(layout: PowerSpectrumLayout, order: [Int], rows: Range<Int>, nMax: Int, rowStride: Int) {
            let features = layout.features, W = Lanes.scalarCount, R = nMax + W
            radialStride = R
            var list = [Run](), kinds = [(l: Int, scale: Double)](), constants = [Int32]()
            // Features of no channel of the slot's rows (beside the walk's constant features).
            var inRuns = 0, zeros = [Int32]()
            _ = FeatureGather.walk(order, featureCount: features.count, constants: &constants) { g, k in
                let f = features[k], species = Int(f.jb) / nMax
                var count = 1
                while count < W && g + count < order.count && order[g + count] == k + count && k + count < features.count {
                    let next = features[k + count]
                    guard
                        next.l == f.l && next.ia == f.ia && Int(next.jb) == Int(f.jb) + count
                            && Int(next.jb) / nMax == species && next.scale == f.scale
                    else { break }
                    count += 1
                }
                let first = rows.contains(Int(f.ia)), second = rows.contains(Int(f.jb))
                guard first || second else {
                    zeros += (g..<(g + count)).map { Int32($0) }
                    return count
                }
                let kind = kinds.firstIndex { $0.l == Int(f.l) && $0.scale == f.scale } ?? kinds.count
                if kind == kinds.count { kinds.append((Int(f.l), f.scale)) }
                let radial = 2 * kind * R, projection = 4 * Int(f.l) * rowStride
                // A channel outside the rows reads n = 0 (its term is skipped).
                let n1 = first ? Int(f.ia) - rows.lowerBound : 0, n2 = second ? Int(f.jb) - rows.lowerBound : 0
                list.append(
                    Run(
                        output: Int32(g), feature: Int32(k), count: Int32(count), first: first, second: second,
                        firstRadial: Int32(radial + n1), firstProjection: Int32(projection + Int(f.jb)),
                        secondRadial: Int32(radial + n2), secondProjection: Int32(projection + Int(f.ia)),
                        whole: g + W <= order.count && k + W <= layout.length))
                inRuns += count
                return count
            }
            // One feature to a run (QUIP's layout) is no faster than gathering products.
            guard !list.isEmpty, inRuns >= 2 * list.count else { return nil }
            self.list = list
            self.kinds = kinds
            self.constants = constants + zeros
        }
    }
}
