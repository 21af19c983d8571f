import LinearAlgebra

/// Quintic splines of many radial functions on one uniform grid over [0, r_max], evaluated together: values
/// and first derivatives of all functions at one r.
///
/// On each interval the polynomial of degree five matches each function's value and slope at both ends (so
/// the spline is continuous with a continuous derivative) and its values at the thirds; the interpolation
/// error falls as h⁶, so a table of a few hundred intervals reaches 1e-12 and stays in cache where a cubic
/// table of the same accuracy (thousands of intervals, megabytes) does not. The grid is refined (doubling)
/// until the interpolation error at five points of every interval is below `tolerance` times the largest
/// |value| of each function, or until refining stops helping (a doubling gains less than 16× where h⁶ gives 64×:
/// the rounding floor of direct evaluation) with the error below `acceptable`; the tabulated functions then stand
/// in for direct evaluation to that accuracy. Stopping at the floor keeps the table small: every neighbor reads
/// six coefficients of every function, and a table twice the size no longer stays in a core's cache.
public struct RadialSpline: Sendable {
    /// Number of functions tabulated.
    public let count: Int
    /// The end of the grid.
    public let rMax: Double
    /// Grid intervals.
    public let intervals: Int
    private let inverseStep: Double
    /// Functions per power in the table: `count` rounded up to whole `Lanes`, the padding functions zero, so that
    /// evaluation works in whole vectors with no scalar tail (the lesson crystals' n_max 6, l_max 4 tabulate 30
    /// functions: six were evaluated one at a time).
    private let stride: Int
    /// Per interval, the six polynomial coefficients in t ∈ [0, 1], each for every function in turn
    /// (interval k, power a, function f at (6k + a)·stride + f), so that evaluation reads runs over functions.
    private let coefficients: [Double]
    /// Coefficients per interval and function.
    private static let powers = 6
    /// Where in an interval (t) the tabulated values are taken besides the ends, and where the error is checked.
    private static let thirdPoints = [1.0 / 3, 2.0 / 3], checkPoints = [1.0 / 6, 0.25, 0.5, 0.75, 5.0 / 6]

    /// Tabulates `count` functions. `evaluate(r, values, derivatives)` writes all values and d/dr at r.
    /// - Throws: `DescriptorError.splineDidNotConverge` when 2¹⁶ intervals, or a table of
    ///   `DescriptorLimits.radialTableBytes`, are not enough, or when refining stops helping with the error above
    ///   `acceptable`.
    public init(
        count: Int, rMax: Double, tolerance: Double = 1e-12, acceptable: Double = 1e-8,
        evaluate: (Double, inout [Double], inout [Double]) -> Void
    ) throws(DescriptorError) {
        precondition(count > 0 && rMax > 0)
        self.count = count
        self.rMax = rMax
        let stride = Lanes.padded(count)
        self.stride = stride
        var n = 32
        var v = [Double](repeating: 0, count: count), d = v
        var previous = Double.infinity, stalled = 0
        while true {
            let h = rMax / Double(n)
            // Per interval: value and slope at its start, values at its thirds; then the end node.
            var values = [Double](), slopes = [Double](), thirds = [Double]()
            values.reserveCapacity((n + 1) * count)
            slopes.reserveCapacity((n + 1) * count)
            thirds.reserveCapacity(2 * n * count)
            for k in 0...n {
                evaluate(Double(k) * h, &v, &d)
                values += v
                slopes += d
                guard k < n else { break }
                for t in Self.thirdPoints {
                    evaluate((Double(k) + t) * h, &v, &d)
                    thirds += v
                }
            }
            let coefficients = Self.quintic(values, slopes, thirds, count: count, stride: stride, intervals: n, step: h)
            var scale = [Double](repeating: 0, count: count)
            for k in 0...n { for f in 0..<count { scale[f] = max(scale[f], abs(values[k * count + f])) } }
            var worst = 0.0
            var spline = [Double](repeating: 0, count: count)
            coefficients.withUnsafeBufferPointer { coefficients in
                for k in 0..<n {
                    for t in Self.checkPoints {
                        evaluate((Double(k) + t) * h, &v, &d)
                        spline.withUnsafeMutableBufferPointer {
                            Self.values(
                                coefficients.baseAddress! + Self.powers * k * stride, stride: stride, count: count, t,
                                scale: 1, into: $0.baseAddress!)
                        }
                        for f in 0..<count where scale[f] > 0 { worst = max(worst, abs(spline[f] - v[f]) / scale[f]) }
                    }
                }
            }
            if worst <= tolerance || (worst <= acceptable && worst > previous / 16) {
                intervals = n
                inverseStep = 1 / h
                self.coefficients = coefficients
                return
            }
            // An error that two doublings in a row did not halve has reached the rounding floor of direct
            // evaluation, above `acceptable`: more intervals would only cost time (up to seconds at 2¹⁶). Large errors
            // refine on: a function narrower than the grid's intervals is not resolved yet.
            stalled = worst > previous / 2 && worst < 1e-6 ? stalled + 1 : 0
            let nextBytes = 2 * n * stride * Self.powers * MemoryLayout<Double>.size
            guard n < 1 << 16, stalled < 2, nextBytes <= DescriptorLimits.radialTableBytes else {
                throw .splineDidNotConverge(error: worst)
            }
            previous = worst
            n *= 2
        }
    }

    /// Coefficients a0…a5 of each interval, p(t) = Σ a_i tⁱ with p(0) = y0, p′(0) = m0, p(1) = y1, p′(1) = m1
    /// (slopes in t: h·d/dr), p(⅓) = y⅓, p(⅔) = y⅔; power a of function f at (6k + a)·`stride` + f, the functions
    /// from `count` to `stride` zero.
    private static func quintic(
        _ y: [Double], _ dy: [Double], _ thirds: [Double], count: Int, stride: Int, intervals: Int, step: Double
    ) -> [Double] {
        var out = [Double](repeating: 0, count: intervals * stride * powers)
        for k in 0..<intervals {
            for f in 0..<count {
                let y0 = y[k * count + f], y1 = y[(k + 1) * count + f]
                let m0 = dy[k * count + f] * step, m1 = dy[(k + 1) * count + f] * step
                let ya = thirds[2 * k * count + f], yb = thirds[(2 * k + 1) * count + f]
                let base = powers * k * stride + f
                out[base] = y0
                out[base + stride] = m0
                out[base + 2 * stride] = (-111 * y0 + 30 * y1 + 162 * ya - 81 * yb) / 4 - 6.5 * m0 - m1
                out[base + 3 * stride] = (323 * y0 - 161 * y1 - 567 * ya + 405 * yb) / 4 + 14.5 * m0 + 5.5 * m1
                out[base + 4 * stride] = (-333 * y0 + 252 * y1 + 648 * ya - 567 * yb) / 4 - 13.5 * m0 - 9 * m1
                out[base + 5 * stride] = 117 * (y0 - y1) / 4 + 243 * (yb - ya) / 4 + 4.5 * (m0 + m1)
            }
        }
        return out
    }

    /// Values and d/dr of all functions at `r` (0 ≤ r ≤ r_max; beyond, the last interval is extrapolated).
    @inline(__always)
    public func evaluate(_ r: Double, values: UnsafeMutablePointer<Double>, derivatives: UnsafeMutablePointer<Double>) {
        let (t, c) = interval(of: r)
        let n = stride, tv = Lanes(repeating: t), h = Lanes(repeating: inverseStep)
        let (two, three, four, five) = (Lanes(repeating: 2), Lanes(repeating: 3), Lanes(repeating: 4), Lanes(repeating: 5))
        coefficients.withUnsafeBufferPointer { coefficients in
            let c0 = coefficients.baseAddress! + c, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n, c4 = c3 + n, c5 = c4 + n
            for f in Swift.stride(from: 0, to: count, by: Lanes.scalarCount) {
                let a1 = Lanes(loading: c1 + f), a2 = Lanes(loading: c2 + f), a3 = Lanes(loading: c3 + f)
                let a4 = Lanes(loading: c4 + f), a5 = Lanes(loading: c5 + f)
                let value = Self.horner(tv, Lanes(loading: c0 + f), a1, a2, a3, a4, a5)
                let slope = Self.horner(tv, a1, two * a2, three * a3, four * a4, five * a5) * h
                Self.store(value, to: values + f, count: count - f)
                Self.store(slope, to: derivatives + f, count: count - f)
            }
        }
    }

    /// Values of all functions at `r` times `scale` (as `evaluate(_:values:derivatives:)`, without the
    /// derivatives). The scale is applied in registers: a pass over the stored values after them waited on the
    /// lanes of a last, partial vector, which are stored one at a time. `padded`: `values` has room for
    /// `Lanes.padded(count)` entries, and the last vector is stored whole (zeros past `count`: the table's padding
    /// functions are zero).
    @inline(__always)
    public func evaluate(
        _ r: Double, scaledBy scale: Double = 1, values: UnsafeMutablePointer<Double>, padded: Bool = false
    ) {
        let (t, c) = interval(of: r)
        coefficients.withUnsafeBufferPointer { coefficients in
            Self.values(
                coefficients.baseAddress! + c, stride: stride, count: padded ? stride : count, t, scale: scale,
                into: values)
        }
    }

    /// The `count` polynomials at t times `scale`, from their interval's coefficients `c0` (power a of function f at
    /// a·`stride` + f), a vector of functions at a time.
    @inline(__always)
    private static func values(
        _ c0: UnsafePointer<Double>, stride: Int, count: Int, _ t: Double, scale: Double,
        into values: UnsafeMutablePointer<Double>
    ) {
        let n = stride, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n, c4 = c3 + n, c5 = c4 + n, tv = Lanes(repeating: t)
        let factor = Lanes(repeating: scale)
        for f in Swift.stride(from: 0, to: count, by: Lanes.scalarCount) {
            let value = horner(
                tv, Lanes(loading: c0 + f), Lanes(loading: c1 + f), Lanes(loading: c2 + f), Lanes(loading: c3 + f),
                Lanes(loading: c4 + f), Lanes(loading: c5 + f))
            store(value * factor, to: values + f, count: count - f)
        }
    }

    /// The first `count` lanes of `v` to `p` (all of them when `count` reaches a whole vector).
    @inline(__always)
    private static func store(_ v: Lanes, to p: UnsafeMutablePointer<Double>, count: Int) {
        if count >= Lanes.scalarCount {
            v.store(to: p)
        } else {
            for i in 0..<count { p[i] = v[i] }
        }
    }

    /// a0 + t (a1 + t (a2 + t (a3 + t a4))), a multiply-add per step (fused where the CPU has it: `multiplyAdd`).
    @inline(__always)
    private static func horner(_ t: Lanes, _ a0: Lanes, _ a1: Lanes, _ a2: Lanes, _ a3: Lanes, _ a4: Lanes) -> Lanes {
        multiplyAdd(a0, t, multiplyAdd(a1, t, multiplyAdd(a2, t, multiplyAdd(a3, t, a4))))
    }

    /// As `horner(_:_:_:_:_:_:)`, for six coefficients.
    @inline(__always)
    private static func horner(
        _ t: Lanes, _ a0: Lanes, _ a1: Lanes, _ a2: Lanes, _ a3: Lanes, _ a4: Lanes, _ a5: Lanes
    ) -> Lanes {
        multiplyAdd(a0, t, horner(t, a1, a2, a3, a4, a5))
    }

    /// The position t ∈ [0, 1] of `r` in its interval (the first or last for r outside the grid), and the offset
    /// of that interval's coefficients.
    @inline(__always)
    private func interval(of r: Double) -> (t: Double, offset: Int) {
        let x = r * inverseStep
        let k = min(max(Int(x), 0), intervals - 1)
        return (x - Double(k), Self.powers * k * stride)
    }
}
