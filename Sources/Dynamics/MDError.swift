import Atoms

/// Why a trajectory stopped early.
public enum MDError: Error, Sendable, CustomStringConvertible {
    /// The calculator returned NaN or infinite forces.
    case nonFiniteForces(step: Int, atom: Int)
    /// An atom moved further in one step than allowed: the time step is too large or the potential broke down.
    case displacementTooLarge(step: Int, atom: Int, distance: Double, limit: Double)
    /// Two atoms came closer than allowed.
    case atomsTooClose(step: Int, first: Int, second: Int, distance: Double, limit: Double)
    /// The calculator failed.
    case calculator(step: Int, message: String)

    public var description: String {
        switch self {
        case let .nonFiniteForces(step, atom):
            return "step \(step): the force on atom \(atom) is not finite; the potential has left its domain"
        case let .displacementTooLarge(step, atom, distance, limit):
            return
                "step \(step): atom \(atom) moved \(distance) Å in one step (limit \(limit) Å); reduce --dt or check the potential"
        case let .atomsTooClose(step, first, second, distance, limit):
            return
                "step \(step): atoms \(first) and \(second) are \(distance) Å apart (limit \(limit) Å); the potential lets atoms collapse"
        case let .calculator(step, message):
            return "step \(step): \(message)"
        }
    }

    /// The step at which the run stopped.
    public var step: Int {
        switch self {
        case let .nonFiniteForces(step, _), let .displacementTooLarge(step, _, _, _), let .atomsTooClose(step, _, _, _, _),
            let .calculator(step, _):
            return step
        }
    }
}
