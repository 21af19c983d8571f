import Foundation

/// The weight w(r) that multiplies a neighbor's contribution to the density, with dw/dr.
enum NeighborWeight: Sendable, Equatable {
    /// w = 1 (DScribe without weighting: a hard inclusion radius).
    case none
    /// QUIP's cutoff: 1 below r_c − w, ½[cos(π(r − r_c + w)/w) + 1] up to r_c, 0 beyond.
    case cosine(cutoff: Double, width: Double)
    /// DScribe "poly": c(1 + 2x³ − 3x²)^m, x = r/r0, 0 beyond r0.
    case poly(c: Double, r0: Double, m: Double)
    /// DScribe "pow": c / (d + (r/r0)^m).
    case pow(c: Double, d: Double, r0: Double, m: Double)
    /// DScribe "exp": c / (d + e^{−r/r0}).
    case exp(c: Double, d: Double, r0: Double)

    /// The largest weight (and slope) a neighbor may get: the power spectrum is quadratic in the weights, and sums
    /// of products of weights past this overflow.
    static let largest = 1e100

    /// The least upper bound of w(r) over every r: ∞ for pow and exp with d = 0 (c (r0/r)^m and c e^{r/r0} grow
    /// without bound).
    var supremum: Double {
        switch self {
        case .none, .cosine: 1
        case let .poly(c, _, _): c
        case let .pow(c, d, _, _), let .exp(c, d, _): c == 0 ? 0 : c / d
        }
    }

    /// (w(r), dw/dr).
    @inline(__always)
    func callAsFunction(_ r: Double) -> (Double, Double) {
        switch self {
        case .none:
            return (1, 0)
        case let .cosine(cutoff, width):
            if r <= cutoff - width { return (1, 0) }
            if r >= cutoff { return (0, 0) }
            let t = Double.pi * (r - cutoff + width) / width
            return (0.5 * (Foundation.cos(t) + 1), -0.5 * Double.pi / width * Foundation.sin(t))
        case let .poly(c, r0, m):
            guard r < r0 else { return (0, 0) }
            let x = r / r0
            let base = 1 + 2 * x * x * x - 3 * x * x
            let dbase = (6 * x * x - 6 * x) / r0
            guard base > 0 else { return (0, 0) }
            let w = c * Foundation.pow(base, m)
            return (w, m == 0 ? 0 : c * m * Foundation.pow(base, m - 1) * dbase)
        case let .pow(c, _, _, _) where c == 0, let .exp(c, _, _) where c == 0:
            // No weight at all (0/0 at r = 0 or where (r/r0)^m underflows, with d = 0, is 0 too).
            return (0, 0)
        case let .pow(c, d, r0, m):
            // dw/dr = −c m x / (r (d + x)²), as −c (m/(d + x)) (x/(d + x)) / r: beyond r0 with a large m, x overflows to
            // ∞ and both w and dw/dr are 0 (their limits), not ∞/∞.
            let x = Foundation.pow(r / r0, m)
            let inverse = 1 / (d + x)
            let share = x.isInfinite ? 1 : x * inverse
            return (c * inverse, r > 0 ? -c * (m * inverse) * share / r : 0)
        case let .exp(c, d, r0):
            let e = Foundation.exp(-r / r0)
            let denominator = d + e
            return (c / denominator, c * e / r0 / (denominator * denominator))
        }
    }
}
