import Atoms
import Foundation
import Support
import Testing

@testable import Descriptors

@Suite("SOAP building blocks")
struct BuildingBlockTests {
    @Test func sphericalHarmonicsObeyTheAdditionTheorem() {
        // Σ_m Y_lm(u) Y_lm(v) = (2l+1)/(4π) P_l(u·v), whatever the real-harmonic convention.
        let lMax = 20
        let sh = SphericalHarmonics(lMax: lMax)
        var rng = SeededGenerator(seed: 3)
        let a = UnsafeMutablePointer<Double>.allocate(capacity: sh.count),
            b = UnsafeMutablePointer<Double>.allocate(capacity: sh.count)
        defer {
            a.deallocate()
            b.deallocate()
        }
        for _ in 0..<50 {
            func unit() -> SIMD3<Double> {
                let v = SIMD3(rng.normal(), rng.normal(), rng.normal())
                return v / norm(v)
            }
            let u = unit(), v = unit()
            sh.values(u, into: a)
            sh.values(v, into: b)
            let x = dot(u, v)
            var p0 = 1.0, p1 = x
            for l in 0...lMax {
                let legendre =
                    l == 0
                    ? 1
                    : (l == 1
                        ? x
                        : { () -> Double in
                            let p2 = (Double(2 * l - 1) * x * p1 - Double(l - 1) * p0) / Double(l)
                            p0 = p1
                            p1 = p2
                            return p2
                        }())
                var sum = 0.0
                for m in -l...l { sum += a[l * l + l + m] * b[l * l + l + m] }
                #expect(abs(sum - Double(2 * l + 1) / (4 * .pi) * legendre) < 1e-12, "l = \(l)")
            }
        }
    }

    /// The 8 × 8 transposition in registers gives the rows' columns, zero for the rows from `count` on, which it does
    /// not read, and writes nothing between the columns.
    @Test(arguments: 0...8)
    func lanesTransposeTheirFirstRowsAndZeroTheRest(count: Int) {
        // Rows 11 doubles apart, only `count` of them in the buffer (a load of a row past them would read outside it),
        // columns written 10 apart: every entry distinct, the gaps left alone.
        let rows = (0..<max(1, (count - 1) * 11 + 8)).map { Double($0 + 1) }
        var columns = [Double](repeating: .nan, count: 8 * 10)
        rows.withUnsafeBufferPointer { r in
            columns.withUnsafeMutableBufferPointer { c in
                Lanes.transpose(rows: r.baseAddress!, rowStride: 11, count: count, into: c.baseAddress!, columnStride: 10)
            }
        }
        for j in 0..<8 {
            for i in 0..<8 { #expect(columns[j * 10 + i] == (i < count ? rows[i * 11 + j] : 0), "column \(j), row \(i)") }
            #expect(columns[j * 10 + 8].isNaN && columns[j * 10 + 9].isNaN, "column \(j)'s gap")
        }
    }

    /// The batched harmonics (vectors a batch at a time, lm-major) are those of one vector at a time, to the bit, for
    /// counts that fill no batch, one, and one and a bit, on unit vectors including the poles.
    @Test(arguments: [3, 8, 13])
    func batchedHarmonicsEqualOneVectorAtATime(count: Int) {
        let sh = SphericalHarmonics(lMax: 7)
        var rng = SeededGenerator(seed: UInt64(count))
        var units = (0..<count).map { _ -> SIMD3<Double> in
            let v = SIMD3(rng.normal(), rng.normal(), rng.normal())
            return v / norm(v)
        }
        units[0] = SIMD3(0, 0, 1)
        units[count - 1] = SIMD3(0, 0, -1)
        let stride = (count + SphericalHarmonics.batch - 1) / SphericalHarmonics.batch * SphericalHarmonics.batch + 2
        var x = [Double](repeating: 0, count: stride), y = x, z = x
        for (p, u) in units.enumerated() { (x[p], y[p], z[p]) = (u.x, u.y, u.z) }
        var batched = [Double](repeating: .nan, count: sh.count * stride), one = [Double](repeating: 0, count: sh.count)
        batched.withUnsafeMutableBufferPointer { out in
            sh.values(x: x, y: y, z: z, count: count, into: out.baseAddress!, stride: stride)
        }
        for (p, u) in units.enumerated() {
            one.withUnsafeMutableBufferPointer { sh.values(u, into: $0.baseAddress!) }
            for lm in 0..<sh.count { #expect(batched[lm * stride + p] == one[lm], "vector \(p), lm \(lm)") }
        }
        // The last two columns, past the padded batch, are left alone.
        for lm in 0..<sh.count { #expect(batched[lm * stride + stride - 1].isNaN) }
    }

    @Test func sphericalHarmonicGradientsMatchFiniteDifferences() {
        let sh = SphericalHarmonics(lMax: 8)
        let n = sh.count
        let y = UnsafeMutablePointer<Double>.allocate(capacity: n), plus = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let minus = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let b = SphericalHarmonics.batch
        let yBatch = UnsafeMutablePointer<Double>.allocate(capacity: n * b)
        let g = UnsafeMutablePointer<Double>.allocate(capacity: 3 * n * b)
        defer {
            y.deallocate()
            plus.deallocate()
            minus.deallocate()
            yBatch.deallocate()
            g.deallocate()
        }
        for r in [SIMD3(0.3, -1.2, 0.7), SIMD3(0, 0, 2.5), SIMD3(-0.1, 0.0, -3)] {
            // One vector in lane 0 of a batch; the gradient of entry k along axis is at (3k + axis) · b.
            let u = r / norm(r)
            var coordinates = [Double](repeating: 0, count: 4 * b)
            (coordinates[0], coordinates[b], coordinates[2 * b], coordinates[3 * b]) = (u.x, u.y, u.z, 1 / norm(r))
            coordinates.withUnsafeBufferPointer { c in
                let c = c.baseAddress!
                sh.valuesAndGradients(
                    x: c, y: c + b, z: c + 2 * b, inverseR: c + 3 * b, count: 1, values: yBatch, gradients: g, stride: b)
            }
            sh.values(u, into: y)
            for k in 0..<n { #expect(yBatch[k * b] == y[k]) }
            let h = 1e-6
            for axis in 0..<3 {
                var rp = r, rm = r
                rp[axis] += h
                rm[axis] -= h
                sh.values(rp / norm(rp), into: plus)
                sh.values(rm / norm(rm), into: minus)
                for k in 0..<n { #expect(abs((plus[k] - minus[k]) / (2 * h) - g[(3 * k + axis) * b]) < 1e-7) }
            }
        }
    }

    @Test func scaledBesselFunctionsMatchClosedForms() {
        for x in [1e-8, 1e-3, 0.5, 1.999, 2.001, 7.5, 40, 300] {
            let i = ModifiedSphericalBessel.scaled(x, lMax: 12)
            let e = exp(-x)
            let i0 = x < 1e-4 ? e * (1 + x * x / 6) : -expm1(-2 * x) / (2 * x)
            let i1 = x < 1e-2 ? e * (x / 3 + x * x * x / 30) : (x * (1 + exp(-2 * x)) / 2 - (1 - exp(-2 * x)) / 2) / (x * x)
            #expect(abs(i[0] - i0) <= 1e-14 * i0, "x = \(x)")
            #expect(abs(i[1] - i1) <= 1e-12 * i1 + 1e-300, "x = \(x)")
            // Recurrence i_{l-1} - i_{l+1} = (2l+1)/x i_l holds for the scaled functions too.
            for l in 1..<12 { #expect(abs(i[l - 1] - i[l + 1] - Double(2 * l + 1) / x * i[l]) <= 1e-12 * i[l - 1]) }
        }
        // Series and recurrence agree around the switch at x = 2.
        for x in [1.5, 2.0, 3.0] {
            let series = ModifiedSphericalBessel.series(x, lMax: 20), miller = ModifiedSphericalBessel.downward(x, lMax: 20)
            for l in 0...20 { #expect(abs(series[l] - miller[l]) <= 1e-14 * series[l], "x = \(x), l = \(l)") }
        }
    }

    /// DScribe's weightings and their slopes against central differences, and, for pow with a huge m (fuzz
    /// regression: NaN derivatives), the limits beyond r0, where (r/r0)^m overflows: w = dw/dr = 0.
    @Test func weightingsHaveTheirSlopesAndLimits() {
        let weights: [NeighborWeight] = [
            .poly(c: 1.2, r0: 3, m: 2), .pow(c: 1, d: 1, r0: 2, m: 3), .pow(c: 2, d: 0.5, r0: 1.5, m: 7.5),
            .exp(c: 1, d: 0.5, r0: 1), .cosine(cutoff: 4, width: 1)
        ]
        for weight in weights {
            for r in [0.3, 0.9, 1.7, 2.5, 3.6] {
                let h = 1e-6, fd = (weight(r + h).0 - weight(r - h).0) / (2 * h)
                #expect(abs(weight(r).1 - fd) <= 1e-7 * max(1, abs(fd)), "\(weight) at r = \(r)")
            }
        }
        let steep = NeighborWeight.pow(c: 1, d: 1, r0: 2, m: 3.3e57)
        for r in [2.0 + 1e-12, 2.1, 5.0] { #expect(steep(r) == (0, 0), "r = \(r): \(steep(r))") }
        #expect(steep(1.9) == (1, 0))
        // c = 0 weighs nothing, also where d + (r/r0)^m is 0 (fuzz regression: 0/0 gave NaN rows).
        for weight in [NeighborWeight.pow(c: 0, d: 0, r0: 2, m: 3.3e57), .pow(c: 0, d: 0, r0: 2, m: 2), .exp(c: 0, d: 0, r0: 1)] {
            for r in [0, 0.5, 1.9, 2.5] { #expect(weight(r) == (0, 0), "\(weight) at r = \(r)") }
        }
    }

    /// Spline against direct evaluation, for tables of whole vectors of functions (n_max 8, l_max 6: 56) and with a
    /// part-filled last vector (30 and 5 functions), which must write no value past the last function.
    @Test(arguments: [SOAP.Layout.dscribe, .quip], [[8, 6], [6, 4], [5, 0]])
    func radialSplinesMatchDirectEvaluation(layout: SOAP.Layout, shape: [Int]) throws {
        let (nMax, lMax) = (shape[0], shape[1])
        let functions: any RadialFunctions =
            layout == .dscribe
            ? try GTORadialFunctions(cutoff: 5, nMax: nMax, lMax: lMax, sigma: 0.5)
            : try EquispacedGaussianFunctions(cutoff: 5, nMax: nMax, lMax: lMax, sigma: 0.5)
        let basis = try RadialBasis(functions)
        let count = basis.spline.count
        #expect(count == nMax * (lMax + 1))
        var direct = [Double](repeating: 0, count: count), directDerivative = direct
        // Largest |f| and |f′| of each function over the range, the scales of the relative errors.
        var scale = [Double](repeating: 0, count: count), slopeScale = scale
        for k in 0...1000 {
            functions.evaluate(Double(k) / 1000 * basis.range, values: &direct, derivatives: &directDerivative)
            for f in 0..<count {
                scale[f] = max(scale[f], abs(direct[f]))
                slopeScale[f] = max(slopeScale[f], abs(directDerivative[f]))
            }
        }
        // Room past the last function, filled with a marker that must stay.
        let room = count + 8, marker = -12345.0
        let values = UnsafeMutablePointer<Double>.allocate(capacity: room)
        let derivatives = UnsafeMutablePointer<Double>.allocate(capacity: room)
        values.initialize(repeating: marker, count: room)
        derivatives.initialize(repeating: marker, count: room)
        defer {
            values.deallocate()
            derivatives.deallocate()
        }
        var rng = SeededGenerator(seed: 5)
        var worst = 0.0, worstSlope = 0.0
        for _ in 0..<3000 {
            let r = rng.uniform() * basis.range
            functions.evaluate(r, values: &direct, derivatives: &directDerivative)
            basis.spline.evaluate(r, values: values, derivatives: derivatives)
            for f in 0..<count where scale[f] > 0 {
                worst = max(worst, abs(values[f] - direct[f]) / scale[f])
                worstSlope = max(worstSlope, abs(derivatives[f] - directDerivative[f]) / slopeScale[f])
            }
            // The values-only evaluation gives the same values.
            let withSlopes = Array(UnsafeBufferPointer(start: values, count: count))
            basis.spline.evaluate(r, values: values)
            #expect(Array(UnsafeBufferPointer(start: values, count: count)) == withSlopes)
        }
        #expect((count..<room).allSatisfy { values[$0] == marker && derivatives[$0] == marker })
        #expect(worst <= 1e-10, "spline error \(worst)")
        #expect(worstSlope <= 1e-9, "spline slope error \(worstSlope)")
    }
}
