import Foundation
import LinearAlgebra

/// DScribe's `rbf="gto"` basis: Gaussian-type orbitals r^l exp(−α_lk r²) with α chosen so each decays
/// to 10⁻³ at a_k = linspace(1, r_cut, n_max), Löwdin-orthonormalised per l (β_l = S_l^{−1/2}), and
/// integrated analytically against Gaussian atomic densities of width σ:
/// f_nl(r) = Σ_k β_lnk π^{3/2} η^l / (α_lk + η)^{l+3/2} · r^l · exp(−α_lk η r² / (α_lk + η)), η = 1/(2σ²).
/// Neighbors count up to r_cut + σ√(−2 ln 10⁻³).
struct GTORadialFunctions: RadialFunctions {
    let nMax: Int
    let lMax: Int
    let range: Double
    let centerCoefficients: [Double]
    /// α_lk.
    let alphas: [[Double]]
    /// β_l as rows n, columns k.
    let betas: [[[Double]]]
    /// Per (l, k): the prefactor π^{3/2} η^l/(α+η)^{l+3/2} and the exponent α η/(α+η).
    private let prefactor: [Double], exponent: [Double]

    init(cutoff: Double, nMax: Int, lMax: Int, sigma: Double) throws(DescriptorError) {
        self.nMax = nMax
        self.lMax = lMax
        let a = (0..<nMax).map { nMax == 1 ? 1 : 1 + (cutoff - 1) * Double($0) / Double(nMax - 1) }
        var alphas = [[Double]](), betas = [[[Double]]]()
        for l in 0...lMax {
            let al = a.map { -log(1e-3 / pow($0, Double(l))) / ($0 * $0) }
            var s = Matrix(rows: nMax, columns: nMax)
            let power = Double(l) + 1.5
            for i in 0..<nMax {
                for j in 0..<nMax { s[i, j] = 0.5 * tgamma(power) * pow(al[i] + al[j], -power) }
            }
            let beta: Matrix
            do {
                beta = try s.inverseSquareRoot(relativeTolerance: 1e-300)
            } catch {
                throw .invalidSetting(
                    name: "n_max", value: "\(nMax)",
                    hint: "the GTO overlap matrix for l = \(l) is singular (\(error)); use a smaller n_max")
            }
            // How far from orthonormal the basis came out in double precision: max |β S βᵀ − I|.
            let residual = Self.orthonormalityError(beta, overlap: s)
            guard residual <= Self.orthonormalityTolerance else {
                throw .invalidSetting(
                    name: "n_max", value: "\(nMax)",
                    hint: "the GTO basis for l = \(l) cannot be orthonormalised in double precision at r_cut \(cutoff) "
                        + "(β S βᵀ deviates from the identity by \(residual), above \(Self.orthonormalityTolerance)); "
                        + "use a smaller n_max or a larger r_cut")
            }
            alphas.append(al)
            betas.append((0..<nMax).map { beta.row($0) })
        }
        self.alphas = alphas
        self.betas = betas
        let eta = 1 / (2 * sigma * sigma)
        var prefactor = [Double](repeating: 0, count: (lMax + 1) * nMax), exponent = prefactor
        for l in 0...lMax {
            for k in 0..<nMax {
                let al = alphas[l][k]
                prefactor[l * nMax + k] = pow(Double.pi, 1.5) * pow(eta, Double(l)) / pow(al + eta, Double(l) + 1.5)
                exponent[l * nMax + k] = al * eta / (al + eta)
            }
        }
        self.prefactor = prefactor
        self.exponent = exponent
        range = cutoff + sigma * (-2 * log(1e-3)).squareRoot()
        // At r = 0 only l = 0 survives: f_n0(0) Y_00 with f_n0(0) = Σ_k β_0nk π^{3/2} / (α_0k + η)^{3/2}.
        centerCoefficients = (0..<nMax).map { n in
            (0..<nMax).reduce(0.0) { $0 + betas[0][n][$1] * prefactor[$1] } / (4 * Double.pi).squareRoot()
        }
    }

    /// The largest |β S βᵀ − I| a basis may have: beyond it the overlap matrix is too ill-conditioned for double
    /// precision, and the functions would differ from DScribe's definition by about as much (with l_max up to 12:
    /// r_cut 8 Å allows n_max 12, 5 Å 11, 3 Å 9, 2 Å 7).
    static let orthonormalityTolerance = 1e-6

    /// max |β S βᵀ − I|.
    static func orthonormalityError(_ beta: Matrix, overlap s: Matrix) -> Double {
        let product = Matrix.productWithTranspose(Matrix.productWithTranspose(beta, ofSameShape: s), ofSameShape: beta)
        return (product - .identity(beta.rows)).maxAbs
    }

    func evaluate(_ r: Double, values: inout [Double], derivatives: inout [Double]) {
        var rl = 1.0, drl = 0.0  // r^l and its derivative
        var g = [Double](repeating: 0, count: nMax), dg = g
        for l in 0...lMax {
            if l > 0 {
                drl = Double(l) * rl
                rl *= r
            }
            for k in 0..<nMax {
                let e = exp(-exponent[l * nMax + k] * r * r) * prefactor[l * nMax + k]
                g[k] = rl * e
                dg[k] = drl * e - 2 * exponent[l * nMax + k] * r * rl * e
            }
            for n in 0..<nMax {
                var v = 0.0, d = 0.0
                for k in 0..<nMax {
                    v += betas[l][n][k] * g[k]
                    d += betas[l][n][k] * dg[k]
                }
                values[l * nMax + n] = v
                derivatives[l * nMax + n] = d
            }
        }
    }
}
