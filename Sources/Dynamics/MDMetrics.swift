/// The `--metrics` record of an MD run: energy conservation, mean temperature and speed.
public struct MDMetrics: Codable, Sendable, Equatable {
    /// NVE drift, meV/atom/ps.
    public var driftMeVPerAtomPerPs: Double
    /// Largest deviation of the total energy from the start, meV/atom.
    public var maxDeviationMeVPerAtom: Double
    /// RMS fluctuation of the total energy, meV/atom.
    public var rmsFluctuationMeVPerAtom: Double
    /// Mean temperature, K.
    public var meanTemperatureK: Double
    /// Steps per second of wall time.
    public var stepsPerSecond: Double
    /// Fraction of the time spent outside the potential (integrator, checks, observers).
    public var loopFraction: Double
    /// Steps done.
    public var steps: Int
    /// Atoms.
    public var atoms: Int
    /// Thermostat name ("none" for NVE).
    public var thermostat: String
    /// Whether a failed step stopped the run.
    public var stoppedEarly: Bool

    enum CodingKeys: String, CodingKey {
        case driftMeVPerAtomPerPs = "drift_mev_per_atom_per_ps", maxDeviationMeVPerAtom = "max_deviation_mev_per_atom"
        case rmsFluctuationMeVPerAtom = "rms_fluctuation_mev_per_atom", meanTemperatureK = "mean_temperature_k"
        case stepsPerSecond = "steps_per_second", loopFraction = "loop_fraction", steps, atoms, thermostat
        case stoppedEarly = "stopped_early"
    }

    /// The record of a run of `steps` steps of `atoms` atoms with energy-conservation `report`.
    public init(
        report: EnergyConservation, steps: Int, atoms: Int, stepsPerSecond: Double, loopFraction: Double,
        thermostat: String, stoppedEarly: Bool
    ) {
        driftMeVPerAtomPerPs = report.driftMeVPerAtomPerPs
        maxDeviationMeVPerAtom = report.maxDeviationMeVPerAtom
        rmsFluctuationMeVPerAtom = report.rmsFluctuationMeVPerAtom
        meanTemperatureK = report.meanTemperature
        self.stepsPerSecond = stepsPerSecond
        self.loopFraction = loopFraction
        self.steps = steps
        self.atoms = atoms
        self.thermostat = thermostat
        self.stoppedEarly = stoppedEarly
    }
}
