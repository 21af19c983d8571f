/// Factors that scale a potential's predicted standard deviations so that they match its errors on
/// validation data (`UncertaintyStatistics.scale` of the validation energies and force components).
public struct UncertaintyCalibration: Codable, Equatable, Sendable {
    /// Factor on the standard deviation of total energies.
    public var energy: Double
    /// Factor on the standard deviation of force components.
    public var force: Double
    /// The variance the factors were fitted for (they scale only that one).
    public var model: UncertaintyModel

    /// Factors as given.
    public init(energy: Double, force: Double, model: UncertaintyModel) {
        self.energy = energy
        self.force = force
        self.model = model
    }

    /// The factors for deviations of `model`: these when they were fitted for it, otherwise none.
    public func factors(for model: UncertaintyModel) -> (energy: Double, force: Double) {
        model == self.model ? (energy, force) : (1, 1)
    }
}
