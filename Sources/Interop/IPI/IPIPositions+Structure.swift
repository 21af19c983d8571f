import Atoms

extension IPIPositions {
    /// The structure these positions give to the atoms of `template`, in Å: species and periodicity from the
    /// template, positions and cell from the message. The wire cell's columns are the lattice vectors, so the
    /// cell is its transpose (as ASE's client reads it); a zero cell — ASE's for a non-periodic system — keeps the
    /// template's cell. Lengths convert with `Units.bohr`, ASE's constant. The message must hold one position per
    /// atom of the template (`IPISession` checks this, and `IPIDecoder` with `expectedAtoms`).
    public func structure(for template: Structure) -> Structure {
        let cell = cell == .zero ? template.cell : Cell(Units.bohr * cell.transposed)
        return Structure(
            atomicNumbers: template.atomicNumbers, positions: positions.map { $0 * Units.bohr }, cell: cell, pbc: template.pbc)
    }

    /// The POSDATA payload of `structure` as ASE's server sends it: the cell transposed (lattice vectors as
    /// columns) and divided by the Bohr radius, the inverse of the row-vector cell in 1/Bohr (zero for a zero
    /// cell, as numpy's pseudo-inverse gives), positions divided by the Bohr radius.
    public init(_ structure: Structure) {
        let h = structure.cell.matrix.transposed.rowMajor.map { $0 / Units.bohr }
        let inverse = structure.cell.matrix.inverse ?? .zero
        self.init(
            cell: Matrix3(SIMD3(h[0], h[1], h[2]), SIMD3(h[3], h[4], h[5]), SIMD3(h[6], h[7], h[8])),
            inverseCell: Units.bohr * inverse, positions: structure.positions.map { $0 / Units.bohr })
    }
}
