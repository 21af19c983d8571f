/// How `SOAPEngine.powerSpectrum` forms the features of a `PowerSpectrumLayout`: the products
/// P_l[ia][jb] = Σ_m X[m, ia] X[m, jb] of only the species blocks the layout reads (the channels of species a
/// against those of species b), and the features copied from them in runs.
///
/// A block whose species has no density at a center (every one of its coefficients zero) has only zero products,
/// so it is neither formed nor read: its features stay as the zeros the row starts with. Molecules and crystals
/// with a few of many species are the common case (the lesson's water has H and O of H, C, N, O).
struct PowerSpectrumPlan: Sendable {
    /// Products P_l[ia][jb] for ia in the channels of species `a`, jb in those of `b`, every l, and the runs of
    /// features read from them (`runs[runs]`).
    struct Block: Sendable {
        let a: Int
        let b: Int
        let runs: Range<Int>
    }

    /// Features `output`, `output + outputStride`, … (`count` of them) are `scale` times the consecutive products
    /// from `source` on (offset l·K·K + ia·K + jb), all in one block.
    struct Run: Sendable {
        let output: Int32
        let outputStride: Int32
        let source: Int32
        let count: Int32
        let scale: Double
    }

    let blocks: [Block]
    /// Block after block, each block's runs in the order of its products.
    let runs: [Run]
    /// Per block, the features it holds, when each block's are one contiguous range and the blocks hold every feature
    /// (DScribe's layouts): a row is then written once, a block's range zeroed when the block is not formed. Nil
    /// otherwise (QUIP's layout interleaves its blocks): the row is zeroed first.
    let spans: [Range<Int>]?

    /// The plan of `layout` with `species` species of `nMax` channels each.
    init(layout: PowerSpectrumLayout, species: Int, nMax: Int) {
        let K = species * nMax
        func source(_ f: PowerSpectrumLayout.Feature) -> Int { Int(f.l) * K * K + Int(f.ia) * K + Int(f.jb) }
        var blockIndex = [SIMD2<Int>: Int](), pairs = [SIMD2<Int>](), runsOfBlock = [[Run]]()
        // Per block, its lowest and highest feature and how many it holds (for `spans`).
        var lowest = [Int](), highest = [Int](), held = [Int]()
        // In the order of the products, each feature extends its block's last run when it reads the next product
        // with the same factor, at the same output step (contiguous products leave no room for another block's).
        let features = layout.features
        for k in features.indices.sorted(by: { source(features[$0]) < source(features[$1]) }) {
            let f = features[k]
            let pair = SIMD2(Int(f.ia) / nMax, Int(f.jb) / nMax)
            let b = blockIndex[pair] ?? pairs.count
            if b == pairs.count {
                blockIndex[pair] = b
                pairs.append(pair)
                runsOfBlock.append([])
                lowest.append(k)
                highest.append(k)
                held.append(0)
            }
            (lowest[b], highest[b], held[b]) = (min(lowest[b], k), max(highest[b], k), held[b] + 1)
            if let last = runsOfBlock[b].last, last.scale == f.scale, Int(last.source + last.count) == source(f),
                k > Int(last.output), last.count == 1 || k == Int(last.output + last.count * last.outputStride)
            {
                let stride = last.count == 1 ? Int32(k) - last.output : last.outputStride
                runsOfBlock[b][runsOfBlock[b].count - 1] = Run(
                    output: last.output, outputStride: stride, source: last.source, count: last.count + 1,
                    scale: last.scale)
            } else {
                runsOfBlock[b].append(Run(output: Int32(k), outputStride: 1, source: Int32(source(f)), count: 1, scale: f.scale))
            }
        }
        var start = 0
        blocks = pairs.indices.map { b in
            defer { start += runsOfBlock[b].count }
            return Block(a: pairs[b].x, b: pairs[b].y, runs: start..<(start + runsOfBlock[b].count))
        }
        runs = runsOfBlock.flatMap { $0 }
        let contiguous = pairs.indices.allSatisfy { highest[$0] - lowest[$0] + 1 == held[$0] }
        spans = contiguous && features.count == layout.length ? pairs.indices.map { lowest[$0]..<(highest[$0] + 1) } : nil
    }
}
