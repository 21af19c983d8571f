import Foundation

/// Exponentially scaled modified spherical Bessel functions of the first kind, ĩ_l(x) = e^{−x} i_l(x),
/// for l = 0…l_max and x ≥ 0, to a few ulps: the (all-positive) power series for x ≤ 2, Miller's
/// downward recurrence normalised by ĩ_0 = (1 − e^{−2x})/(2x) above (the upward recurrence is unstable).
enum ModifiedSphericalBessel {
    /// ĩ_l(x) for l = 0…lMax.
    static func scaled(_ x: Double, lMax: Int) -> [Double] {
        precondition(x >= 0 && lMax >= 0)
        return x <= 2 ? series(x, lMax: lMax) : downward(x, lMax: lMax)
    }

    /// x^l/(2l+1)!! · Σ_k (x²/2)^k / (k! (2l+3)(2l+5)…(2l+2k+1)), times e^{−x}.
    static func series(_ x: Double, lMax: Int) -> [Double] {
        let damping = exp(-x)
        let half = x * x / 2
        var lead = 1.0
        return (0...lMax).map { l in
            if l > 0 { lead *= x / Double(2 * l + 1) }
            var term = 1.0, sum = 1.0
            for k in 1..<60 {
                term *= half / (Double(k) * Double(2 * l + 2 * k + 1))
                sum += term
                if term < 1e-18 * sum { break }
            }
            return lead * sum * damping
        }
    }

    /// Miller's algorithm: i_{l−1} = i_{l+1} + (2l + 1)/x · i_l from far above l_max, rescaled on the way.
    static func downward(_ x: Double, lMax: Int) -> [Double] {
        let start = lMax + 30 + Int(4 * x.squareRoot())
        var above = 0.0, current = 1e-280
        var out = [Double](repeating: 0, count: lMax + 1)
        for l in stride(from: start, through: 1, by: -1) {
            let below = above + Double(2 * l + 1) / x * current
            above = current
            current = below
            if l - 1 <= lMax { out[l - 1] = current }
            if current > 1e250 {
                above *= 1e-250
                current *= 1e-250
                for k in out.indices { out[k] *= 1e-250 }
            }
        }
        let normal = -expm1(-2 * x) / (2 * x) / current
        return out.map { $0 * normal }
    }
}
