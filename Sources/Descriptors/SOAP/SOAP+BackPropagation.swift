import Atoms
import Support

extension SOAP {
    /// A model of local energies: given the descriptor rows of a structure's centers, return each center's
    /// energy and ∂e/∂q (rows × D, row-major). Called once per structure, so a model can work on all
    /// centers at once (matrix products instead of one vector product per atom).
    public typealias LocalEnergyModel = (_ rows: DescriptorRows) -> (energies: [Double], gradients: [Double])

    /// Energy, forces and virial of a model E = Σ_centers e(q_i), by back-propagating ∂e/∂q through the
    /// density expansion: about two descriptor evaluations plus the model, and no descriptor derivative
    /// is ever stored. Per-atom energies are the centers' local energies (0 for atoms that are not centers).
    /// - Throws: `DescriptorError` for unknown elements or unusable geometry, or an averaging layout.
    public func backPropagate(
        _ s: Structure, threads: Int = Parallel.defaultThreads, model: LocalEnergyModel
    ) throws(DescriptorError) -> Calculation {
        guard average == .off else {
            throw .invalidSetting(name: "average", value: average.rawValue, hint: "local energies need one descriptor per center")
        }
        // One preparation (geometry as the layout sees it, neighbor list) for both passes.
        let p = try prepareAll([s], centers: nil, attach: true, gradients: false, threads: threads)[0]
        let rows = compute([p], gradients: false, strain: false, threads: threads).rows
        let (localEnergies, weights) = model(rows)
        precondition(
            localEnergies.count == rows.count && weights.count == rows.count * rows.featureCount,
            "the model must return one energy and one gradient row per center")
        let D = numberOfFeatures
        let centers = rows.center
        let workers = max(1, min(threads, centers.count))
        let parts = Parallel.map(workers, threads: workers) { worker -> PairGradientAccumulator in
            let ws = Workspace(channels: engine.channels, nMax: engine.nMax, lMax: engine.lMax)
            var q = [Double](repeating: 0, count: D)
            var forces = PairGradientAccumulator(count: p.structure.count)
            for r in (centers.count * worker / workers)..<(centers.count * (worker + 1) / workers) {
                let i = centers[r]
                engine.expand(center: p.centers[r], list: p.list, speciesOf: p.speciesOf, workspace: ws, mode: .backPropagation)
                q.withUnsafeMutableBufferPointer { qb in
                    weights.withUnsafeBufferPointer { wb in
                        let norm = engine.powerSpectrum(ws, into: qb.baseAddress!)
                        engine.backPropagate(ws, weights: wb.baseAddress! + r * D, descriptor: qb.baseAddress!, norm: norm) {
                            j, d, g in
                            forces.addPairGradient(g, vector: d, center: i, neighbor: j)
                        }
                    }
                }
            }
            return forces
        }
        var total = PairGradientAccumulator(count: s.count)
        for part in parts { total.merge(part) }
        var energies = [Double](repeating: 0, count: s.count)
        for (r, i) in centers.enumerated() { energies[i] = localEnergies[r] }
        return Calculation(energy: energies.reduce(0, +), forces: total.forces, virial: total.virial, atomEnergies: energies)
    }
}
