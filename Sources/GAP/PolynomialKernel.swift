import Foundation

/// The dot-product kernel of GAP's SOAP models: k(q, x) = δ² (q·x)^ζ.
public struct PolynomialKernel: Codable, Equatable, Sendable {
    /// Energy scale δ in eV.
    public let delta: Double
    /// Exponent ζ (usually 2 or 4).
    public let zeta: Double

    /// A kernel with these parameters.
    public init(delta: Double, zeta: Double) {
        self.delta = delta
        self.zeta = zeta
    }

    /// (q·x)^ζ for the dot product t (without δ²).
    @inline(__always) func power(_ t: Double) -> Double { Self.power(t, zeta) }

    /// ζ (q·x)^{ζ−1}, the derivative of `power` with respect to t.
    @inline(__always) func powerDerivative(_ t: Double) -> Double { zeta * Self.power(t, zeta - 1) }

    /// t^e: exact repeated multiplication for small integer e ≥ 0, `pow` otherwise (0 for t ≤ 0).
    @inline(__always)
    static func power(_ t: Double, _ e: Double) -> Double {
        if e >= 0, e < 64, e == e.rounded() {
            var result = 1.0, base = t, n = Int(e)
            while n > 0 {
                if n & 1 == 1 { result *= base }
                base *= base
                n >>= 1
            }
            return result
        }
        return t > 0 ? pow(t, e) : 0
    }
}
