/// The lattice a neighbor search runs in: the cell's periodic vectors, completed by orthonormal vectors
/// along non-periodic axes (whatever the cell says there), so that every structure — molecule, slab, wire
/// or bulk — has an invertible frame and fractional coordinates.
struct SearchLattice {
    /// Rows: the lattice vectors used for the search.
    let matrix: Matrix3
    /// `matrix` inverted: fractional coordinates are `inverse.leftMultiply(r)`.
    let inverse: Matrix3
    /// Perpendicular width of the frame per unit fractional coordinate along each axis, in Å.
    let widths: SIMD3<Double>

    /// - Throws: `GeometryError.singularCell` when the periodic vectors are linearly dependent.
    init(cell: Cell, pbc: Periodicity) throws(GeometryError) {
        let periodic = (0..<3).filter { pbc[$0] }
        var rows = [SIMD3<Double>](repeating: .zero, count: 3)
        for axis in periodic { rows[axis] = cell[axis] }
        let free = (0..<3).filter { !pbc[$0] }
        let fill: [SIMD3<Double>]
        switch periodic.count {
        case 0:
            fill = [SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)]
        case 1:
            let u = rows[periodic[0]] / norm(rows[periodic[0]])
            let helper: SIMD3<Double> = abs(u.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
            let v = cross(u, helper) / norm(cross(u, helper))
            fill = [v, cross(u, v)]
        case 2:
            let n = cross(rows[periodic[0]], rows[periodic[1]])
            let area = norm(n)
            guard area > 1e-10 * norm(rows[periodic[0]]) * norm(rows[periodic[1]]) else {
                throw .singularCell(detail: "the two periodic lattice vectors are parallel")
            }
            fill = [n / area]
        default:
            fill = []
        }
        for (axis, vector) in zip(free, fill) { rows[axis] = vector }
        let m = Matrix3(rows[0], rows[1], rows[2])
        let scale = norm(rows[0]) * norm(rows[1]) * norm(rows[2])
        guard abs(m.determinant) > 1e-10 * scale, let inv = m.inverse else {
            throw .singularCell(
                detail: "volume \(m.determinant) Å³ for lattice vectors of lengths "
                    + "\(norm(rows[0])), \(norm(rows[1])), \(norm(rows[2])) Å")
        }
        matrix = m
        inverse = inv
        widths = Cell(m).perpendicularWidths
    }
}
