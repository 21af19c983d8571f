import Atoms

/// Why a descriptor cannot be set up or computed.
public enum DescriptorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A setting is out of range; `hint` says what is allowed.
    case invalidSetting(name: String, value: String, hint: String)
    /// A structure holds an element the descriptor was not set up for.
    case unknownSpecies(structure: Int, atom: Int, atomicNumber: Int, known: [Int])
    /// A requested center index is outside the structure.
    case invalidCenter(structure: Int, center: Int, atoms: Int)
    /// A point center (number `center` in its structure's list) has a coordinate that is NaN or infinite.
    case nonFinitePoint(structure: Int, center: Int)
    /// The radial functions could not be tabulated to the required accuracy.
    case splineDidNotConverge(error: Double)
    /// A structure's geometry is unusable.
    case geometry(structure: Int, GeometryError)
    /// Two atoms sit at the same position.
    case overlappingAtoms(structure: Int, first: Int, second: Int)
    /// More atoms than the descriptor's fixed size allows.
    case tooManyAtoms(structure: Int, atoms: Int, maximum: Int)
    /// The derivatives of center `center` (its index in the structure's list of centers) do not exist; `reason`
    /// says why and what to change.
    case undefinedDerivative(structure: Int, center: Int, reason: String)
    /// A neighbor of center `center` (its index in the structure's list of centers) at `distance` Å gets a density
    /// weight too large for the power spectrum (∝ w²) to stay finite (`NeighborWeight.largest`).
    case weightOverflow(structure: Int, center: Int, distance: Double, weight: Double)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, hint):
            return "invalid \(name) = \(value): \(hint)"
        case let .unknownSpecies(structure, atom, z, known):
            return "structure \(structure), atom \(atom): element \(Element.label(z)) is not among the descriptor's "
                + "species [\(known.map(Element.label).joined(separator: ", "))]; add it to the species list"
        case let .invalidCenter(structure, center, atoms):
            return "structure \(structure): center \(center) does not exist (the structure has \(atoms) atoms)"
        case let .nonFinitePoint(structure, center):
            return "structure \(structure): center \(center) is a point with a non-finite coordinate"
        case let .splineDidNotConverge(error):
            return "radial functions could not be tabulated accurately (relative error \(error)); "
                + "check sigma, cutoff and n_max"
        case let .geometry(structure, error):
            return "structure \(structure): \(error)"
        case let .overlappingAtoms(structure, first, second):
            return "structure \(structure): atoms \(first) and \(second) are at the same position"
        case let .tooManyAtoms(structure, atoms, maximum):
            return "structure \(structure) has \(atoms) atoms, more than n_atoms_max = \(maximum)"
        case let .undefinedDerivative(structure, center, reason):
            return "structure \(structure), center \(center): the derivatives are undefined: \(reason)"
        case let .weightOverflow(structure, center, distance, weight):
            return "structure \(structure), center \(center): the weighting gives w = \(weight) at r = \(distance) Å, "
                + "where the power spectrum (∝ w²) overflows; pow and exp with d = 0 grow without bound: give d > 0, "
                + "or a smaller m (pow) or a larger r0 (exp)"
        }
    }
}
