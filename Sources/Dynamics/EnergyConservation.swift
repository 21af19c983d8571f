/// The energy-conservation report of an NVE run: drift (the slope of a least-squares line through the
/// total energy against time), largest deviation from the start, RMS fluctuation, mean temperature.
public struct EnergyConservation: Sendable, Equatable {
    /// Drift in meV/atom/ps.
    public let driftMeVPerAtomPerPs: Double
    /// Largest |E(t) − E(0)| in meV/atom.
    public let maxDeviationMeVPerAtom: Double
    /// Standard deviation of the total energy in meV/atom.
    public let rmsFluctuationMeVPerAtom: Double
    /// Mean temperature in K.
    public let meanTemperature: Double
    /// Samples used.
    public let samples: Int

    /// The report from total energies (eV) and temperatures (K) sampled at `times` (fs), for `atoms` atoms.
    public init(times: [Double], totalEnergies: [Double], temperatures: [Double], atoms: Int) {
        let n = Double(max(times.count, 1)), perAtom = 1000 / Double(max(atoms, 1))
        let tMean = times.reduce(0, +) / n, eMean = totalEnergies.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, see = 0.0
        for (t, e) in zip(times, totalEnergies) {
            sxy += (t - tMean) * (e - eMean)
            sxx += (t - tMean) * (t - tMean)
            see += (e - eMean) * (e - eMean)
        }
        let slopePerFs = sxx > 0 ? sxy / sxx : 0
        driftMeVPerAtomPerPs = slopePerFs * 1000 * perAtom
        let start = totalEnergies.first ?? 0
        maxDeviationMeVPerAtom = totalEnergies.map { abs($0 - start) }.max().map { $0 * perAtom } ?? 0
        rmsFluctuationMeVPerAtom = (see / n).squareRoot() * perAtom
        meanTemperature = temperatures.reduce(0, +) / Double(max(temperatures.count, 1))
        samples = times.count
    }
}
