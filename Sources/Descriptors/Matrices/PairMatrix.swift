/// The symmetric n × n matrix of pairwise terms of one structure, in atom order, before a matrix descriptor
/// orders, pads and flattens it (DScribe's `get_matrix`), with the position gradients of its entries.
///
/// In every matrix descriptor an off-diagonal entry M_ij depends on r_j − r_i alone and a diagonal entry on
/// no position, so one vector per ordered pair holds all derivatives: ∂M_ij/∂r_i = g_ij, ∂M_ij/∂r_j = −g_ij,
/// and ∂M_ij/∂r_k = 0 for every other atom k.
public struct PairMatrix: Sendable, Equatable {
    /// The number of atoms n.
    public let count: Int
    /// M_ij, row-major n × n, symmetric.
    public internal(set) var values: [Double]
    /// g_ij = ∂M_ij/∂r_i (Å⁻¹ times the entry's unit), row-major n × n, antisymmetric (g_ji = −g_ij) with a zero
    /// diagonal; empty when gradients were not asked for.
    public internal(set) var gradients: [SIMD3<Double>]

    /// A zero matrix of n atoms, with zero gradients when `gradients`.
    init(count n: Int, gradients: Bool) {
        count = n
        values = [Double](repeating: 0, count: n * n)
        self.gradients = gradients ? [SIMD3<Double>](repeating: .zero, count: n * n) : []
    }

    /// Adds `value` to the off-diagonal pair (i, j), i ≠ j, and `gradient` to ∂M_ij/∂r_i (both triangles; the
    /// gradient only when gradients are kept).
    mutating func addPair(_ i: Int, _ j: Int, value: Double, gradient: SIMD3<Double>) {
        values[i * count + j] += value
        values[j * count + i] += value
        if !gradients.isEmpty {
            gradients[i * count + j] += gradient
            gradients[j * count + i] -= gradient
        }
    }
}
