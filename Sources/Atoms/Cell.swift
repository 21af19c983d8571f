/// A simulation cell: three lattice vectors a, b, c as the rows of a 3 × 3 matrix, in Å.
///
/// A zero row means "no lattice vector along this axis" (a molecule has the all-zero cell).
public struct Cell: Equatable, Hashable, Sendable {
    /// Lattice vectors as rows.
    public var matrix: Matrix3

    /// A cell from its lattice-vector matrix (rows are a, b, c).
    public init(_ matrix: Matrix3) { self.matrix = matrix }

    /// A cell from three lattice vectors.
    public init(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) { matrix = Matrix3(a, b, c) }

    /// An orthorhombic cell with these edge lengths.
    public static func orthorhombic(_ lengths: SIMD3<Double>) -> Cell { Cell(.diagonal(lengths)) }

    /// The all-zero cell of a non-periodic system.
    public static let empty = Cell(.zero)

    /// Lattice vector `i` (0 = a, 1 = b, 2 = c).
    public subscript(i: Int) -> SIMD3<Double> { matrix[i] }

    /// True when every lattice vector is zero.
    public var isEmpty: Bool { matrix == .zero }

    /// The signed volume a · (b × c) in Å³ (negative for a left-handed cell).
    public var signedVolume: Double { matrix.determinant }

    /// The volume |a · (b × c)| in Å³.
    public var volume: Double { abs(signedVolume) }

    /// Lengths of a, b, c.
    public var lengths: SIMD3<Double> { SIMD3(norm(matrix.r0), norm(matrix.r1), norm(matrix.r2)) }

    /// Distances between opposite faces of the cell (the perpendicular heights), in Å; zero for a degenerate cell.
    public var perpendicularWidths: SIMD3<Double> {
        let v = volume
        let bc = norm(cross(matrix.r1, matrix.r2)), ca = norm(cross(matrix.r2, matrix.r0))
        let ab = norm(cross(matrix.r0, matrix.r1))
        return SIMD3(bc > 0 ? v / bc : 0, ca > 0 ? v / ca : 0, ab > 0 ? v / ab : 0)
    }

    /// Cartesian position of fractional coordinates s: s_a·a + s_b·b + s_c·c.
    public func cartesian(_ fractional: SIMD3<Double>) -> SIMD3<Double> { matrix.leftMultiply(fractional) }
}
