/// Cubic Hermite splines of many radial functions on one uniform grid over [0, r_max], evaluated
/// together: values and first derivatives of all functions at one r.
///
/// The grid is refined (doubling) until the interpolation error at the quarter, half and three-quarter
/// points of every interval is below `tolerance` times the largest |value| of each function, or until
/// refining stops helping (the rounding floor of direct evaluation) with the error below `acceptable`;
/// the tabulated functions then stand in for direct evaluation to that accuracy.
public struct RadialSpline: Sendable {
    /// Number of functions tabulated.
    public let count: Int
    /// The end of the grid.
    public let rMax: Double
    /// Grid intervals.
    public let intervals: Int
    private let inverseStep: Double
    private let step: Double
    /// Per interval, per function: the four Hermite polynomial coefficients in t ∈ [0, 1].
    private let coefficients: [Double]

    /// Tabulates `count` functions. `evaluate(r, values, derivatives)` writes all values and d/dr at r.
    /// - Throws: `DescriptorError.splineDidNotConverge` when 2¹⁶ intervals are not enough.
    public init(
        count: Int, rMax: Double, tolerance: Double = 1e-12, acceptable: Double = 1e-10,
        evaluate: (Double, inout [Double], inout [Double]) -> Void
    ) throws(DescriptorError) {
        precondition(count > 0 && rMax > 0)
        self.count = count
        self.rMax = rMax
        var n = 128
        var v = [Double](repeating: 0, count: count), d = v
        var previous = Double.infinity
        while true {
            let h = rMax / Double(n)
            var nodesV = [Double](), nodesD = [Double]()
            nodesV.reserveCapacity((n + 1) * count)
            nodesD.reserveCapacity((n + 1) * count)
            for k in 0...n {
                evaluate(Double(k) * h, &v, &d)
                nodesV += v
                nodesD += d
            }
            let coefficients = Self.hermite(nodesV, nodesD, count: count, intervals: n, step: h)
            var scale = [Double](repeating: 0, count: count)
            for k in 0...n { for f in 0..<count { scale[f] = max(scale[f], abs(nodesV[k * count + f])) } }
            var worst = 0.0
            for k in 0..<n {
                for t in [0.25, 0.5, 0.75] {
                    evaluate((Double(k) + t) * h, &v, &d)
                    for f in 0..<count where scale[f] > 0 {
                        let b = (k * count + f) * 4
                        let s = coefficients[b] + t * (coefficients[b + 1] + t * (coefficients[b + 2] + t * coefficients[b + 3]))
                        worst = max(worst, abs(s - v[f]) / scale[f])
                    }
                }
            }
            if worst <= tolerance || (worst <= acceptable && worst > previous / 4) {
                intervals = n
                step = h
                inverseStep = 1 / h
                self.coefficients = coefficients
                return
            }
            guard n < 1 << 16 else { throw .splineDidNotConverge(error: worst) }
            previous = worst
            n *= 2
        }
    }

    /// Hermite coefficients a0…a3 of each interval: p(t) = a0 + a1 t + a2 t² + a3 t³.
    private static func hermite(_ y: [Double], _ dy: [Double], count: Int, intervals: Int, step: Double) -> [Double] {
        var out = [Double](repeating: 0, count: intervals * count * 4)
        for k in 0..<intervals {
            for f in 0..<count {
                let y0 = y[k * count + f], y1 = y[(k + 1) * count + f]
                let m0 = dy[k * count + f] * step, m1 = dy[(k + 1) * count + f] * step
                let base = (k * count + f) * 4
                out[base] = y0
                out[base + 1] = m0
                out[base + 2] = 3 * (y1 - y0) - 2 * m0 - m1
                out[base + 3] = 2 * (y0 - y1) + m0 + m1
            }
        }
        return out
    }

    /// Values and d/dr of all functions at `r` (0 ≤ r ≤ r_max; beyond, the last interval is extrapolated).
    @inline(__always)
    public func evaluate(_ r: Double, values: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>) {
        let x = r * inverseStep
        let k = min(max(Int(x), 0), intervals - 1)
        let t = x - Double(k)
        coefficients.withUnsafeBufferPointer { c in
            var p = c.baseAddress! + k * count * 4
            for f in 0..<count {
                values[f] = p[0] + t * (p[1] + t * (p[2] + t * p[3]))
                derivatives[f] = (p[1] + t * (2 * p[2] + 3 * t * p[3])) * inverseStep
                p += 4
            }
        }
    }
}
