import Atoms

extension IPIPositions {
    /// The structure these positions give to the atoms of `template`, in Å: species and periodicity from the
    /// template, positions and cell from the message. The wire cell's columns are the lattice vectors, so the
    /// cell is its transpose (as ASE's client reads it); a zero cell — ASE's for a non-periodic system — keeps the
    /// template's cell. Lengths convert with `Units.bohr`, ASE's constant.
    public func structure(for template: Structure) -> Structure {
        let cell = cell == .zero ? template.cell : Cell(Units.bohr * cell.transposed)
        return Structure(
            atomicNumbers: template.atomicNumbers, positions: positions.map { $0 * Units.bohr }, cell: cell, pbc: template.pbc)
    }

    /// The POSDATA payload of `structure` as ASE's server sends it: the cell transposed and its inverse
    /// transposed, in Bohr (a zero cell stays zero, as numpy's pseudo-inverse gives).
    public init(_ structure: Structure) {
        let inverse = structure.cell.matrix.inverse ?? .zero
        self.init(
            cell: (1 / Units.bohr) * structure.cell.matrix.transposed, inverseCell: Units.bohr * inverse,
            positions: structure.positions.map { $0 / Units.bohr })
    }
}
