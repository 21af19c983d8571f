extension Structure {
    /// The supercell whose lattice vectors are the rows of `P` · cell (P an integer matrix with
    /// non-zero determinant), filled with every lattice translate of the atoms that falls inside it.
    /// Per-atom arrays are copied along.
    public func supercell(_ P: [[Int]]) -> Structure {
        precondition(P.count == 3 && P.allSatisfy { $0.count == 3 }, "supercell needs a 3×3 integer matrix")
        let rows = (0..<3).map { r in (0..<3).reduce(SIMD3<Double>.zero) { $0 + Double(P[r][$1]) * cell[$1] } }
        let newCell = Cell(rows[0], rows[1], rows[2])
        guard let inverse = newCell.matrix.inverse else { preconditionFailure("supercell matrix is singular") }
        // Translations up to the largest |entry| sum along each axis reach every image inside.
        let reach = (0..<3).map { c in (0..<3).reduce(0) { $0 + abs(P[$1][c]) } }
        var indices = [Int](), positions = [SIMD3<Double>]()
        let eps = 1e-9
        for a in -reach[0]...reach[0] {
            for b in -reach[1]...reach[1] {
                for c in -reach[2]...reach[2] {
                    let t = cell.cartesian(SIMD3(Double(a), Double(b), Double(c)))
                    for i in 0..<count {
                        let r = self.positions[i] + t
                        let f = inverse.leftMultiply(r)
                        if (0..<3).allSatisfy({ f[$0] >= -eps && f[$0] < 1 - eps }) {
                            indices.append(i)
                            positions.append(r)
                        }
                    }
                }
            }
        }
        var out = selecting(indices)
        out.positions = positions
        out.cell = newCell
        return out
    }
}
