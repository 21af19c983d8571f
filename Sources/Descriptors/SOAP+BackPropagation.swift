import Atoms

extension SOAP {
    /// The local energy of one centre and its gradient with respect to the centre's descriptor:
    /// given the atom index and its descriptor q (length D), write ∂e/∂q into the gradient buffer and
    /// return e. Called concurrently from several threads.
    public typealias LocalEnergy = @Sendable (
        _ atom: Int, _ descriptor: UnsafeBufferPointer<Double>, _ gradient: UnsafeMutableBufferPointer<Double>
    ) -> Double

    /// Energy, forces and virial of a model E = Σ_centres e(q_i), by back-propagating ∂e/∂q through the
    /// density expansion: the cost is about one descriptor evaluation, and no descriptor derivative is
    /// ever stored.
    /// - Throws: `DescriptorError` for unknown elements or unusable geometry, or an averaging layout.
    public func backPropagate(
        _ s: Structure, threads: Int = Parallel.defaultThreads, local: LocalEnergy
    ) throws(DescriptorError) -> Calculation {
        guard average == .off else {
            throw .invalidSetting(name: "average", value: average.rawValue, hint: "local energies need one descriptor per centre")
        }
        var s = s
        if !periodic {
            s.pbc = .none
            s.cell = .empty
        }
        let speciesOf = try engine.speciesIndices(s, structure: 0)
        let list: NeighborList
        do { list = try NeighborList(s, cutoff: engine.basis.range, threads: 1) } catch { throw .geometry(structure: 0, error) }
        let centres = (0..<s.count).filter { centerSpecies == nil || s.atomicNumbers[$0] == centerSpecies }
        let D = numberOfFeatures
        let structure = s
        let parts = Parallel.map(max(1, min(threads, centres.count)), threads: threads) { worker -> Calculation in
            let ws = Workspace(channels: engine.channels, nMax: engine.nMax, lMax: engine.lMax)
            var q = [Double](repeating: 0, count: D), w = q
            var forces = PairGradientAccumulator(count: structure.count)
            var energies = [Double](repeating: 0, count: structure.count)
            let workers = max(1, min(threads, centres.count))
            for c in (centres.count * worker / workers)..<(centres.count * (worker + 1) / workers) {
                let i = centres[c]
                engine.expand(centre: i, structure: structure, list: list, speciesOf: speciesOf, workspace: ws, mode: .backPropagation)
                q.withUnsafeMutableBufferPointer { qb in
                    w.withUnsafeMutableBufferPointer { wb in
                        let norm = engine.powerSpectrum(ws, into: qb.baseAddress!)
                        energies[i] = local(i, UnsafeBufferPointer(qb), wb)
                        engine.backPropagate(ws, weights: wb.baseAddress!, descriptor: qb.baseAddress!, norm: norm) { j, d, g in
                            forces.addPairGradient(g, vector: d, center: i, neighbor: j)
                        }
                    }
                }
            }
            return Calculation(energy: energies.reduce(0, +), forces: forces.forces, virial: forces.virial, atomEnergies: energies)
        }
        var total = PairGradientAccumulator(count: s.count)
        var energies = [Double](repeating: 0, count: s.count)
        for part in parts {
            total.merge(PairGradientAccumulator(forces: part.forces, virial: part.virial))
            for k in energies.indices { energies[k] += part.atomEnergies?[k] ?? 0 }
        }
        return Calculation(energy: energies.reduce(0, +), forces: total.forces, virial: total.virial, atomEnergies: energies)
    }
}
