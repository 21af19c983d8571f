import CLapack
import LinearAlgebra

/// The fitted model of one central element: sparse descriptors x_m and weights α_m, so that the local
/// energy of an atom with descriptor q is e(q) = δ² Σ_m α_m (q·x_m)^ζ.
public struct SparseModel: Sendable, Equatable {
    /// Sparse points, M × D.
    public let points: Matrix
    /// Weights, M.
    public let alpha: [Double]

    /// A model; `alpha` has one weight per row of `points`.
    public init(points: Matrix, alpha: [Double]) {
        precondition(points.rows == alpha.count, "one weight per sparse point")
        self.points = points
        self.alpha = alpha
    }

    /// e(q), writing ∂e/∂q into `gradient` (D) when given; `scratch` holds M values.
    @inline(__always)
    func localEnergy(
        _ q: UnsafePointer<Double>, kernel: PolynomialKernel, gradient: UnsafeMutablePointer<Double>?,
        scratch: UnsafeMutablePointer<Double>
    ) -> Double {
        let m = points.rows, d = points.columns
        points.elements.withUnsafeBufferPointer { x in
            // t = X q
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(d), 1, x.baseAddress, Int32(d), q, 1, 0, scratch, 1)
        }
        let scale = kernel.delta * kernel.delta
        var energy = 0.0
        for k in 0..<m {
            let t = scratch[k]
            energy += alpha[k] * kernel.power(t)
            scratch[k] = scale * alpha[k] * kernel.powerDerivative(t)
        }
        if let gradient {
            points.elements.withUnsafeBufferPointer { x in
                // ∂e/∂q = Xᵀ (δ² ζ α ⊙ t^{ζ−1})
                cblas_dgemv(CblasRowMajor, CblasTrans, Int32(m), Int32(d), 1, x.baseAddress, Int32(d), scratch, 1, 0, gradient, 1)
            }
        }
        return scale * energy
    }
}
