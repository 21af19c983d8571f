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
    /// Per interval, the four Hermite polynomial coefficients in t ∈ [0, 1], each for every function in turn
    /// (interval k, power a, function f at (4k + a)·count + f), so that evaluation reads runs over functions.
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
                        let b = 4 * k * count + f
                        let s =
                            coefficients[b]
                            + t * (coefficients[b + count] + t * (coefficients[b + 2 * count] + t * coefficients[b + 3 * count]))
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
                let base = 4 * k * count + f
                out[base] = y0
                out[base + count] = m0
                out[base + 2 * count] = 3 * (y1 - y0) - 2 * m0 - m1
                out[base + 3 * count] = 2 * (y0 - y1) + m0 + m1
            }
        }
        return out
    }

    /// Values and d/dr of all functions at `r` (0 ≤ r ≤ r_max; beyond, the last interval is extrapolated).
    @inline(__always)
    public func evaluate(_ r: Double, values: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>) {
        let (t, c) = interval(of: r)
        let n = count
        coefficients.withUnsafeBufferPointer { coefficients in
            let c0 = coefficients.baseAddress! + c, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
            for f in 0..<n {
                values[f] = c0[f] + t * (c1[f] + t * (c2[f] + t * c3[f]))
                derivatives[f] = (c1[f] + t * (2 * c2[f] + 3 * t * c3[f])) * inverseStep
            }
        }
    }

    /// Values of all functions at `r` (as `evaluate(_:values:derivatives:)`, without the derivatives).
    @inline(__always)
    public func evaluate(_ r: Double, values: UnsafeMutablePointer<Double>) {
        let (t, c) = interval(of: r)
        let n = count
        coefficients.withUnsafeBufferPointer { coefficients in
            let c0 = coefficients.baseAddress! + c, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
            for f in 0..<n { values[f] = c0[f] + t * (c1[f] + t * (c2[f] + t * c3[f])) }
        }
    }

    /// The position t ∈ [0, 1] of `r` in its interval (the first or last for r outside the grid), and the offset
    /// of that interval's coefficients.
    @inline(__always)
    private func interval(of r: Double) -> (t: Double, offset: Int) {
        let x = r * inverseStep
        let k = min(max(Int(x), 0), intervals - 1)
        return (x - Double(k), 4 * k * count)
    }
}
