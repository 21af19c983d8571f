import Atoms
import Foundation

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

    /// Y_lm(r̂) for a unit vector `u`, written to `values` (count entries).
    public func values(_ u: SIMD3<Double>, into values: UnsafeMutablePointer<Double>) {
        evaluate(u, inverseR: 0, values: values, gradients: nil)
    }

    /// Lanes of `values(x:y:z:count:into:stride:)`: unit vectors are taken this many at a time.
    public static let batch = 8

    /// Y_lm of `count` unit vectors given by their coordinates `x`, `y`, `z`, written lm-major: Y_lm of vector p at
    /// `values[(l² + l + m) · stride + p]`. The vectors are taken `batch` at a time, by the same recursion and in the
    /// same order of operations as `values(_:into:)` (so the numbers are the same); the coordinates must be readable
    /// and `stride` must leave room up to `count` rounded up to a multiple of `batch` (the extra lanes are written).
    public func values(
        x: UnsafePointer<Double>, y: UnsafePointer<Double>, z: UnsafePointer<Double>, count: Int,
        into values: UnsafeMutablePointer<Double>, stride: Int
    ) {
        typealias Lanes = SIMD8<Double>
        precondition(Lanes.scalarCount == Self.batch && stride >= (count + Self.batch - 1) / Self.batch * Self.batch)
        @inline(__always) func load(_ p: UnsafePointer<Double>) -> Lanes {
            UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
        }
        @inline(__always) func store(_ v: Lanes, _ p: UnsafeMutablePointer<Double>) {
            UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
        }
        entries.withUnsafeBufferPointer { entries in
            for p in Swift.stride(from: 0, to: count, by: Self.batch) {
                let x = load(x + p), y = load(y + p), z = load(z + p)
                var c = Lanes(repeating: 1), s = Lanes(repeating: 0)
                var qmm = 1.0
                for m in 0...lMax {
                    if m > 0 {
                        (c, s) = (x * c - y * s, x * s + y * c)
                        qmm *= -Double(2 * m - 1)
                    }
                    var q2 = Lanes(repeating: 0), q1 = Lanes(repeating: qmm)
                    for l in m...lMax {
                        let plus = l * l + l + m, minus = l * l + l - m
                        let entry = entries[plus]
                        let q: Lanes
                        if l == m {
                            q = q1
                        } else {
                            q = entry.a * z * q1 - entry.b * q2
                            q2 = q1
                            q1 = q
                        }
                        let nq = entry.normalisation * q
                        store(nq * c, values + plus * stride + p)
                        if m > 0 { store(nq * s, values + minus * stride + p) }
                    }
                }
            }
        }
    }

    /// Y_lm(r̂) and ∂Y_lm/∂r (3 per entry, x y z) for a unit vector `u` and 1/|r| = `inverseR`.
    public func valuesAndGradients(
        _ u: SIMD3<Double>, inverseR: Double, values: UnsafeMutablePointer<Double>,
        gradients: UnsafeMutablePointer<SIMD3<Double>>
    ) {
        evaluate(u, inverseR: inverseR, values: values, gradients: gradients)
    }

    @inline(__always)
    private func evaluate(
        _ u: SIMD3<Double>, inverseR: Double, values: UnsafeMutablePointer<Double>,
        gradients: UnsafeMutablePointer<SIMD3<Double>>?
    ) {
        let x = u.x, y = u.y, z = u.z
        // C_m, S_m and the diagonal start Q_m^m = (−1)^m (2m − 1)!!.
        var c = 1.0, s = 0.0  // C_m, S_m
        var cPrev = 0.0, sPrev = 0.0  // C_{m−1}, S_{m−1}
        var qmm = 1.0
        entries.withUnsafeBufferPointer { entries in
            for m in 0...lMax {
                if m > 0 {
                    let cNew = x * c - y * s, sNew = x * s + y * c
                    cPrev = c
                    sPrev = s
                    c = cNew
                    s = sNew
                    qmm *= -Double(2 * m - 1)
                }
                // Q_l^m(z) upward in l, with dQ/dz.
                var q2 = 0.0, dq2 = 0.0  // Q_{l−2}
                var q1 = qmm, dq1 = 0.0  // Q_{l−1} (starts at Q_m^m)
                for l in m...lMax {
                    let plus = l * l + l + m, minus = l * l + l - m
                    let entry = entries[plus]
                    let q: Double, dq: Double
                    if l == m {
                        q = qmm
                        dq = 0
                    } else {
                        q = entry.a * z * q1 - entry.b * q2
                        dq = entry.a * (q1 + z * dq1) - entry.b * dq2
                        q2 = q1
                        dq2 = dq1
                        q1 = q
                        dq1 = dq
                    }
                    let n = entry.normalisation
                    values[plus] = n * q * c
                    if m > 0 { values[minus] = n * q * s }
                    if let gradients {
                        // ∇F for the cosine and sine parts, then the tangential projection / r.
                        let md = Double(m)
                        let gc = n * SIMD3(q * md * cPrev, -q * md * sPrev, dq * c)
                        gradients[plus] = (gc - dot(gc, u) * u) * inverseR
                        if m > 0 {
                            let gs = n * SIMD3(q * md * sPrev, q * md * cPrev, dq * s)
                            gradients[minus] = (gs - dot(gs, u) * u) * inverseR
                        }
                    }
                }
            }
        }
    }
}
