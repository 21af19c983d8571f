/// A real 3 × 3 matrix held as three rows; used for cells (rows are lattice vectors), virials and stresses.
public struct Matrix3: Equatable, Hashable, Sendable {
    /// Row 0.
    public var r0: SIMD3<Double>
    /// Row 1.
    public var r1: SIMD3<Double>
    /// Row 2.
    public var r2: SIMD3<Double>

    /// A matrix from its rows.
    public init(_ r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        self.r0 = r0
        self.r1 = r1
        self.r2 = r2
    }

    /// A matrix from nine numbers in row-major order; nil unless exactly nine are given.
    public init?(rowMajor v: [Double]) {
        guard v.count == 9 else { return nil }
        self.init(SIMD3(v[0], v[1], v[2]), SIMD3(v[3], v[4], v[5]), SIMD3(v[6], v[7], v[8]))
    }

    /// A matrix from nine numbers in column-major (Fortran) order, as ASE reads extxyz `virial` and `stress`;
    /// nil unless exactly nine are given.
    public init?(columnMajor v: [Double]) {
        guard let m = Matrix3(rowMajor: v) else { return nil }
        self = m.transposed
    }

    /// The nine entries in column-major order (how ASE writes `virial` and `stress`).
    public var columnMajor: [Double] { transposed.rowMajor }

    /// A symmetric matrix from Voigt order xx, yy, zz, yz, xz, xy (ASE's six-component stress order).
    public init?(voigt v: [Double]) {
        guard v.count == 6 else { return nil }
        self.init(SIMD3(v[0], v[5], v[4]), SIMD3(v[5], v[1], v[3]), SIMD3(v[4], v[3], v[2]))
    }

    /// The zero matrix.
    public static let zero = Matrix3(.zero, .zero, .zero)
    /// The identity.
    public static let identity = Matrix3(SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))
    /// A diagonal matrix.
    public static func diagonal(_ d: SIMD3<Double>) -> Matrix3 {
        Matrix3(SIMD3(d.x, 0, 0), SIMD3(0, d.y, 0), SIMD3(0, 0, d.z))
    }

    /// Row `i` (0, 1 or 2).
    public subscript(i: Int) -> SIMD3<Double> {
        get {
            switch i {
            case 0: return r0
            case 1: return r1
            default: return r2
            }
        }
        set {
            switch i {
            case 0: r0 = newValue
            case 1: r1 = newValue
            default: r2 = newValue
            }
        }
    }

    /// Entry (i, j).
    public subscript(i: Int, j: Int) -> Double {
        get { self[i][j] }
        set { self[i][j] = newValue }
    }

    /// The nine entries in row-major order.
    public var rowMajor: [Double] { [r0.x, r0.y, r0.z, r1.x, r1.y, r1.z, r2.x, r2.y, r2.z] }

    /// The six Voigt components xx, yy, zz, yz, xz, xy (of the symmetric part's entries as stored).
    public var voigt: [Double] { [r0.x, r1.y, r2.z, r1.z, r0.z, r0.y] }

    /// The transpose.
    public var transposed: Matrix3 {
        Matrix3(SIMD3(r0.x, r1.x, r2.x), SIMD3(r0.y, r1.y, r2.y), SIMD3(r0.z, r1.z, r2.z))
    }

    /// The determinant r0 · (r1 × r2).
    public var determinant: Double { dot(r0, cross(r1, r2)) }

    /// The trace.
    public var trace: Double { r0.x + r1.y + r2.z }

    /// The inverse, or nil when the determinant is zero.
    public var inverse: Matrix3? {
        let det = determinant
        guard det != 0, det.isFinite else { return nil }
        // Columns of the inverse are the cross products of rows, divided by the determinant.
        let c0 = cross(r1, r2) / det, c1 = cross(r2, r0) / det, c2 = cross(r0, r1) / det
        return Matrix3(c0, c1, c2).transposed
    }

    /// Row vector times matrix: v · M = Σ_i v_i · row_i (fractional → Cartesian for a cell).
    @inline(__always) public func leftMultiply(_ v: SIMD3<Double>) -> SIMD3<Double> { v.x * r0 + v.y * r1 + v.z * r2 }

    /// Matrix times column vector M · v.
    public static func * (m: Matrix3, v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(dot(m.r0, v), dot(m.r1, v), dot(m.r2, v))
    }

    /// Matrix product.
    public static func * (a: Matrix3, b: Matrix3) -> Matrix3 {
        Matrix3(b.leftMultiply(a.r0), b.leftMultiply(a.r1), b.leftMultiply(a.r2))
    }

    /// Scalar multiple.
    public static func * (s: Double, m: Matrix3) -> Matrix3 { Matrix3(s * m.r0, s * m.r1, s * m.r2) }

    /// Sum.
    public static func + (a: Matrix3, b: Matrix3) -> Matrix3 { Matrix3(a.r0 + b.r0, a.r1 + b.r1, a.r2 + b.r2) }

    /// Difference.
    public static func - (a: Matrix3, b: Matrix3) -> Matrix3 { Matrix3(a.r0 - b.r0, a.r1 - b.r1, a.r2 - b.r2) }

    /// In-place sum.
    public static func += (a: inout Matrix3, b: Matrix3) { a = a + b }

    /// The outer product u ⊗ v (entry (i, j) = u_i v_j).
    public static func outer(_ u: SIMD3<Double>, _ v: SIMD3<Double>) -> Matrix3 { Matrix3(u.x * v, u.y * v, u.z * v) }

    /// The largest absolute entry.
    public var maxAbs: Double { rowMajor.reduce(0) { max($0, abs($1)) } }
}

/// The dot product of two 3-vectors.
@inlinable public func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }

/// The cross product of two 3-vectors.
@inlinable public func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

/// The Euclidean norm of a 3-vector.
@inlinable public func norm(_ a: SIMD3<Double>) -> Double { dot(a, a).squareRoot() }

extension SIMD3 where Scalar == Double {
    /// True when all three components are finite.
    public var isFinite: Bool { x.isFinite && y.isFinite && z.isFinite }
}
