import Atoms
import Support

extension SOAP {
    /// A model of local energies: given the descriptor rows of some centers (of one structure or of several: each
    /// row's `structure` and `center` say which atom), return each center's energy and ∂e/∂q (rows × D,
    /// row-major). Called once per batch of centers (up to `HeldExpansions.maximumCenters`), so a model can work on
    /// many centers at once (matrix products instead of one vector product per atom).
    public typealias LocalEnergyModel = (_ rows: DescriptorRows) -> (energies: [Double], gradients: [Double])

    /// Energy, forces and virial of a model E = Σ_centers e(q_i), by back-propagating ∂e/∂q through the
    /// density expansion: one expansion per center, held with its pairs' factors while the model runs
    /// (`HeldExpansions`), then a contraction per pair; no descriptor derivative is ever stored. Per-atom
    /// energies are the centers' local energies (0 for atoms that are not centers). `list`: the neighbor list of
    /// `s` when the model's other terms built one (used when `canShare` allows; nil: this SOAP builds its own).
    /// - Throws: `DescriptorError` for unknown elements or unusable geometry, an averaging layout or mu1nu1 compression.
    public func backPropagate(
        _ s: Structure, list: NeighborList? = nil, threads: Int = Parallel.defaultThreads, model: LocalEnergyModel
    ) throws(DescriptorError) -> Calculation {
        try backPropagate([s], lists: list.map { [$0] }, threads: threads, model: model)[0]
    }

    /// `backPropagate(_:list:threads:model:)` of each of `structures` (`lists`: their neighbor lists, or nil), with
    /// the centers of consecutive structures held and given to the model together, up to a batch's capacity
    /// (`HeldExpansions.batches`; each row's `structure` says whose it is): a GAP's local energies are then matrix
    /// products over many atoms, reading the sparse points once for all of them (a data set of molecules).
    /// - Throws: as `backPropagate(_:list:threads:model:)`.
    public func backPropagate(
        _ structures: [Structure], lists: [NeighborList]? = nil, threads: Int = Parallel.defaultThreads,
        model: LocalEnergyModel
    ) throws(DescriptorError) -> [Calculation] {
        guard average == .off else {
            throw .invalidSetting(name: "average", value: average.rawValue, hint: "local energies need one descriptor per center")
        }
        guard contraction == nil else {
            throw .invalidSetting(
                name: "compression", value: compression.rawValue, hint: "back-propagation takes rows the engine forms itself")
        }
        let prepared = try prepareAll(structures, centers: nil, attach: true, gradients: false, threads: threads, lists: lists)
        let capacity = HeldExpansions.capacity(engine: engine, centers: prepared.reduce(0) { $0 + $1.centers.count })
        let held = heldPool.take(
            where: { $0.capacity >= capacity }, make: { HeldExpansions(engine: engine, capacity: capacity) })
        defer { heldPool.give(held) }
        var totals = structures.map { PairGradientAccumulator(count: $0.count) }
        var energies = structures.map { [Double](repeating: 0, count: $0.count) }
        for batch in held.batches(prepared) {
            var first = 0
            for (p, centers) in batch {
                held.expand(p, centers: centers, at: first, threads: threads)
                first += centers.count
            }
            let rows = held.rows(batch)
            let (localEnergies, weights) = model(rows)
            precondition(
                localEnergies.count == rows.count && weights.count == rows.count * rows.featureCount,
                "the model must return one energy and one gradient row per center")
            first = 0
            for (p, centers) in batch {
                for part in held.backPropagate(p, centers: centers, weights: weights, at: first, threads: threads) {
                    totals[p.index].merge(part)
                }
                first += centers.count
            }
            for r in 0..<rows.count { energies[rows.structure[r]][rows.center[r]] = localEnergies[r] }
        }
        return structures.indices.map { k in
            Calculation(
                energy: energies[k].reduce(0, +), forces: totals[k].forces, virial: totals[k].virial, atomEnergies: energies[k])
        }
    }
}
