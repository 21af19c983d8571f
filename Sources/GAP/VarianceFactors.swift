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

    func variance(_ q: [Double], element: Int, models: [Int: SparseModel], kernel: PolynomialKernel) -> Double {
        let delta2 = kernel.delta * kernel.delta
        var k = [Double](repeating: 0, count: lower.rows)
        var offset = 0
        for z in elements {
            guard let model = models[z] else { continue }
            if z == element {
                let t = (try? model.points.times(q)) ?? []
                for (m, tm) in t.enumerated() { k[offset + m] = delta2 * kernel.power(tm) }
            }
            offset += model.points.rows
        }
        let kqq = delta2 * kernel.power(q.reduce(0) { $0 + $1 * $1 })
        let a = (try? lower.solveTriangular(k, upper: false)) ?? k
        let b = (try? upper.solveTriangular(k, upper: true, transposed: true)) ?? k
        return max(kqq - a.reduce(0) { $0 + $1 * $1 } + b.reduce(0) { $0 + $1 * $1 }, 0)
    }
}
