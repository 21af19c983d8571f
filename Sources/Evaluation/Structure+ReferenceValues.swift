import Atoms

extension Structure {
    /// The reference energy, forces and virial under `keys`, each nil when absent or unreadable.
    public func referenceValues(_ keys: ReferenceKeys) -> (energy: Double?, forces: [SIMD3<Double>]?, virial: Matrix3?) {
        let energy = try? referenceEnergy(keys), forces = try? referenceForces(keys), virial = try? referenceVirial(keys)
        return (energy ?? nil, forces ?? nil, virial ?? nil)
    }
}
