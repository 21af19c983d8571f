import Atoms
import Foundation
import LinearAlgebra

/// Real orthonormal spherical harmonics Y_lm(r̂) and their gradients with respect to r, for l ≤ l_max,
/// by recursion on Cartesian components (no trigonometric functions, no powers).
///
/// Values are stored at index l² + l + m (m = −l…l). With u = r̂ = (x, y, z):
/// Y_lm = N_lm · Q_l^|m|(z) · C_m(x, y) for m ≥ 0 and N_lm · Q_l^|m|(z) · S_|m|(x, y) for m < 0, where
/// C_m + i S_m = (x + i y)^m and Q_l^m are associated Legendre polynomials without the sin^m θ factor.
/// The gradient of Y(r̂) with respect to r is (I − r̂r̂ᵀ)·∇F(r̂)/r, F the polynomial extension above.
public struct SphericalHarmonics: Sendable {
    /// The largest l.
    public let lMax: Int
    /// What one (l, m ≥ 0) needs: N_lm (with √2 for m ≠ 0) and, for l > m, the coefficients of the upward
    /// recursion Q_l^m = a z Q_{l−1}^m − b Q_{l−2}^m, a = (2l − 1)/(l − m), b = (l + m − 1)/(l − m), tabulated so
    /// that no evaluation divides.
    private struct Entry {
        var normalisation = 0.0, a = 0.0, b = 0.0
    }
    /// The entries, indexed l² + l + m.
    private let entries: [Entry]

    /// Harmonics up to `lMax`.
    public init(lMax: Int) {
        precondition(lMax >= 0, "l_max must be non-negative")
        self.lMax = lMax
        var entries = [Entry](repeating: Entry(), count: (lMax + 1) * (lMax + 1))
        for l in 0...lMax {
            for m in 0...l {
                // (l − m)! / (l + m)! as a product, stable up to large l.
                var ratio = 1.0
                if m > 0 { for k in (l - m + 1)...(l + m) { ratio /= Double(k) } }
                let base = ((2 * Double(l) + 1) / (4 * Double.pi) * ratio).squareRoot()
                var entry = Entry(normalisation: m == 0 ? base : base * 2.0.squareRoot())
                if l > m {
                    entry.a = Double(2 * l - 1) / Double(l - m)
                    entry.b = Double(l + m - 1) / Double(l - m)
                }
                entries[l * l + l + m] = entry
            }
        }
        self.entries = entries
    }

    /// Number of (l, m) entries: (l_max + 1)².
    public var count: Int { (lMax + 1) * (lMax + 1) }

    /// Lanes of the batched evaluations: unit vectors are taken this many at a time.
    public static let batch = Lanes.scalarCount

    /// Y_lm(r̂) for a unit vector `u`, written to `values` (count entries): one lane of
    /// `values(x:y:z:count:into:stride:)`.
    public func values(_ u: SIMD3<Double>, into values: UnsafeMutablePointer<Double>) {
        let b = Self.batch, count = self.count
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * b + count * b) { buffer in
            let xyz = buffer.baseAddress!, out = xyz + 3 * b
            xyz.initialize(repeating: 0, count: 3 * b)
            (xyz[0], xyz[b], xyz[2 * b]) = (u.x, u.y, u.z)
            self.values(x: xyz, y: xyz + b, z: xyz + 2 * b, count: 1, into: out, stride: b)
            for lm in 0..<count { values[lm] = out[lm * b] }
        }
    }

    /// Y_lm of `count` unit vectors given by their coordinates `x`, `y`, `z`, written lm-major: Y_lm of vector p at
    /// `values[(l² + l + m) · stride + p]`. The vectors are taken `batch` at a time: the coordinates must be
    /// readable, and `stride` must leave room, up to `count` rounded up to a multiple of `batch` (the extra lanes are
    /// written too).
    public func values(
        x: UnsafePointer<Double>, y: UnsafePointer<Double>, z: UnsafePointer<Double>, count: Int,
        into values: UnsafeMutablePointer<Double>, stride: Int
    ) {
        evaluate(x: x, y: y, z: z, inverseR: nil, count: count, values: values, gradients: nil, stride: stride)
    }

    /// As `values(x:y:z:count:into:stride:)`, with ∂Y_lm/∂r of each vector given 1/|r| (`inverseR`, as readable as
    /// the coordinates): component α of vector p at `gradients[(3 (l² + l + m) + α) · stride + p]`.
    public func valuesAndGradients(
        x: UnsafePointer<Double>, y: UnsafePointer<Double>, z: UnsafePointer<Double>, inverseR: UnsafePointer<Double>,
        count: Int, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>, stride: Int
    ) {
        evaluate(x: x, y: y, z: z, inverseR: inverseR, count: count, values: values, gradients: gradients, stride: stride)
    }

    @inline(__always)
    private func evaluate(
        x: UnsafePointer<Double>, y: UnsafePointer<Double>, z: UnsafePointer<Double>, inverseR: UnsafePointer<Double>?,
        count: Int, values: UnsafeMutablePointer<Double>, gradients: UnsafeMutablePointer<Double>?, stride: Int
    ) {
        precondition(stride >= Lanes.padded(count))
        let zero = Lanes(repeating: 0)
        entries.withUnsafeBufferPointer { entries in
            for p in Swift.stride(from: 0, to: count, by: Self.batch) {
                let x = Lanes(loading: x + p), y = Lanes(loading: y + p), z = Lanes(loading: z + p)
                let inverseR = inverseR.map { Lanes(loading: $0 + p) } ?? zero
                /// Writes ∇F (the polynomial's gradient) of entry `lm` projected on the tangent plane, over r.
                @inline(__always) func storeGradient(_ lm: Int, _ fx: Lanes, _ fy: Lanes, _ fz: Lanes) {
                    guard let gradients else { return }
                    let radial = fx * x + fy * y + fz * z
                    ((fx - radial * x) * inverseR).store(to: gradients + 3 * lm * stride + p)
                    ((fy - radial * y) * inverseR).store(to: gradients + (3 * lm + 1) * stride + p)
                    ((fz - radial * z) * inverseR).store(to: gradients + (3 * lm + 2) * stride + p)
                }
                // C_m, S_m (and C_{m−1}, S_{m−1}); the diagonal start Q_m^m = (−1)^m (2m − 1)!!.
                var c = Lanes(repeating: 1), s = zero, cPrev = zero, sPrev = zero
                var qmm = 1.0
                for m in 0...lMax {
                    if m > 0 {
                        (cPrev, sPrev) = (c, s)
                        (c, s) = (x * c - y * s, x * s + y * c)
                        qmm *= -Double(2 * m - 1)
                    }
                    // Q_l^m(z) upward in l, with dQ/dz.
                    var q2 = zero, dq2 = zero, q1 = Lanes(repeating: qmm), dq1 = zero
                    let md = Double(m)
                    for l in m...lMax {
                        let plus = l * l + l + m, minus = l * l + l - m
                        let entry = entries[plus]
                        let q: Lanes, dq: Lanes
                        if l == m {
                            q = q1
                            dq = zero
                        } else {
                            q = entry.a * z * q1 - entry.b * q2
                            dq = entry.a * (q1 + z * dq1) - entry.b * dq2
                            (q2, dq2, q1, dq1) = (q1, dq1, q, dq)
                        }
                        let n = entry.normalisation
                        let nq = n * q
                        (nq * c).store(to: values + plus * stride + p)
                        if m > 0 { (nq * s).store(to: values + minus * stride + p) }
                        if gradients != nil {
                            let qm = q * md
                            storeGradient(plus, n * (qm * cPrev), n * -(qm * sPrev), n * (dq * c))
                            if m > 0 { storeGradient(minus, n * (qm * sPrev), n * (qm * cPrev), n * (dq * s)) }
                        }
                    }
                }
            }
        }
    }
}
