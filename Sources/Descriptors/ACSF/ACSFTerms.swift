import Foundation

/// ACSF's functions with their constants laid out once per setting: G1–G3 evaluated for one neighbor, values and
/// derivatives, straight into a row and its derivative blocks; G4 and G5 in `angular`.
///
/// Derivative blocks are 3 × D (x, y and z rows of `stride` = D features); the pointers given are already
/// offset to the first feature of the function block being written.
struct ACSFTerms: Sendable {
    /// f_c with its r_c.
    let cutoff: ACSFCutoff
    /// 1 + n_G2 + n_G3: the features per neighbor species.
    let radialCount: Int
    /// n_G4 + n_G5: the features per neighbor species pair.
    var angularCount: Int { angular.functions.count }
    private let g2Eta: [Double], g2Shift: [Double]
    private let g3Kappa: [Double]
    /// G4 and G5.
    let angular: ACSFAngular

    init(cutoff radius: Double, g2: [ACSF.Gaussian], g3: [Double], g4: [ACSF.Angular], g5: [ACSF.Angular]) {
        cutoff = ACSFCutoff(radius: radius)
        radialCount = 1 + g2.count + g3.count
        g2Eta = g2.map(\.eta)
        g2Shift = g2.map(\.shift)
        g3Kappa = g3
        angular = ACSFAngular(g4: g4, g5: g5, cutoff: cutoff)
    }

    /// Adds G1, G2 and G3 of one neighbor at distance r > 0 (vector `d` from the center) to `row` and, when
    /// `block` is given, their derivatives with respect to the neighbor's position.
    @inline(__always)
    func addRadial(
        r: Double, d: SIMD3<Double>, fc: Double, slopeOverR: Double, row: UnsafeMutablePointer<Double>,
        block: UnsafeMutablePointer<Double>?, stride: Int
    ) {
        row[0] += fc
        // ∂G/∂r_j = (dG/dr) d / r; `slope` is (dG/dr) / r.
        @inline(__always) func add(_ f: Int, _ slope: @autoclosure () -> Double) {
            guard let block else { return }
            let slope = slope()
            block[f] += slope * d.x
            block[stride + f] += slope * d.y
            block[2 * stride + f] += slope * d.z
        }
        add(0, slopeOverR)
        let dfc = slopeOverR * r
        for m in 0..<g2Eta.count {
            let shifted = r - g2Shift[m]
            let g = PolynomialElementary.exponential(-g2Eta[m] * shifted * shifted)
            row[1 + m] += g * fc
            add(1 + m, g * (dfc - 2 * g2Eta[m] * shifted * fc) / r)
        }
        let start = 1 + g2Eta.count
        for m in 0..<g3Kappa.count {
            let kappa = g3Kappa[m]
            let c = PolynomialElementary.cosine(anyAngle: kappa * r)
            row[start + m] += c * fc
            add(start + m, (c * dfc - kappa * sin(kappa * r) * fc) / r)
        }
    }
}
