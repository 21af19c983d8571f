import Atoms

/// Why a classical potential cannot evaluate a structure or be built.
public enum PotentialError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The structure holds an element pair (or element) the potential has no parameters for.
    case missingParameters(potential: String, elements: [Int])
    /// A parameter is out of its valid range.
    case invalidParameter(potential: String, name: String, value: Double)
    /// The inner and outer cutoffs of a switched potential are not 0 < inner < outer < ∞ (Å).
    case invalidSwitchingRange(potential: String, inner: Double, outer: Double)
    /// The cutoff and cutoff width of a QUIP-style smooth cutoff are not 0 < cutoff < ∞ and
    /// 0 ≤ width ≤ cutoff (Å).
    case invalidCutoffWidth(potential: String, cutoff: Double, width: Double)
    /// Two atoms are closer than the first distance a tabulated potential knows (Å); `elements` are
    /// the atomic numbers of atoms `i` and `j`.
    case belowTableRange(potential: String, i: Int, j: Int, elements: [Int], distance: Double, firstPoint: Double)

    /// What is wrong and what to do about it.
    public var description: String {
        switch self {
        case let .missingParameters(potential, elements):
            let names = elements.map(Element.label).joined(separator: "–")
            return "\(potential) has no parameters for \(names); give parameters for every element pair present"
        case let .invalidParameter(potential, name, value):
            return "\(potential): parameter \(name) = \(value) is invalid (must be positive and finite)"
        case let .invalidSwitchingRange(potential, inner, outer):
            return "\(potential): inner cutoff \(inner) Å and outer cutoff \(outer) Å are invalid; "
                + "give finite cutoffs with 0 < inner < outer"
        case let .invalidCutoffWidth(potential, cutoff, width):
            return "\(potential): cutoff \(cutoff) Å with cutoff width \(width) Å is invalid; give a finite "
                + "cutoff > 0 and a width with 0 ≤ width ≤ cutoff (width 0 is a hard cutoff)"
        case let .belowTableRange(potential, i, j, elements, distance, firstPoint):
            let names = elements.map(Element.label).joined(separator: "–")
            return "\(potential): atoms \(i) and \(j) are \(distance) Å apart, below the table's first point "
                + "\(firstPoint) Å for \(names); extend the table to shorter distances or check the structure"
        }
    }
}
