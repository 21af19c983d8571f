import Atoms
import GAP

/// Why an active-learning loop cannot start or go on; names the round (0 is the fit on the initial set) and the
/// file or configuration at fault.
public enum LearningError: Error, Sendable, CustomStringConvertible {
    /// A setting is out of range.
    case invalidSetting(name: String, value: String, hint: String)
    /// A configuration the oracle would label holds an element the oracle does not know.
    case elementUnknownToOracle(role: String, configuration: Int, element: Int, known: [Int])
    /// A fit, a prediction or an uncertainty failed.
    case model(round: Int, stage: String, GAPError)
    /// A prediction failed with an error other than the potential's own.
    case evaluation(round: Int, stage: String, message: String)
    /// The potential has no variance factors to score candidates by.
    case noVariance(round: Int)
    /// The MD run that makes the candidates stopped before its first kept frame.
    case dynamics(round: Int, message: String)
    /// The oracle's calculator failed on a configuration.
    case labelling(round: Int, configuration: Int, message: String)
    /// A file the loop writes or the oracle reads could not be used.
    case file(round: Int, path: String, reason: String)
    /// The oracle command exited with a failure status.
    case commandFailed(round: Int, command: String, status: Int32, log: String, tail: String)
    /// The oracle command left no output file.
    case missingOutput(round: Int, command: String, path: String)
    /// The oracle command's output file is unreadable or does not match its input.
    case malformedOutput(round: Int, path: String, reason: String)

    /// A prediction or uncertainty that failed at `stage` of `round`: the potential's own error as `.model`, any
    /// other as `.evaluation`.
    init(_ error: any Error, round: Int, stage: String) {
        if let error = error as? GAPError {
            self = .model(round: round, stage: stage, error)
        } else {
            self = .evaluation(round: round, stage: stage, message: "\(error)")
        }
    }

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, hint):
            return "invalid \(name) = \(value): \(hint)"
        case let .elementUnknownToOracle(role, configuration, element, known):
            return "configuration \(configuration) of the \(role) contains \(Element.label(element)), but the oracle labels "
                + "only \(known.map(Element.label).joined(separator: ", ")); use another --oracle or --oracle-command"
        case let .model(round, stage, error):
            return "round \(round): \(stage): \(error)"
        case let .evaluation(round, stage, message):
            return "round \(round): \(stage): \(message)"
        case let .noVariance(round):
            return "round \(round): the fitted potential has no variance factors to score candidates by; fit with them stored"
        case let .dynamics(round, message):
            return "round \(round): the MD run that makes the candidates stopped before its first frame: \(message); "
                + "lower --temperature or start from another configuration"
        case let .labelling(round, configuration, message):
            return "round \(round): the oracle failed on candidate \(configuration): \(message)"
        case let .file(round, path, reason):
            return "round \(round): \(path): \(reason)"
        case let .commandFailed(round, command, status, log, tail):
            return "round \(round): the oracle command `\(command)` exited with status \(status) (output in \(log))"
                + (tail.isEmpty ? "" : ":\n\(tail)")
        case let .missingOutput(round, command, path):
            return "round \(round): the oracle command `\(command)` succeeded but wrote no \(path); it must write the "
                + "labelled configurations to {out}"
        case let .malformedOutput(round, path, reason):
            return "round \(round): the oracle's output \(path): \(reason)"
        }
    }
}
