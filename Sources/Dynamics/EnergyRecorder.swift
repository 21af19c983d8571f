/// Keeps the energies and temperature of a run in memory: at interval 1 for the energy-conservation
/// report, at a coarser interval for a plot.
public final class EnergyRecorder: MDObserver {
    /// Energies at one step.
    public struct Sample: Sendable, Equatable {
        /// Step of the run.
        public var step: Int
        /// Time, fs.
        public var time: Double
        /// Potential energy, eV.
        public var potential: Double
        /// Kinetic energy, eV.
        public var kinetic: Double
        /// Temperature, K.
        public var temperature: Double
        /// Total energy, eV.
        public var total: Double { potential + kinetic }
    }

    /// Samples in step order.
    public private(set) var samples: [Sample] = []

    /// An empty recorder.
    public init() {}

    /// Records one sample.
    public func observe(step: Int, state: MDState) {
        samples.append(
            Sample(
                step: step, time: state.time, potential: state.potentialEnergy, kinetic: state.kineticEnergy,
                temperature: state.temperature))
    }

    /// The energy-conservation report of the recorded samples for `atoms` atoms.
    public func conservation(atoms: Int) -> EnergyConservation {
        EnergyConservation(
            times: samples.map(\.time), totalEnergies: samples.map(\.total),
            temperatures: samples.map(\.temperature), atoms: atoms)
    }
}
