/// Factors that scale a potential's predicted standard deviations so that they match its errors on
/// validation data: s = √(mean (error/σ)²) over the validation energies (per atom) and force components, the
/// maximum-likelihood scale of a Gaussian error model.
public struct UncertaintyCalibration: Codable, Equatable, Sendable {
    /// Factor on the standard deviation of total (and local) energies.
    public var energy: Double
    /// Factor on the standard deviation of force components.
    public var force: Double

    /// Factors as given.
    public init(energy: Double, force: Double) {
        self.energy = energy
        self.force = force
    }

    /// No scaling.
    public static let none = UncertaintyCalibration(energy: 1, force: 1)

    /// The maximum-likelihood scale √(mean (error/σ)²) of `errors` with predicted standard deviations `sigmas`,
    /// over the pairs whose σ is positive; nil when there is none.
    public static func scale(errors: [Double], sigmas: [Double]) -> Double? {
        var sum = 0.0, count = 0
        for (e, s) in zip(errors, sigmas) where s > 0 && e.isFinite {
            sum += (e / s) * (e / s)
            count += 1
        }
        return count > 0 ? (sum / Double(count)).squareRoot() : nil
    }
}
