import Atoms
import Support

/// The density expansions of a batch of centers, held between the two passes of `SOAP.backPropagate`: each
/// center's coefficients, descriptor and norm, and its pairs' radial and angular factors (a `Workspace` per
/// center, expanded in back-propagation mode). The second pass then only contracts them with the model's
/// gradient, instead of expanding every center a second time.
///
/// Workers take contiguous ranges of the batch, each touching only its own centers' workspaces and rows.
final class HeldExpansions: @unchecked Sendable {
    let engine: SOAPEngine
    private let spaces: [Workspace]
    /// Centers it can hold at once.
    var capacity: Int { spaces.count }
    /// The batch's descriptor rows, one after another.
    private let descriptors: UnsafeMutablePointer<Double>
    /// Each row's norm before normalisation.
    private let norms: UnsafeMutablePointer<Double>

    /// Most centers held at once, and most cached pair factors (doubles) a batch may hold beyond its first center.
    static let maximumCenters = 256, maximumPairValues = 1 << 22

    /// Room for `capacity` centers.
    init(engine: SOAPEngine, capacity: Int) {
        self.engine = engine
        spaces = (0..<capacity).map { _ in Workspace(channels: engine.channels, nMax: engine.nMax, lMax: engine.lMax) }
        descriptors = .allocate(capacity: capacity * engine.layout.length)
        norms = .allocate(capacity: capacity)
    }

    deinit {
        descriptors.deallocate()
        norms.deallocate()
    }

    /// Doubles a cached pair holds (`Workspace.pairValues`).
    private var pairValues: Int { Workspace.pairValues(nMax: engine.nMax, lMax: engine.lMax) }

    /// The centers to make room for when a structure has `centers`: at most `maximumCenters`, and no more than
    /// the workspaces' own buffers (coefficients, products, back-projection) fit in `maximumPairValues` doubles.
    static func capacity(engine: SOAPEngine, centers: Int) -> Int {
        let K = engine.channels, lm = (engine.lMax + 1) * (engine.lMax + 1)
        let own = 2 * lm * K + (engine.lMax + 1) * K * K + engine.layout.length
        return max(1, min(centers, maximumCenters, maximumPairValues / own))
    }

    /// Consecutive ranges of the centers of `p` to hold at once: at most the capacity (`capacity(engine:centers:)`), their
    /// pairs' factors within `maximumPairValues` doubles, and at least one center each.
    func batches(_ p: SOAP.Prepared) -> [Range<Int>] {
        let most = spaces.count
        var out = [Range<Int>](), start = 0, values = 0
        for c in p.centers.indices {
            let own = (p.list.pairs(of: p.centers[c].site).count + 1) * pairValues
            if c > start && (c - start == most || values + own > Self.maximumPairValues) {
                out.append(start..<c)
                (start, values) = (c, 0)
            }
            values += own
        }
        if start < p.centers.count { out.append(start..<p.centers.count) }
        return out
    }

    /// Expands the centers `batch` of `p` on up to `threads` workers and returns their descriptor rows.
    func expand(_ p: SOAP.Prepared, centers batch: Range<Int>, threads: Int) -> DescriptorRows {
        let D = engine.layout.length
        Parallel.forEachRange(batch.count, threads: threads) { range in
            for k in range {
                let ws = self.spaces[k]
                self.engine.expand(
                    center: p.centers[batch.lowerBound + k], list: p.list, speciesOf: p.speciesOf, workspace: ws,
                    mode: .backPropagation)
                self.norms[k] = self.engine.powerSpectrum(ws, into: self.descriptors + k * D)
            }
        }
        var rows = DescriptorRows(featureCount: D)
        rows.values = Array(UnsafeBufferPointer(start: descriptors, count: batch.count * D))
        rows.structure = [Int](repeating: p.index, count: batch.count)
        rows.center = p.centers[batch].map { $0.atom ?? -1 }
        return rows
    }

    /// Back-propagates `weights` (∂E/∂q̂, one row per center of `batch`, the batch `expand` last held) to each
    /// pair's gradient, on up to `threads` workers: one accumulator per worker, in worker order.
    func backPropagate(
        _ p: SOAP.Prepared, centers batch: Range<Int>, weights: [Double], threads: Int
    ) -> [PairGradientAccumulator] {
        let D = engine.layout.length, count = batch.count, workers = max(1, min(threads, count))
        return Parallel.map(workers, threads: workers) { worker in
            var forces = PairGradientAccumulator(count: p.structure.count)
            weights.withUnsafeBufferPointer { w in
                for k in (count * worker / workers)..<(count * (worker + 1) / workers) {
                    guard let i = p.centers[batch.lowerBound + k].atom else { continue }
                    self.engine.backPropagate(
                        self.spaces[k], weights: w.baseAddress! + k * D, descriptor: self.descriptors + k * D, norm: self.norms[k]
                    ) { j, d, g in
                        forces.addPairGradient(g, vector: d, center: i, neighbor: j)
                    }
                }
            }
            return forces
        }
    }
}
