import Atoms

/// Why a classical potential cannot evaluate a structure or be built.
public enum PotentialError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The structure holds an element pair (or element) the potential has no parameters for.
    case missingParameters(potential: String, elements: [Int])
    /// A parameter is out of its valid range.
    case invalidParameter(potential: String, name: String, value: Double)

    public var description: String {
        switch self {
        case let .missingParameters(potential, elements):
            let names = elements.map(Element.label).joined(separator: "–")
            return "\(potential) has no parameters for \(names); give parameters for every element pair present"
        case let .invalidParameter(potential, name, value):
            return "\(potential): parameter \(name) = \(value) is invalid (must be positive and finite)"
        }
    }
}
