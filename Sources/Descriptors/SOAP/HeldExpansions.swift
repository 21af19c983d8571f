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
    /// Each row's norm before normalisation (0 when the layout does not normalise).
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

    /// The centers to make room for when a structure has `centers`: at most `maximumCenters`, and no more than
    /// the workspaces' own buffers (`Workspace.Sizes`) and a descriptor row each fit in `maximumPairValues` doubles.
    static func capacity(engine: SOAPEngine, centers: Int) -> Int {
        let sizes = Workspace.Sizes(channels: engine.channels, nMax: engine.nMax, lMax: engine.lMax)
        let own = sizes.total + engine.layout.length
        return max(1, min(centers, maximumCenters, maximumPairValues / own))
    }

    /// Some centers of one structure, held together with others in a batch.
    typealias Part = (p: SOAP.Prepared, centers: Range<Int>)

    /// The centers of `prepared` in batches to hold at once, each a list of parts (a structure and a range of its
    /// centers) taken in order, across structures: at most `capacity` centers (`capacity(engine:centers:)`) with
    /// their pairs' factors within `maximumPairValues` doubles, and at least one center each.
    func batches(_ prepared: [SOAP.Prepared]) -> [[Part]] {
        let pairValues = Workspace.pairValues(nMax: engine.nMax, lMax: engine.lMax), most = spaces.count
        var out = [[Part]](), batch = [Part]()
        var count = 0, values = 0
        for p in prepared {
            var start = 0
            for c in p.centers.indices {
                let own = (p.list.pairs(of: p.centers[c].site).count + 1) * pairValues
                if count > 0 && (count == most || values + own > Self.maximumPairValues) {
                    if c > start { batch.append((p, start..<c)) }
                    out.append(batch)
                    (batch, count, values, start) = ([], 0, 0, c)
                }
                count += 1
                values += own
            }
            if start < p.centers.count { batch.append((p, start..<p.centers.count)) }
        }
        if !batch.isEmpty { out.append(batch) }
        return out
    }

    /// Expands the centers `batch` of `p` on up to `threads` workers into the held slots from `first` on.
    func expand(_ p: SOAP.Prepared, centers batch: Range<Int>, at first: Int = 0, threads: Int) {
        let D = engine.layout.length
        Parallel.forEachRange(batch.count, threads: threads) { range in
            for k in range {
                let ws = self.spaces[first + k]
                self.engine.expand(
                    center: p.centers[batch.lowerBound + k], list: p.list, speciesOf: p.speciesOf, densityScales: p.densityScales,
                    workspace: ws,
                    mode: .backPropagation)
                self.norms[first + k] = self.engine.powerSpectrum(ws, into: self.descriptors + (first + k) * D)
            }
        }
    }

    /// The descriptor rows of `parts`, expanded one after another into the slots from 0 on.
    func rows(_ parts: [Part]) -> DescriptorRows {
        let D = engine.layout.length, count = parts.reduce(0) { $0 + $1.centers.count }
        var rows = DescriptorRows(featureCount: D)
        rows.values = Array(UnsafeBufferPointer(start: descriptors, count: count * D))
        for (p, batch) in parts {
            rows.structure += [Int](repeating: p.index, count: batch.count)
            rows.center += p.centers[batch].map { $0.atom ?? -1 }
        }
        return rows
    }

    /// Back-propagates `weights` (∂E/∂q̂, one row per held slot; those of `batch`, which `expand` held from slot
    /// `first` on) to each pair's gradient, on up to `threads` workers: one accumulator per worker, in worker order.
    func backPropagate(
        _ p: SOAP.Prepared, centers batch: Range<Int>, weights: [Double], at first: Int = 0, threads: Int
    ) -> [PairGradientAccumulator] {
        let D = engine.layout.length, count = batch.count, workers = max(1, min(threads, count))
        return Parallel.map(workers, threads: workers) { worker in
            var forces = PairGradientAccumulator(count: p.structure.count)
            weights.withUnsafeBufferPointer { w in
                for k in (count * worker / workers)..<(count * (worker + 1) / workers) {
                    guard let i = p.centers[batch.lowerBound + k].atom else { continue }
                    let slot = first + k
                    self.engine.backPropagate(
                        self.spaces[slot], weights: w.baseAddress! + slot * D, descriptor: self.descriptors + slot * D,
                        norm: self.norms[slot]
                    ) { j, d, g in
                        forces.addPairGradient(g, vector: d, center: i, neighbor: j)
                    }
                }
            }
            return forces
        }
    }
}
