import Foundation

/// ACSF's functions with their constants laid out once per setting, evaluated for one neighbor (G1–G3) or
/// one pair of neighbors (G4, G5), values and derivatives, straight into a row and its derivative blocks.
///
/// Derivative blocks are 3 × D (x, y and z rows of `stride` = D features); the pointers given are already
/// offset to the first feature of the function block being written.
struct ACSFTerms: Sendable {
    /// r_c in Å.
    let cutoff: Double
    /// π / r_c.
    private let phase: Double
    /// 1 + n_G2 + n_G3: the features per neighbor species.
    let radialCount: Int
    /// n_G4 + n_G5: the features per neighbor species pair.
    let angularCount: Int
    private let g2Eta: [Double], g2Shift: [Double]
    private let g3Kappa: [Double]
    /// One G4 or G5 function's constants.
    struct AngularFunction {
        /// λ/2, ζ, ζλ and 2η.
        let halfLambda: Double, zeta: Double, zetaLambda: Double, twoEta: Double
        /// ζ − 1 when it is a whole number up to 64 (powers by multiplication), else −1.
        let wholeZetaMinusOne: Int
        /// Index of its η among `distinctEta`.
        let etaIndex: Int
    }

    /// Angular functions, G4 first, then G5.
    private let g4Count: Int
    private let angular: [AngularFunction]
    /// The distinct η of the angular functions.
    let distinctEta: [Double]
    /// The distinct-η indices that G4 functions use (their exp(−η r_jk²) is needed per pair of neighbors).
    private let g4EtaIndices: [Int]

    init(cutoff: Double, g2: [ACSF.Gaussian], g3: [Double], g4: [ACSF.Angular], g5: [ACSF.Angular]) {
        self.cutoff = cutoff
        phase = Double.pi / cutoff
        radialCount = 1 + g2.count + g3.count
        angularCount = g4.count + g5.count
        g2Eta = g2.map(\.eta)
        g2Shift = g2.map(\.shift)
        g3Kappa = g3
        g4Count = g4.count
        let distinct = Array(Set((g4 + g5).map(\.eta))).sorted()
        distinctEta = distinct
        angular = (g4 + g5).map { f in
            AngularFunction(
                halfLambda: 0.5 * f.lambda, zeta: f.zeta, zetaLambda: f.zeta * f.lambda, twoEta: 2 * f.eta,
                wholeZetaMinusOne: f.zeta.rounded() == f.zeta && f.zeta <= 65 ? Int(f.zeta) - 1 : -1,
                etaIndex: distinct.firstIndex(of: f.eta)!)
        }
        g4EtaIndices = Array(Set(angular.prefix(g4.count).map(\.etaIndex))).sorted()
    }

    /// f_c(r) = ½[cos(π r / r_c) + 1] for 0 ≤ r ≤ r_c.
    @inline(__always)
    func cutoffValue(_ r: Double) -> Double {
        0.5 * (PolynomialElementary.cosine(r * phase) + 1)
    }

    /// f_c′(r) / r = −½ (π / r_c) sin(π r / r_c) / r, −½(π/r_c)² at r = 0 (its limit).
    @inline(__always)
    func cutoffSlopeOverR(_ r: Double) -> Double {
        guard r > 0 else { return -0.5 * phase * phase }
        return -0.5 * phase * sin(r * phase) / r
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
        @inline(__always) func add(_ f: Int, _ slope: Double) {
            guard let block else { return }
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
            let c = cos(kappa * r)
            row[start + m] += c * fc
            add(start + m, (c * dfc - kappa * sin(kappa * r) * fc) / r)
        }
    }

    /// One neighbor of a center as the angular functions see it.
    struct Neighbor {
        /// The vector from the center, Å.
        let d: SIMD3<Double>
        /// Its length and 1 / length.
        let r: Double, inverseR: Double
        /// f_c(r) and f_c′(r) / r.
        let fc: Double, slopeOverR: Double
        /// exp(−η r²) for each distinct η (`distinctEta`).
        let exponentials: UnsafePointer<Double>
        /// Its derivative block (offset to the pair's first feature), nil when not wanted.
        let block: UnsafeMutablePointer<Double>?
    }

    /// Adds G4 and G5 of the neighbor pair (j, k) of one center to `row` (offset to the pair's first feature)
    /// and, for each neighbor with a block, their derivatives with respect to its position.
    /// - Parameter scratch: room for `distinctEta.count` values.
    @inline(__always)
    func addAngular(
        _ j: Neighbor, _ k: Neighbor, row: UnsafeMutablePointer<Double>, stride: Int, scratch: UnsafeMutablePointer<Double>
    ) {
        let a = j.d, b = k.d
        let djk = b - a
        let rjk2 = (djk * djk).sum()
        let inverseProduct = j.inverseR * k.inverseR
        let cosine = (a * b).sum() * inverseProduct
        let gradients = j.block != nil || k.block != nil
        // G4 terms need r_jk ≤ r_c (DScribe skips them beyond; f_c(r_c) = 0 makes r_jk = r_c contribute nothing).
        let withG4 = g4Count > 0 && rjk2 < cutoff * cutoff
        var fjk = 0.0, slopeJK = 0.0
        if withG4 {
            let rjk = rjk2.squareRoot()
            fjk = cutoffValue(rjk)
            if gradients { slopeJK = cutoffSlopeOverR(rjk) }
            for u in g4EtaIndices { scratch[u] = PolynomialElementary.exponential(-distinctEta[u] * rjk2) }
        }
        angular.withUnsafeBufferPointer { functions in
            for m in (withG4 ? 0 : g4Count)..<angularCount {
                let function = functions[m]
                // P = 2 A^ζ with A = ½(1 + λ cos θ) (≥ 0 for |λ| ≤ 1; rounding can leave it a hair below zero).
                let base = max(0, 0.5 + function.halfLambda * cosine)
                let power: Double  // A^(ζ−1)
                switch function.wholeZetaMinusOne {
                case 0: power = 1
                case 1: power = base
                case 2: power = base * base
                case 3: power = base * base * base
                case let n where n > 3: power = (0..<n).reduce(1) { p, _ in p * base }
                default: power = pow(base, function.zeta - 1)
                }
                let u = function.etaIndex
                let isG4 = m < g4Count
                // E = exp(−η Σ r²) and F = Π f_c; gJ, gK, gJK: ∂F/∂r / r along each distance.
                var e = j.exponentials[u] * k.exponentials[u]
                var f = j.fc * k.fc
                if isG4 {
                    e *= scratch[u]
                    f *= fjk
                }
                let pe = 2 * power * base * e
                let t = pe * f
                row[m] += t
                guard gradients else { continue }
                var gJ = j.slopeOverR * k.fc, gK = j.fc * k.slopeOverR, gJK = 0.0
                if isG4 {
                    gJK = j.fc * k.fc * slopeJK
                    gJ *= fjk
                    gK *= fjk
                }
                // ∂T/∂cos θ, and (∂T/∂r) / r along r_ij, r_ik and r_jk.
                let dCosine = function.zetaLambda * power * e * f
                let twoEtaT = function.twoEta * t
                let hJ = pe * gJ - twoEtaT, hK = pe * gK - twoEtaT
                let hJK = isG4 ? pe * gJK - twoEtaT : 0
                // ∂T/∂a = αa a + β b and ∂T/∂b = αb b + β a (a = r_j − r_i, b = r_k − r_i), from
                // ∂cos θ/∂a = b / (|a||b|) − cos θ a / |a|² and ∂r_jk/∂a = −(b − a) / r_jk.
                let beta = dCosine * inverseProduct - hJK
                if let block = j.block {
                    let alpha = hJ + hJK - dCosine * cosine * j.inverseR * j.inverseR
                    let g = alpha * a + beta * b
                    block[m] += g.x
                    block[stride + m] += g.y
                    block[2 * stride + m] += g.z
                }
                if let block = k.block {
                    let alpha = hK + hJK - dCosine * cosine * k.inverseR * k.inverseR
                    let g = alpha * b + beta * a
                    block[m] += g.x
                    block[stride + m] += g.y
                    block[2 * stride + m] += g.z
                }
            }
        }
    }
}
