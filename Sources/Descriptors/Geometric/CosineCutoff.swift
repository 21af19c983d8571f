import Foundation

/// QUIP's `coordination_function`: 1 up to r_c − w, ½[cos(π (r − r_c + w)/w) + 1] across the transition
/// width w, 0 from the cutoff r_c on. It weights each instance of a 2- or 3-body descriptor, so that
/// instances enter and leave the model smoothly.
public struct CosineCutoff: Codable, Equatable, Sendable {
    /// Cutoff r_c in Å.
    public let cutoff: Double
    /// Transition width w in Å (0 < w ≤ r_c).
    public let width: Double

    /// A cutoff function; `validate()` checks the ranges.
    public init(cutoff: Double, width: Double) {
        self.cutoff = cutoff
        self.width = width
    }

    /// Checks 0 < w ≤ r_c ≤ `DescriptorLimits.cutoff`.
    /// - Throws: `DescriptorError.invalidSetting` naming `name` (the descriptor) and the bad value.
    public func validate(_ name: String) throws(DescriptorError) {
        guard cutoff > 0, cutoff <= DescriptorLimits.cutoff else {
            throw .invalidSetting(
                name: "\(name) cutoff", value: "\(cutoff)", hint: "must lie in (0, \(DescriptorLimits.cutoff)] Å")
        }
        guard width > 0, width <= cutoff else {
            throw .invalidSetting(
                name: "\(name) cutoff_transition_width", value: "\(width)", hint: "must lie in (0, cutoff = \(cutoff)] Å")
        }
    }

    /// The weight at distance `r` and its derivative with respect to r.
    @inline(__always)
    public func callAsFunction(_ r: Double) -> (value: Double, derivative: Double) {
        if r >= cutoff { return (0, 0) }
        let start = cutoff - width
        if r <= start { return (1, 0) }
        let phase = Double.pi * (r - start) / width
        return (0.5 * (cos(phase) + 1), -0.5 * Double.pi / width * sin(phase))
    }
}
