import Foundation

/// ACSF's functions with their constants laid out once per setting, evaluated for one neighbor (G1–G3) or
/// one pair of neighbors (G4, G5), values and derivatives, straight into a row and its derivative blocks.
///
/// Derivative blocks are 3 × D (x, y and z rows of `stride` = D features); the pointers given are already
/// offset to the first feature of the function block being written.
struct ACSFTerms: Sendable {
    /// r_c in Å.
    let cutoff: Double
    /// 1 + n_G2 + n_G3: the features per neighbor species.
    let radialCount: Int
    /// n_G4 + n_G5: the features per neighbor species pair.
    let angularCount: Int
    private let g2Eta: [Double], g2Shift: [Double]
    private let g3Kappa: [Double]
    /// Angular functions, G4 first, then G5.
    private let g4Count: Int
    private let eta: [Double], zeta: [Double], lambda: [Double]
    /// ζ − 1 when it is a whole number up to 64 (powers by multiplication), else −1.
    private let wholeZetaMinusOne: [Int]
    /// The distinct η of the angular functions, and the index of each function's η among them.
    let distinctEta: [Double]
    private let etaIndex: [Int]
    /// The distinct-η indices that G4 functions use (their exp(−η r_jk²) is needed per pair of neighbors).
    private let g4EtaIndices: [Int]

    init(cutoff: Double, g2: [ACSF.Gaussian], g3: [Double], g4: [ACSF.Angular], g5: [ACSF.Angular]) {
        self.cutoff = cutoff
        radialCount = 1 + g2.count + g3.count
        angularCount = g4.count + g5.count
        g2Eta = g2.map(\.eta)
        g2Shift = g2.map(\.shift)
        g3Kappa = g3
        g4Count = g4.count
        let angular = g4 + g5
        eta = angular.map(\.eta)
        zeta = angular.map(\.zeta)
        lambda = angular.map(\.lambda)
        wholeZetaMinusOne = angular.map { $0.zeta.rounded() == $0.zeta && $0.zeta <= 65 ? Int($0.zeta) - 1 : -1 }
        let distinct = Array(Set(eta)).sorted()
        distinctEta = distinct
        etaIndex = eta.map { distinct.firstIndex(of: $0)! }
        g4EtaIndices = Array(Set(etaIndex.prefix(g4.count))).sorted()
    }

    /// f_c(r) = ½[cos(π r / r_c) + 1] and f_c′(r) / r (its limit −½(π/r_c)² at r = 0), for r < r_c.
    @inline(__always)
    func cutoffFunction(_ r: Double) -> (value: Double, slopeOverR: Double) {
        guard r > 0 else { return (1, -0.5 * (Double.pi / cutoff) * (Double.pi / cutoff)) }
        let x = r * Double.pi / cutoff
        return (0.5 * (cos(x) + 1), -0.5 * Double.pi / cutoff * sin(x) / r)
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
            let g = exp(-g2Eta[m] * shifted * shifted)
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
        /// Its length.
        let r: Double
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
        let inverseProduct = 1 / (j.r * k.r)
        let cosine = (a * b).sum() * inverseProduct
        // G4 terms need r_jk ≤ r_c (DScribe skips them beyond; f_c(r_c) = 0 makes r_jk = r_c contribute nothing).
        let withG4 = g4Count > 0 && rjk2 < cutoff * cutoff
        var fjk = 0.0, slopeJK = 0.0
        if withG4 {
            let rjk = rjk2.squareRoot()
            (fjk, slopeJK) = cutoffFunction(rjk)
            for u in g4EtaIndices { scratch[u] = exp(-distinctEta[u] * rjk2) }
        }
        let gradients = j.block != nil || k.block != nil
        let first = withG4 ? 0 : g4Count
        for m in first..<angularCount {
            // P = 2 A^ζ with A = ½(1 + λ cos θ) (≥ 0 for |λ| ≤ 1; rounding can leave it a hair below zero).
            let base = max(0, 0.5 + 0.5 * lambda[m] * cosine)
            var power = 1.0  // A^(ζ−1)
            let whole = wholeZetaMinusOne[m]
            if whole >= 0 {
                for _ in 0..<whole { power *= base }
            } else {
                power = pow(base, zeta[m] - 1)
            }
            let u = etaIndex[m]
            let isG4 = m < g4Count
            // E = exp(−η Σ r²) and F = Π f_c; gJ, gK, gJK: ∂F/∂r / r along each distance.
            var e = j.exponentials[u] * k.exponentials[u]
            var f = j.fc * k.fc
            var gJ = j.slopeOverR * k.fc, gK = j.fc * k.slopeOverR, gJK = 0.0
            if isG4 {
                e *= scratch[u]
                gJK = f * slopeJK
                gJ *= fjk
                gK *= fjk
                f *= fjk
            }
            let pe = 2 * power * base * e
            let t = pe * f
            row[m] += t
            guard gradients else { continue }
            // ∂T/∂cos θ, and (∂T/∂r) / r along r_ij, r_ik and r_jk.
            let dCosine = zeta[m] * lambda[m] * power * e * f
            let twoEtaT = 2 * eta[m] * t
            let hJ = pe * gJ - twoEtaT, hK = pe * gK - twoEtaT
            let hJK = isG4 ? pe * gJK - twoEtaT : 0
            // ∂T/∂a = αa a + β b and ∂T/∂b = αb b + β a (a = r_j − r_i, b = r_k − r_i), from
            // ∂cos θ/∂a = b / (|a||b|) − cos θ a / |a|² and ∂r_jk/∂a = −(b − a) / r_jk.
            let beta = dCosine * inverseProduct - hJK
            if let block = j.block {
                let alpha = hJ + hJK - dCosine * cosine / (j.r * j.r)
                let g = alpha * a + beta * b
                block[m] += g.x
                block[stride + m] += g.y
                block[2 * stride + m] += g.z
            }
            if let block = k.block {
                let alpha = hK + hJK - dCosine * cosine / (k.r * k.r)
                let g = alpha * b + beta * a
                block[m] += g.x
                block[stride + m] += g.y
                block[2 * stride + m] += g.z
            }
        }
    }
}
