import OrderedCollections

/// An atomic configuration: positions, species, cell, periodicity, and the free-form info and per-atom
/// arrays an extxyz frame carries (reference energies, forces, virials, config_type, velocities …).
public struct Structure: Equatable, Sendable {
    /// Atomic number of each atom.
    public var atomicNumbers: [Int]
    /// Cartesian positions in Å.
    public var positions: [SIMD3<Double>]
    /// The cell (rows are lattice vectors); `.empty` for a molecule.
    public var cell: Cell
    /// Periodic boundary conditions along a, b, c.
    public var pbc: Periodicity
    /// Per-configuration values, in file order (energy, virial, config_type, …).
    public var info: OrderedDictionary<String, InfoValue>
    /// Per-atom arrays other than species and positions, in file order (forces, velocities, …).
    public var arrays: OrderedDictionary<String, AtomArray>

    /// A structure; `positions` and `atomicNumbers` must have the same length, and every array one row per atom.
    public init(
        atomicNumbers: [Int], positions: [SIMD3<Double>], cell: Cell = .empty, pbc: Periodicity = .none,
        info: OrderedDictionary<String, InfoValue> = [:], arrays: OrderedDictionary<String, AtomArray> = [:]
    ) {
        precondition(atomicNumbers.count == positions.count, "one atomic number per position")
        precondition(
            arrays.values.allSatisfy { $0.atomCount == positions.count || $0.count == 0 },
            "per-atom arrays need one row per atom")
        self.atomicNumbers = atomicNumbers
        self.positions = positions
        self.cell = cell
        self.pbc = pbc
        self.info = info
        self.arrays = arrays
    }

    /// Number of atoms.
    public var count: Int { positions.count }

    /// Element symbols of the atoms.
    public var symbols: [String] { atomicNumbers.map(Element.label) }

    /// Atomic masses in amu: the `masses` array when the structure carries one, else standard masses.
    public var masses: [Double] {
        if case let .doubles(m, 1)? = arrays["masses"], m.count == count { return m }
        return atomicNumbers.map { Element.mass($0) ?? 0 }
    }

    /// The chemical formula in Hill-like order of first appearance, e.g. "Si64" or "C2H6O".
    public var formula: String {
        var counts = OrderedDictionary<Int, Int>()
        for z in atomicNumbers { counts[z, default: 0] += 1 }
        return counts.map { z, n in n == 1 ? Element.label(z) : "\(Element.label(z))\(n)" }.joined()
    }

    /// Checks that positions and the cell are finite and that atomic numbers are known elements.
    /// - Throws: `GeometryError` naming the first offending atom or the cell.
    public func validate() throws(GeometryError) {
        for (i, z) in atomicNumbers.enumerated() where Element.symbol(z) == nil {
            throw .unknownElement(atom: i, atomicNumber: z)
        }
        for (i, r) in positions.enumerated() where !r.isFinite {
            throw .nonFinitePosition(atom: i)
        }
        guard cell.matrix.rowMajor.allSatisfy({ $0.isFinite }) else { throw .nonFiniteCell }
        for axis in 0..<3 where pbc[axis] && norm(cell[axis]) == 0 {
            throw .periodicAlongZeroVector(axis: axis)
        }
    }

    /// A structure made of the atoms `indices` (in that order), with their per-atom arrays.
    public func selecting(_ indices: [Int]) -> Structure {
        Structure(
            atomicNumbers: indices.map { atomicNumbers[$0] }, positions: indices.map { positions[$0] },
            cell: cell, pbc: pbc, info: info, arrays: arrays.mapValues { $0.selecting(indices) })
    }
}
