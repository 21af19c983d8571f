import Foundation

/// gap_fit's `ard_se` covariance of the 2- and 3-body terms: k(x, y) = δ² exp(−½ Σ_d (x_d − y_d)²/θ_d²),
/// multiplied in every use by the cutoff weights of both instances.
public struct SquaredExponentialKernel: Codable, Equatable, Sendable {
    /// Energy scale δ in eV.
    public let delta: Double
    /// Length scale θ_d of each dimension of the descriptor.
    public let theta: [Double]

    /// A kernel with these parameters.
    public init(delta: Double, theta: [Double]) {
        self.delta = delta
        self.theta = theta
    }

    /// δ², the kernel's variance scale in eV².
    @inline(__always) public var deltaSquared: Double { delta * delta }

    /// Checks that δ and every θ are positive and finite, and that there is one θ per dimension.
    /// - Throws: `GAPError.invalidSetting` naming `term`.
    func validate(dimension: Int, term: String) throws(GAPError) {
        guard delta > 0, delta.isFinite else {
            throw .invalidSetting(name: "delta of \(term)", value: "\(delta)", hint: "must be positive")
        }
        guard theta.count == dimension else {
            throw .invalidSetting(
                name: "theta of \(term)", value: "\(theta)", hint: "give one length scale per dimension (\(dimension))")
        }
        if let bad = theta.first(where: { !($0 > 0 && $0.isFinite) }) {
            throw .invalidSetting(name: "theta of \(term)", value: "\(bad)", hint: "length scales must be positive")
        }
    }

    /// k(x, y) without cutoff weights, for vectors of `theta.count` entries.
    @inline(__always)
    func value(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        var s = 0.0
        for d in 0..<theta.count {
            let t = (x[d] - y[d]) / theta[d]
            s += t * t
        }
        return deltaSquared * exp(-0.5 * s)
    }

    /// k(x, y) and its gradient with respect to x, written into `gradient` (`theta.count` entries).
    @inline(__always)
    func valueAndGradient(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, gradient: UnsafeMutablePointer<Double>) -> Double
    {
        let k = value(x, y)
        for d in 0..<theta.count { gradient[d] = -k * (x[d] - y[d]) / (theta[d] * theta[d]) }
        return k
    }

    /// aᵀ (∂²k/∂x∂yᵀ) b, the covariance of the directional derivatives of two instances' function values:
    /// ∂²k/∂x∂yᵀ = k (Θ⁻² − Θ⁻² u uᵀ Θ⁻²) with u = x − y and Θ = diag(θ); `k` is `value(x, y)`.
    @inline(__always)
    func mixedDerivative(
        _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, value k: Double, _ a: UnsafePointer<Double>,
        _ b: UnsafePointer<Double>
    ) -> Double {
        var ab = 0.0, au = 0.0, bu = 0.0
        for d in 0..<theta.count {
            let inverse = 1 / (theta[d] * theta[d]), u = (x[d] - y[d]) * inverse
            ab += a[d] * b[d] * inverse
            au += a[d] * u
            bu += b[d] * u
        }
        return k * (ab - au * bu)
    }
}
