/// How a density sitting exactly on a fixed expansion center (a center atom's own density when the center
/// does not move with it, or an atom found at a point center) changes when its atom moves by δ.
///
/// Its contribution w(r) f_nl(r) Y_lm(r̂) at r = |δ| changes to first order only for l = 1: f_n1(r) ≈ f'_n1(0) r
/// and r Y_1m(r̂) = Σ_α δ_α Y_1m(e_α) is linear in δ, so ∂X[1m, n]/∂δ_α = w(0) f'_n1(0) Y_1m(e_α). (l = 0 is even
/// in δ and l ≥ 2 starts at r²; the weight is the weighting function's w(0), not the center weight `w0`,
/// which DScribe applies at r = 0 exactly.) The factors are stored as those of a cached pair — A = w(0) f'_n1(0)
/// at l = 1, B = 0, Y = 0, ∂_αY_1m = Y_1m(e_α) — so the pair loops of `SOAPEngine` take it as one more neighbor.
struct CenterDisplacement: Sendable {
    /// A_{l·n_max + n}: w(0) f'_n1(0) at l = 1, zero elsewhere.
    let radial: [Double]
    /// ∂Y_lm per (l, m): Y_1m(e_x), Y_1m(e_y), Y_1m(e_z) at l = 1, zero elsewhere.
    let harmonicGradients: [SIMD3<Double>]
    /// False when the weighting is infinite at r = 0 (DScribe's pow with d = 0 and m > 0): w(r) f_n1(r) Y_1m(r̂)
    /// then has no derivative at r = 0, and a density sitting on a fixed center none with respect to its atom.
    let isDefined: Bool

    init(basis: RadialBasis, harmonics: SphericalHarmonics, weight: NeighborWeight) {
        let nMax = basis.nMax, lm = harmonics.count
        var values = [Double](repeating: 0, count: (basis.lMax + 1) * nMax), slopes = values
        values.withUnsafeMutableBufferPointer { v in
            slopes.withUnsafeMutableBufferPointer { basis.spline.evaluate(0, values: v.baseAddress!, derivatives: $0.baseAddress!) }
        }
        var radial = [Double](repeating: 0, count: values.count)
        var gradients = [SIMD3<Double>](repeating: .zero, count: lm)
        if basis.lMax >= 1 {
            let w0 = weight(0).0
            for n in 0..<nMax { radial[nMax + n] = w0 * slopes[nMax + n] }
            var y = [Double](repeating: 0, count: lm)
            for axis in 0..<3 {
                var e = SIMD3<Double>.zero
                e[axis] = 1
                y.withUnsafeMutableBufferPointer { harmonics.values(e, into: $0.baseAddress!) }
                for m in 1...3 { gradients[m][axis] = y[m] }
            }
        }
        self.radial = radial
        self.harmonicGradients = gradients
        isDefined = weight(0).0.isFinite && radial.allSatisfy(\.isFinite)
    }
}
