import Foundation
import LinearAlgebra

/// QUIP's default `soap` basis (EQUISPACED_GAUSS): Gaussians of width σ centered at
/// r_a = (a − 1)·r_cb/n_max, r_cb = cutoff + σ√(20 ln 10), orthonormalised through T = C⁻¹L
/// (C the Gaussians' overlap at the centers, L the Cholesky factor of their radial overlap S), and
/// integrated against Gaussian densities: f_nl(r) = Σ_a e^{−α(r_a² + r²)} i_l(2α r r_a) T_an,
/// α = 1/(2σ²). The cosine cutoff is applied by the caller. The center atom adds L_{0n}/√(4π) at l = 0.
struct EquispacedGaussianFunctions: RadialFunctions {
    let nMax: Int
    let lMax: Int
    let range: Double
    let centerCoefficients: [Double]
    private let alpha: Double
    private let centers: [Double]
    private let transform: Matrix

    init(cutoff: Double, nMax: Int, lMax: Int, sigma: Double) throws(DescriptorError) {
        self.nMax = nMax
        self.lMax = lMax
        range = cutoff
        alpha = 0.5 / (sigma * sigma)
        let basisCutoff = cutoff + sigma * (2 * 10 * log(10.0)).squareRoot()
        centers = (0..<nMax).map { Double($0) * basisCutoff / Double(nMax) }
        var c = Matrix(rows: nMax, columns: nMax), s = c
        for i in 0..<nMax {
            for j in 0..<nMax {
                let ri = centers[i], rj = centers[j], sum = ri + rj
                c[i, j] = exp(-alpha * (ri - rj) * (ri - rj))
                s[i, j] =
                    (exp(-alpha * (ri * ri + rj * rj)) * 2.0.squareRoot() * pow(alpha, 1.5) * sum
                        + alpha * exp(-0.5 * alpha * (ri - rj) * (ri - rj)) * Double.pi.squareRoot()
                        * (1 + alpha * sum * sum) * (1 + erf((alpha / 2).squareRoot() * sum)))
                    / (128 * pow(alpha, 5)).squareRoot()
            }
        }
        let lower: Matrix
        do {
            lower = try Cholesky(s).lower
            transform = try Matrix.solve(c, lower)
        } catch {
            throw .invalidSetting(
                name: "n_max", value: "\(nMax)",
                hint: "the Gaussian basis overlap is not invertible (\(error)); use a smaller n_max or larger atom_sigma")
        }
        centerCoefficients = (0..<nMax).map { lower[0, $0] / (4 * Double.pi).squareRoot() }
    }

    func evaluate(_ r: Double, values: inout [Double], derivatives: inout [Double]) {
        // r = 0 is a removable point of (l/r)·ĩ_l; a tiny r gives the limit to well below the tolerance.
        let r = max(r, 1e-12)
        for k in 0..<values.count {
            values[k] = 0
            derivatives[k] = 0
        }
        for a in 0..<nMax {
            let ra = centers[a]
            let bessel = ModifiedSphericalBessel.scaled(2 * alpha * r * ra, lMax: lMax + 1)
            let gauss = exp(-alpha * (r - ra) * (r - ra))
            for l in 0...lMax {
                // d/dr [e^{−α(r−r_a)²} ĩ_l(2α r r_a)] with ĩ_l' = ĩ_{l+1} + (l/x − 1) ĩ_l.
                let g = gauss * bessel[l]
                let dg =
                    gauss
                    * (-2 * alpha * (r - ra) * bessel[l] + 2 * alpha * ra * (bessel[l + 1] - bessel[l])
                        + Double(l) / r * bessel[l])
                for n in 0..<nMax {
                    values[l * nMax + n] += g * transform[a, n]
                    derivatives[l * nMax + n] += dg * transform[a, n]
                }
            }
        }
    }
}
