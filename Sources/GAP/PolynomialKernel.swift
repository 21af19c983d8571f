import Foundation
import LinearAlgebra

/// The dot-product kernel of GAP's SOAP models: k(q, x) = δ² (q·x)^ζ.
///
/// Every use of the kernel (K_MM, design rows, predictions, variances) goes through `value`, `derivative`
/// or the matrix helpers below, so the maths and its order of floating-point operations live here only.
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

    /// δ², the kernel's variance scale in eV².
    @inline(__always) public var deltaSquared: Double { delta * delta }

    /// The kernel δ² t^ζ for the dot product t = q·x.
    @inline(__always) public func value(_ t: Double) -> Double { deltaSquared * power(t) }

    /// The derivative δ² ζ t^{ζ−1} of `value` with respect to t.
    @inline(__always) public func derivative(_ t: Double) -> Double { deltaSquared * powerDerivative(t) }

    /// The second derivative δ² ζ (ζ−1) t^{ζ−2} of `value` with respect to t.
    @inline(__always) public func secondDerivative(_ t: Double) -> Double {
        deltaSquared * zeta * (zeta - 1) * Self.power(t, zeta - 2)
    }

    /// Replaces every dot product t in `t` by its kernel value δ² t^ζ.
    func applyValues(to t: inout Matrix) {
        for k in t.elements.indices { t.elements[k] = value(t.elements[k]) }
    }

    /// The local energies e_k = δ² Σ_m α_m T_km^ζ of the rows of `t` (dot products with the sparse points
    /// whose weights are `alpha`), replacing each T_km by the gradient coefficient δ² α_m ζ T_km^{ζ−1}
    /// (so that ∂e_k/∂q_k = Σ_m T_km x_m afterwards).
    func localEnergies(replacingByGradientCoefficients t: inout Matrix, alpha: [Double]) -> [Double] {
        let delta2 = deltaSquared, m = alpha.count
        var energies = [Double](repeating: 0, count: t.rows)
        // A row's t^ζ and t^{ζ−1} a pass per exponent bit over the whole row (`powers`), not element by element.
        var values = [Double](repeating: 0, count: 3 * m)
        t.elements.withUnsafeMutableBufferPointer { p in
            values.withUnsafeMutableBufferPointer { v in
                let full = v.baseAddress!, lower = full + m, scratch = lower + m
                for k in 0..<energies.count {
                    let row = p.baseAddress! + k * m
                    Self.powers(of: row, zeta, count: m, into: full, scratch: scratch)
                    Self.powers(of: row, zeta - 1, count: m, into: lower, scratch: scratch)
                    var e = 0.0
                    for j in 0..<m {
                        e += alpha[j] * full[j]
                        row[j] = delta2 * alpha[j] * (zeta * lower[j])
                    }
                    energies[k] = delta2 * e
                }
            }
        }
        return energies
    }

    /// Rows up to which `localEnergies(of:points:alpha:)` and `values(ofPoints:rows:)` stream the sparse points
    /// instead of calling `dgemm`, which packs all of them at every call.
    static let streamedRows = 8

    /// The kernel values δ² (x_m·q_j)^ζ of the sparse points `x` (m × D) against the rows of `q` (k × D), m × k:
    /// for a few rows (`streamedRows`) by dot products in one pass over the points, else by one `dgemm`.
    /// - Throws: `.dimensionMismatch` when the rows are not as long as the points.
    func values(ofPoints x: Matrix, rows q: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard q.rows <= Self.streamedRows, q.rows > 0, q.columns == x.columns else {
            var t = try Matrix.product(x, q, transB: .transposed)
            applyValues(to: &t)
            return t
        }
        let k = q.rows, d = x.columns
        var t = Matrix(rows: x.rows, columns: k)
        q.elements.withUnsafeBufferPointer { pq in
            x.elements.withUnsafeBufferPointer { px in
                for m in 0..<x.rows {
                    for j in 0..<k { t[m, j] = value(SIMD8.dot(px.baseAddress! + m * d, pq.baseAddress! + j * d, d)) }
                }
            }
        }
        return t
    }

    /// The local energies of the few rows of `q` (k × D) against the sparse points `points` (m × D) with weights
    /// `alpha`, and their gradients ∂e_k/∂q_k (k × D): as `localEnergies(replacingByGradientCoefficients:alpha:)`
    /// after T = Q Xᵀ, then ∂e/∂q = T X, but in one pass over the sparse points, each used for its dot products,
    /// energy terms and gradient update while in cache. For a molecule's few atoms of an element, `dgemm` packed
    /// (and so read twice more) all the sparse points at every call; reading them once is what bounds this.
    func localEnergies(of q: Matrix, points x: Matrix, alpha: [Double]) -> (energies: [Double], gradients: Matrix) {
        let k = q.rows, m = x.rows, d = x.columns, delta2 = deltaSquared
        precondition(q.columns == d && alpha.count == m, "rows, sparse points and weights must agree")
        var sums = [Double](repeating: 0, count: k)
        var gradients = Matrix(rows: k, columns: d)
        q.elements.withUnsafeBufferPointer { pq in
            x.elements.withUnsafeBufferPointer { px in
                gradients.elements.withUnsafeMutableBufferPointer { pg in
                    for j in 0..<m {
                        let point = px.baseAddress! + j * d
                        for i in 0..<k {
                            let t = SIMD8.dot(pq.baseAddress! + i * d, point, d)
                            sums[i] += alpha[j] * power(t)
                            SIMD8.addMultiple(delta2 * alpha[j] * powerDerivative(t), of: point, to: pg.baseAddress! + i * d, d)
                        }
                    }
                }
            }
        }
        return (sums.map { delta2 * $0 }, gradients)
    }

    /// t^ζ for the dot product t (without δ²).
    @inline(__always) private func power(_ t: Double) -> Double { Self.power(t, zeta) }

    /// ζ t^{ζ−1}, the derivative of `power` with respect to t.
    @inline(__always) private func powerDerivative(_ t: Double) -> Double { zeta * Self.power(t, zeta - 1) }

    /// Whether `power` multiplies exactly (a small integer exponent) rather than calling `pow`.
    @inline(__always) private static func isSmallInteger(_ e: Double) -> Bool { e >= 0 && e < 64 && e == e.rounded() }

    /// `power(t[i], e)` of `count` values into `out`, with the same multiplications in the same order for each
    /// value, but a vector pass over all of them per bit of the exponent (`scratch`: `count` values).
    private static func powers(
        of t: UnsafePointer<Double>, _ e: Double, count: Int, into out: UnsafeMutablePointer<Double>,
        scratch base: UnsafeMutablePointer<Double>
    ) {
        guard isSmallInteger(e) else {
            for i in 0..<count { out[i] = power(t[i], e) }
            return
        }
        out.update(repeating: 1, count: count)
        base.update(from: t, count: count)
        var n = Int(e)
        while n > 0 {
            if n & 1 == 1 { for i in 0..<count { out[i] *= base[i] } }
            n >>= 1
            if n > 0 { for i in 0..<count { base[i] *= base[i] } }
        }
    }

    /// t^e: exact repeated multiplication for small integer e ≥ 0, `pow` otherwise (0 for t ≤ 0).
    @inline(__always)
    private static func power(_ t: Double, _ e: Double) -> Double {
        if isSmallInteger(e) {
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
