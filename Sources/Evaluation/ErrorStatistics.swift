import Atoms

/// Errors of predicted energies, forces and virials against reference values, overall and per config_type,
/// accumulated one configuration at a time.
public struct ErrorStatistics: Sendable {
    /// Squared and absolute error sums of one quantity.
    public struct Accumulator: Sendable, Equatable {
        public private(set) var count = 0
        private var squares = 0.0
        private var absolutes = 0.0

        /// Adds one error.
        public mutating func add(_ error: Double) {
            count += 1
            squares += error * error
            absolutes += abs(error)
        }

        /// Root-mean-square error (nil without data).
        public var rmse: Double? { count == 0 ? nil : (squares / Double(count)).squareRoot() }
        /// Mean absolute error (nil without data).
        public var mae: Double? { count == 0 ? nil : absolutes / Double(count) }
    }

    /// Errors of one group of configurations.
    public struct Group: Sendable, Equatable {
        /// Energy per atom, eV/atom.
        public var energyPerAtom = Accumulator()
        /// Force components, eV/Å.
        public var forces = Accumulator()
        /// Virial components per atom (all nine), eV/atom.
        public var virialPerAtom = Accumulator()
        /// Configurations in the group.
        public var configurations = 0
    }

    /// All configurations.
    public private(set) var overall = Group()
    /// Per config_type ("(none)" for configurations without one).
    public private(set) var byConfigType: [String: Group] = [:]

    /// Empty statistics.
    public init() {}

    /// Adds one configuration: its reference (any of energy, forces, virial may be absent) and prediction.
    public mutating func add(
        atoms n: Int, configType: String?, reference: (energy: Double?, forces: [SIMD3<Double>]?, virial: Matrix3?),
        predicted: Calculation
    ) {
        let key = configType ?? "(none)"
        var group = byConfigType[key] ?? Group()
        for g in [0, 1] {
            var target = g == 0 ? overall : group
            target.configurations += 1
            if let e = reference.energy, n > 0 { target.energyPerAtom.add((predicted.energy - e) / Double(n)) }
            if let f = reference.forces {
                for (a, b) in zip(predicted.forces, f) {
                    for axis in 0..<3 { target.forces.add(a[axis] - b[axis]) }
                }
            }
            if let w = reference.virial, n > 0 {
                for (a, b) in zip(predicted.virial.rowMajor, w.rowMajor) { target.virialPerAtom.add((a - b) / Double(n)) }
            }
            if g == 0 { overall = target } else { group = target }
        }
        byConfigType[key] = group
    }

    /// The metrics JSON object of a group: energy_rmse_per_atom, energy_mae_per_atom (eV/atom),
    /// forces_rmse, forces_mae (eV/Å), virial_rmse_per_atom, virial_mae_per_atom (eV/atom) where present.
    public static func metrics(_ g: Group) -> [String: Double] { ErrorMetrics(g).dictionary }
}
