import Atoms
import Support

extension SOAP {
    /// A model of local energies: given the descriptor rows of some of a structure's centers, return each
    /// center's energy and ∂e/∂q (rows × D, row-major). Called once per batch of centers (every center of a
    /// structure of up to `HeldExpansions.maximumCenters` atoms), so a model can work on many centers at once
    /// (matrix products instead of one vector product per atom).
    public typealias LocalEnergyModel = (_ rows: DescriptorRows) -> (energies: [Double], gradients: [Double])

    /// Energy, forces and virial of a model E = Σ_centers e(q_i), by back-propagating ∂e/∂q through the
    /// density expansion: one expansion per center, held with its pairs' factors while the model runs
    /// (`HeldExpansions`), then a contraction per pair; no descriptor derivative is ever stored. Per-atom
    /// energies are the centers' local energies (0 for atoms that are not centers). `list`: the neighbor list of
    /// `s` when the model's other terms built one (used when `canShare` allows; nil: this SOAP builds its own).
    /// - Throws: `DescriptorError` for unknown elements or unusable geometry, or an averaging layout.
    public func backPropagate(
        _ s: Structure, list: NeighborList? = nil, threads: Int = Parallel.defaultThreads, model: LocalEnergyModel
    ) throws(DescriptorError) -> Calculation {
        guard average == .off else {
            throw .invalidSetting(name: "average", value: average.rawValue, hint: "local energies need one descriptor per center")
        }
        let p = try prepareAll(
            [s], centers: nil, attach: true, gradients: false, threads: threads, lists: list.map { [$0] })[0]
        let capacity = HeldExpansions.capacity(engine: engine, centers: p.centers.count)
        let held = heldPool.take(
            where: { $0.capacity >= capacity }, make: { HeldExpansions(engine: engine, capacity: capacity) })
        defer { heldPool.give(held) }
        var total = PairGradientAccumulator(count: s.count)
        var energies = [Double](repeating: 0, count: s.count)
        for batch in held.batches(p) {
            let rows = held.expand(p, centers: batch, threads: threads)
            let (localEnergies, weights) = model(rows)
            precondition(
                localEnergies.count == rows.count && weights.count == rows.count * rows.featureCount,
                "the model must return one energy and one gradient row per center")
            for part in held.backPropagate(p, centers: batch, weights: weights, threads: threads) { total.merge(part) }
            for (r, i) in rows.center.enumerated() { energies[i] = localEnergies[r] }
        }
        return Calculation(energy: energies.reduce(0, +), forces: total.forces, virial: total.virial, atomEnergies: energies)
    }
}
