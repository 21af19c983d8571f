import Atoms

/// Wraps a calculator and adds up the wall time spent in it, so `md` can report how much of a step is
/// the potential and how much the integrator, checks and output. Used from one thread at a time.
final class TimedCalculator: Calculator, @unchecked Sendable {
    private let wrapped: any Calculator
    /// Seconds spent in `wrapped.calculate` so far.
    private(set) var seconds = 0.0

    init(_ wrapped: any Calculator) { self.wrapped = wrapped }

    func calculate(_ structure: Structure) throws -> Calculation {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            seconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        return try wrapped.calculate(structure)
    }
}
