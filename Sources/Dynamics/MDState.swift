import Atoms

/// The state of a molecular-dynamics run: the structure (positions in Å), velocities in Å/fs, and the
/// forces, energy and virial of the calculator at these positions.
public struct MDState: Sendable {
    /// Atoms, cell and periodicity; positions in Å.
    public var structure: Structure
    /// Velocities in Å/fs.
    public var velocities: [SIMD3<Double>]
    /// Masses in amu.
    public let masses: [Double]
    /// Energy, forces and virial at the current positions.
    public var calculation: Calculation
    /// Elapsed time in fs.
    public var time: Double = 0
    /// Degrees of freedom for the temperature (3N, less 3 when total momentum is conserved and removed,
    /// less 3 more for a molecule whose rotation was removed).
    public internal(set) var degreesOfFreedom: Int

    /// A state; forces are computed by `calculator` at the given positions.
    public init(structure: Structure, velocities: [SIMD3<Double>], calculator: some Calculator, degreesOfFreedom: Int) throws {
        precondition(velocities.count == structure.count, "one velocity per atom")
        self.structure = structure
        self.velocities = velocities
        masses = structure.masses
        calculation = try calculator.calculate(structure)
        self.degreesOfFreedom = max(degreesOfFreedom, 1)
    }

    /// Kinetic energy ½ Σ m v², eV.
    public var kineticEnergy: Double {
        var sum = 0.0
        for (m, v) in zip(masses, velocities) { sum += m * dot(v, v) }
        return 0.5 * sum * Units.amuAngstromSquaredPerFsSquaredInEV
    }

    /// Potential energy, eV.
    public var potentialEnergy: Double { calculation.energy }

    /// Total energy, eV.
    public var totalEnergy: Double { potentialEnergy + kineticEnergy }

    /// Instantaneous temperature 2K / (N_f k_B), K.
    public var temperature: Double { 2 * kineticEnergy / (Double(degreesOfFreedom) * Units.boltzmann) }

    /// Pressure (2K + tr W) / (3V) in eV/Å³ for a periodic cell, nil otherwise.
    public var pressure: Double? {
        guard structure.pbc.isAnyPeriodic, structure.cell.volume > 0 else { return nil }
        return (2 * kineticEnergy + calculation.virial.trace) / (3 * structure.cell.volume)
    }
}
