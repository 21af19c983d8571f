/// Why a structure's geometry cannot be used (for neighbor lists, descriptors or potentials).
public enum GeometryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An atom's position has a NaN or infinite component.
    case nonFinitePosition(atom: Int)
    /// The cell has a NaN or infinite entry.
    case nonFiniteCell
    /// An axis is periodic but its lattice vector is zero.
    case periodicAlongZeroVector(axis: Int)
    /// The periodic lattice vectors are linearly dependent (zero or near-zero volume).
    case singularCell(detail: String)
    /// A cutoff must be positive and finite.
    case invalidCutoff(Double)
    /// An atomic number outside 1…118.
    case unknownElement(atom: Int, atomicNumber: Int)
    /// The neighbor list would need more periodic images than is reasonable (cell far thinner than the cutoff).
    case tooManyImages(count: Int)

    public var description: String {
        let axes = ["a", "b", "c"]
        switch self {
        case let .nonFinitePosition(atom):
            return "atom \(atom) has a non-finite position (NaN or infinity)"
        case .nonFiniteCell:
            return "the cell has a non-finite entry (NaN or infinity)"
        case let .periodicAlongZeroVector(axis):
            return "the structure is periodic along \(axes[axis]) but lattice vector \(axes[axis]) is zero; "
                + "give a Lattice or set pbc to F on that axis"
        case let .singularCell(detail):
            return "the cell is singular: \(detail); lattice vectors of periodic axes must be linearly independent"
        case let .invalidCutoff(value):
            return "cutoff \(value) Å is invalid: it must be a positive finite number"
        case let .unknownElement(atom, z):
            return "atom \(atom) has atomic number \(z), outside the periodic table 1…118"
        case let .tooManyImages(count):
            return "the cutoff spans \(count) periodic images of this cell; the cell is far too thin for the cutoff"
        }
    }
}
