import Descriptors
import LinearAlgebra

/// The triangular factors of the sparse GP that give the predictive variance of a local energy:
/// σ²(q) = k(q, q) − ‖L⁻¹ k‖² + ‖R⁻ᵀ k‖², with L Lᵀ = K_MM + jitter and RᵀR = K_MM + jitter + K_MN Λ⁻¹ K_NM,
/// k the kernel between q and every sparse point (zero for other elements' points).
public struct VarianceFactors: Sendable, Equatable {
    /// Central element of each block of sparse points, in the order of `lower` and `upper`.
    public let elements: [Int]
    /// L, lower triangular, M × M (block diagonal by element).
    public let lower: Matrix
    /// R, upper triangular, M × M.
    public let upper: Matrix

    /// Factors for sparse points ordered by `elements` (each element's points as in its model).
    public init(elements: [Int], lower: Matrix, upper: Matrix) {
        self.elements = elements
        self.lower = lower
        self.upper = upper
    }

    /// The variances of the local energies of descriptor rows whose central elements are `elements`
    /// (one per row): the kernel columns of all rows are solved together (two triangular solves with
    /// many right-hand sides).
    func variances(
        _ rows: DescriptorRows, elements rowElements: [Int], models: [Int: SparseModel],
        kernel: PolynomialKernel
    ) throws(LinearAlgebraError) -> [Double] {
        let n = rows.count, m = lower.rows
        // K: M × n, column r the kernel between row r and every sparse point (zero for other elements).
        var k = Matrix(rows: m, columns: n)
        var offset = 0
        for z in elements {
            guard let model = models[z] else { continue }
            let members = (0..<n).filter { rowElements[$0] == z }
            if !members.isEmpty {
                var t = try Matrix.product(model.points, rows.matrix(rows: members), transB: .transposed)
                kernel.applyValues(to: &t)
                for i in 0..<model.points.rows {
                    for (j, r) in members.enumerated() { k[offset + i, r] = t[i, j] }
                }
            }
            offset += model.points.rows
        }
        let a = try lower.solveTriangular(k, upper: false)
        let b = try upper.solveTriangular(k, upper: true, transposed: true)
        return (0..<n).map { r in
            let q = rows.row(r)
            let kqq = kernel.value(q.reduce(0) { $0 + $1 * $1 })
            var explained = 0.0, posterior = 0.0
            for i in 0..<m {
                explained += a[i, r] * a[i, r]
                posterior += b[i, r] * b[i, r]
            }
            return max(kqq - explained + posterior, 0)
        }
    }
}
