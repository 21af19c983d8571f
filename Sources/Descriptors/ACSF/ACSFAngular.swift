import Foundation
import LinearAlgebra

/// G4 and G5 of a center, pair by pair, laid out so that functions share what they can: for one neighbor j against
/// a run of neighbors k, every quantity is a row over k (`ACSFRows.pairs`), computed once for all functions that
/// need it — A = ½(1 + λ cos θ) once per distinct λ, each power A^e once per distinct (λ, e), the weights of k once
/// per distinct (η, G4 or G5) — so that a function's value is one dot product and its derivatives one loop.
///
/// A term is T = 2 A^ζ E F with E = exp(−η Σ r²) and F = Π f_c over r_ij, r_ik and, for G4, r_jk. Split into j's
/// factors and k's: T = 2 e_j f_j · A^ζ · W with e_j = exp(−η r_ij²), f_j = f_c(r_ij) and the weight
/// W = exp(−η r_ik²) f_c(r_ik) [exp(−η r_jk²) f_c(r_jk)]; V is W with f_c(r_ik) replaced by f_c′(r_ik)/r_ik and U
/// (G4) with f_c(r_jk) replaced by f_c′(r_jk)/r_jk.
struct ACSFAngular: Sendable {
    /// One G4 or G5 function: its constants and the rows it reads.
    struct Function: Sendable {
        /// 2η and ζλ/2.
        let twoEta: Double, halfZetaLambda: Double
        /// Index of its η among `distinctEta` (the neighbors' exp(−η r²)).
        let eta: Int
        /// Rows of A^ζ, of A^(ζ−1) (read for derivatives) and of its weights W, V, U (consecutive).
        let power: Int, lowerPower: Int, weight: Int
        /// The index of its λ/2 among `halfLambdas`, and ζ when A^ζ is A or made of products of A (a whole number up
        /// to 64, as `add` makes its power rows): what the value groups are made of.
        let base: Int, wholeZeta: Int?
        /// For G4 (with the r_jk factors), the index of its η among `g4Eta`; nil for G5.
        let g4Exponential: Int?

        /// G4 (with the r_jk factors) rather than G5.
        var isG4: Bool { g4Exponential != nil }
    }

    /// A row of A^e computed from the row of A.
    private struct Power: Sendable {
        let base: Int, exponent: Double, row: Int
        /// Only derivatives read it (an A^(ζ−1)).
        let forGradients: Bool
    }

    /// A row triple W, V, U of one η, for G4 (its exp(−η r_jk²) row) or G5 (nil).
    private struct Weight: Sendable {
        let eta: Int, g4Exponential: Int?, row: Int
    }

    /// Up to four functions with the same weight W (the same η, and all G4 or all G5: the same weight row), which
    /// `addValues` sums in one pass, forming W once per vector. Past `count`, the lanes repeat the last function, so
    /// that every row they name exists; they are not summed.
    private struct ValueGroup: Sendable {
        let eta: Int, g4Exponential: Int?, count: Int
        /// Indices in `functions`, the per-pair rows of their A, and their whole ζ.
        let functionIndices: SIMD4<Int>, baseRows: SIMD4<Int>, zetas: SIMD4<Int>
    }

    /// The rows every j fills first: cos θ; r_jk² (at most r_c²); f_c(r_jk) and f_c′(r_jk)/r_jk, both 0 from r_c
    /// on, so that the G4 terms of such pairs vanish; the term, α_j and β of one function; ones.
    static let cosine = 0, distanceSquared = 1, cutoff = 2, slope = 3, term = 4, alpha = 5, beta = 6, ones = 7
    private static let fixedRows = 8

    /// G4 functions first, then G5.
    let functions: [Function]
    /// The distinct η of all functions.
    let distinctEta: [Double]
    /// The distinct η of the G4 functions: row `fixedRows + v` holds exp(−η_v r_jk²).
    private let g4Eta: [Double]
    /// The distinct λ/2: row `fixedRows + g4Eta.count + b` holds A.
    private let halfLambdas: [Double]
    private let powers: [Power]
    private let weights: [Weight]
    /// Rows of the per-pair room.
    let rowCount: Int
    /// f_c, for r_jk.
    private let cutoff: ACSFCutoff
    /// The functions grouped by weight for `addValues`; nil unless every A^ζ is A or made of products of A (values
    /// alone then take `add`'s rows).
    private let valueGroups: [ValueGroup]?

    init(g4: [ACSF.Angular], g5: [ACSF.Angular], cutoff: ACSFCutoff) {
        self.cutoff = cutoff
        let all = g4 + g5
        let distinctEta = Array(Set(all.map(\.eta))).sorted()
        let g4Eta = Array(Set(g4.map(\.eta))).sorted()
        let halfLambdas = Array(Set(all.map { 0.5 * $0.lambda })).sorted()
        var next = Self.fixedRows + g4Eta.count + halfLambdas.count
        var powers = [Power](), weights = [Weight]()
        /// The row of A^e for the base of λ/2 = `half`.
        func powerRow(_ half: Double, _ e: Double, forGradients: Bool) -> Int {
            let base = halfLambdas.firstIndex(of: half)!
            if e == 0 { return Self.ones }
            if e == 1 { return Self.fixedRows + g4Eta.count + base }
            if let k = powers.firstIndex(where: { $0.base == base && $0.exponent == e }) {
                if !forGradients && powers[k].forGradients {
                    powers[k] = Power(base: base, exponent: e, row: powers[k].row, forGradients: false)
                }
                return powers[k].row
            }
            powers.append(Power(base: base, exponent: e, row: next, forGradients: forGradients))
            next += 1
            return next - 1
        }
        func weightRow(_ eta: Int, _ g4Exponential: Int?) -> Int {
            if let w = weights.first(where: { $0.eta == eta && $0.g4Exponential == g4Exponential }) { return w.row }
            weights.append(Weight(eta: eta, g4Exponential: g4Exponential, row: next))
            next += 3
            return next - 3
        }
        functions = all.enumerated().map { m, f in
            let g4Exponential = m < g4.count ? g4Eta.firstIndex(of: f.eta)! : nil
            return Function(
                twoEta: 2 * f.eta, halfZetaLambda: 0.5 * f.zeta * f.lambda, eta: distinctEta.firstIndex(of: f.eta)!,
                power: powerRow(0.5 * f.lambda, f.zeta, forGradients: false),
                lowerPower: powerRow(0.5 * f.lambda, f.zeta - 1, forGradients: true),
                weight: weightRow(distinctEta.firstIndex(of: f.eta)!, g4Exponential),
                base: halfLambdas.firstIndex(of: 0.5 * f.lambda)!,
                wholeZeta: f.zeta == 1 || Self.isWhole(f.zeta) ? Int(f.zeta) : nil,
                g4Exponential: g4Exponential)
        }
        valueGroups =
            functions.allSatisfy { $0.wholeZeta != nil }
            ? Self.groupedByWeight(functions, firstBase: Self.fixedRows + g4Eta.count) : nil
        self.distinctEta = distinctEta
        self.g4Eta = g4Eta
        self.halfLambdas = halfLambdas
        self.powers = powers
        self.weights = weights
        rowCount = next
    }

    /// Adds G4 and G5 of the pairs (j, k), k in `partners`, of one center (its neighbors in `ws`) to `row` (offset
    /// to the first feature of the pair of species of j and of `partners`) and, with `gradients`, their
    /// derivatives to the gradient sums: j's under partner species `partnerSpecies`, each k's under `jSpecies`.
    /// Every step is a loop over the run without branches (so that it vectorizes). Values alone go to `addValues`
    /// when every A^ζ is A or made of products of A.
    ///
    /// A is clamped at 0 (≥ 0 for |λ| ≤ 1, but rounding can leave it a hair below). With a = r_j − r_i and
    /// b = r_k − r_i, ∂T/∂a = α_j a + β b and ∂T/∂b = α_k b + β a, from ∂cos θ/∂a = b/(|a||b|) − cos θ a/|a|² and
    /// ∂r_jk/∂a = −(b − a)/r_jk; h_j, h_k, h_jk below are (∂T/∂r)/r along each distance.
    func add(
        _ ws: ACSFRows, j: Int, partners: Range<Int>, jSpecies: Int, partnerSpecies: Int,
        row: UnsafeMutablePointer<Double>, gradients: Bool
    ) {
        let k0 = partners.lowerBound, n = partners.count
        // The per-pair rows are filled a whole number of vectors at a time (no scalar remainder): the lanes past the
        // run read the neighbors after it, or the workspace's padding (`ACSFWorkspace.lanePadding`), so they are
        // finite; a value sums them with weight zero, and they are never written to a gradient.
        let lanes = Lanes.padded(n)
        fillG4Rows(ws, j: j, first: k0, lanes: lanes, gradients: gradients)
        if !gradients, let valueGroups {
            return addValues(ws, j: j, partners: partners, groups: valueGroups, row: row)
        }
        let xj = ws.x[j], yj = ws.y[j], zj = ws.z[j], inverseRj = ws.inverseDistances[j]
        let x = ws.x + k0, y = ws.y + k0, z = ws.z + k0, inverseR = ws.inverseDistances + k0
        let fk = ws.cutoffs + k0, sk = ws.slopes + k0
        let fj = ws.cutoffs[j], sj = ws.slopes[j]
        let cosine = ws.pairs(Self.cosine), fjk = ws.pairs(Self.cutoff), sjk = ws.pairs(Self.slope)
        let ones = ws.pairs(Self.ones)
        fillAngleRows(ws, j: j, first: k0, lanes: lanes)
        for power in powers where gradients || !power.forGradients {
            let base = ws.pairs(Self.fixedRows + g4Eta.count + power.base), p = ws.pairs(power.row)
            let e = power.exponent
            if Self.isWhole(e) {
                for q in 0..<lanes { p[q] = base[q] * base[q] }
                for _ in 2..<Int(e) { for q in 0..<lanes { p[q] *= base[q] } }
            } else {
                for q in 0..<lanes { p[q] = pow(base[q], e) }
            }
        }
        for weight in weights {
            let w = ws.pairs(weight.row), v = ws.pairs(weight.row + 1), u = ws.pairs(weight.row + 2)
            let wk = ws.exponentials(weight.eta) + k0
            if let g = weight.g4Exponential {
                let ejk = ws.pairs(Self.fixedRows + g)
                for q in 0..<lanes { w[q] = wk[q] * ejk[q] * fk[q] * fjk[q] }
                if gradients {
                    for q in 0..<lanes {
                        v[q] = wk[q] * ejk[q] * sk[q] * fjk[q]
                        u[q] = wk[q] * ejk[q] * fk[q] * sjk[q]
                    }
                }
            } else {
                for q in 0..<lanes { w[q] = wk[q] * fk[q] }
                if gradients {
                    for q in 0..<lanes { v[q] = wk[q] * sk[q] }
                }
            }
            // The lanes past the run weigh nothing: a value is then a dot product over whole vectors.
            for q in n..<lanes { w[q] = 0 }
        }
        let term = ws.pairs(Self.term), alpha = ws.pairs(Self.alpha), beta = ws.pairs(Self.beta)
        functions.withUnsafeBufferPointer { functions in
            for m in 0..<functions.count {
                let f = functions[m]
                let ej = ws.exponentials(f.eta)[j]
                // c = 2 e_j f_j: T = c A^ζ W.
                let c = 2 * ej * fj
                let power = ws.pairs(f.power), w = ws.pairs(f.weight)
                guard gradients else {
                    row[m] += c * Lanes.dot(power, w, lanes)
                    continue
                }
                let lower = ws.pairs(f.lowerPower), v = ws.pairs(f.weight + 1)
                // G5 has no r_jk factors: U is then not filled, and `g4` takes h_jk out.
                let u = f.isG4 ? ws.pairs(f.weight + 2) : ones, g4 = f.isG4 ? 1.0 : 0
                let twoEta = f.twoEta, cJ = 2 * ej * (sj - twoEta * fj), cCos = f.halfZetaLambda * c
                let gx = ws.gradients(axis: 0, partner: jSpecies, function: m) + k0
                let gy = ws.gradients(axis: 1, partner: jSpecies, function: m) + k0
                let gz = ws.gradients(axis: 2, partner: jSpecies, function: m) + k0
                for q in 0..<n {
                    let hJ = cJ * power[q] * w[q]
                    let hK = c * power[q] * (v[q] - twoEta * w[q])
                    let hJK = g4 * c * power[q] * (u[q] - twoEta * w[q])
                    let dCos = cCos * lower[q] * w[q]  // ∂T/∂cos θ
                    let b = dCos * inverseRj * inverseR[q] - hJK
                    let aK = hK + hJK - dCos * cosine[q] * inverseR[q] * inverseR[q]
                    term[q] = c * power[q] * w[q]
                    alpha[q] = hJ + hJK - dCos * cosine[q] * inverseRj * inverseRj
                    beta[q] = b
                    gx[q] += aK * x[q] + b * xj
                    gy[q] += aK * y[q] + b * yj
                    gz[q] += aK * z[q] + b * zj
                }
                row[m] += Lanes.dot(term, ones, n)
                let alphaJ = Lanes.dot(alpha, ones, n)
                ws.gradients(axis: 0, partner: partnerSpecies, function: m)[j] += alphaJ * xj + Lanes.dot(beta, x, n)
                ws.gradients(axis: 1, partner: partnerSpecies, function: m)[j] += alphaJ * yj + Lanes.dot(beta, y, n)
                ws.gradients(axis: 2, partner: partnerSpecies, function: m)[j] += alphaJ * zj + Lanes.dot(beta, z, n)
            }
        }
    }

    /// The rows of the G4 functions' r_jk factors for j against the `lanes` neighbors from `first` on: r_jk² (at most
    /// r_c²), f_c(r_jk) (0 from r_c on), with `gradients` f_c′(r_jk)/r_jk, and exp(−η r_jk²) per distinct G4 η.
    private func fillG4Rows(_ ws: ACSFRows, j: Int, first k0: Int, lanes: Int, gradients: Bool) {
        guard !g4Eta.isEmpty else { return }
        let xj = ws.x[j], yj = ws.y[j], zj = ws.z[j]
        let x = ws.x + k0, y = ws.y + k0, z = ws.z + k0
        let rjk2 = ws.pairs(Self.distanceSquared), fjk = ws.pairs(Self.cutoff), sjk = ws.pairs(Self.slope)
        let cutoff2 = cutoff.radius * cutoff.radius
        for q in 0..<lanes {
            let dx = x[q] - xj, dy = y[q] - yj, dz = z[q] - zj
            let d2 = dx * dx + dy * dy + dz * dz
            let clamped = min(d2, cutoff2)
            rjk2[q] = clamped
            fjk[q] = (d2 < cutoff2 ? 1 : 0) * cutoff.value(squared: clamped)
        }
        if gradients {
            for q in 0..<lanes { sjk[q] = (rjk2[q] < cutoff2 ? 1 : 0) * cutoff.slopeOverR(squared: rjk2[q]) }
        }
        for (v, eta) in g4Eta.enumerated() {
            let e = ws.pairs(Self.fixedRows + v)
            // η r_jk² is at most η r_c² (r_jk² is clamped): the shortest form that covers it.
            if eta * cutoff2 <= PolynomialElementary.nearZeroRange {
                for q in 0..<lanes { e[q] = PolynomialElementary.exponentialNearZero(-eta * rjk2[q]) }
            } else if eta * cutoff2 <= 708 {
                for q in 0..<lanes { e[q] = PolynomialElementary.exponentialAboveLimit(-eta * rjk2[q]) }
            } else {
                for q in 0..<lanes { e[q] = PolynomialElementary.exponential(-eta * rjk2[q]) }
            }
        }
    }

    /// The rows of cos θ_jik and of each A = max(0, ½ + λ/2 cos θ) for j against the `lanes` neighbors from `first` on.
    private func fillAngleRows(_ ws: ACSFRows, j: Int, first k0: Int, lanes: Int) {
        let xj = ws.x[j], yj = ws.y[j], zj = ws.z[j], inverseRj = ws.inverseDistances[j]
        let x = ws.x + k0, y = ws.y + k0, z = ws.z + k0, inverseR = ws.inverseDistances + k0
        let cosine = ws.pairs(Self.cosine)
        for q in 0..<lanes { cosine[q] = (xj * x[q] + yj * y[q] + zj * z[q]) * inverseRj * inverseR[q] }
        for (b, half) in halfLambdas.enumerated() {
            let base = ws.pairs(Self.fixedRows + g4Eta.count + b)
            for q in 0..<lanes { base[q] = max(0, 0.5 + half * cosine[q]) }
        }
    }

    /// `add` without derivatives when every A^ζ is A or made of products of A: after `fillG4Rows` and
    /// `fillAngleRows`, a row of f_c(r_ik) (0 past the run), then one pass per group of functions that share a weight
    /// (`ValueGroup`): per vector, W once and each function's A^ζ in registers, each A^ζ W summed in a register. The
    /// same products in the same order as `add`'s power and weight rows and dot products, so the same values, in one
    /// pass per group where `add` makes one per power and weight row and then one per function: a pass over a short
    /// run (a neighbor's few dozen partners) costs about as much to start as to run.
    private func addValues(
        _ ws: ACSFRows, j: Int, partners: Range<Int>, groups: [ValueGroup], row: UnsafeMutablePointer<Double>
    ) {
        let k0 = partners.lowerBound, n = partners.count, lanes = Lanes.padded(n), fk = ws.cutoffs + k0
        let cutoffK = ws.pairs(Self.term), fjk = ws.pairs(Self.cutoff)
        fillAngleRows(ws, j: j, first: k0, lanes: lanes)
        // The lanes past the run (finite: see `add`) weigh nothing.
        for q in 0..<lanes { cutoffK[q] = q < n ? fk[q] : 0 }
        /// A^ζ for the vector of A at `q` in row `base`, ζ a whole number.
        @inline(__always) func power(_ base: UnsafePointer<Double>, _ zeta: Int, _ q: Int) -> Lanes {
            let a = Lanes(loading: base + q)
            guard zeta > 1 else { return a }
            var product = a * a
            for _ in 2..<zeta { product *= a }
            return product
        }
        for group in groups {
            let wk = UnsafePointer(ws.exponentials(group.eta) + k0)
            let ejk = UnsafePointer(ws.pairs(Self.fixedRows + (group.g4Exponential ?? 0)))
            let isG4 = group.g4Exponential != nil, count = group.count
            let z = group.zetas
            let b0 = UnsafePointer(ws.pairs(group.baseRows[0])), b1 = UnsafePointer(ws.pairs(group.baseRows[1]))
            let b2 = UnsafePointer(ws.pairs(group.baseRows[2])), b3 = UnsafePointer(ws.pairs(group.baseRows[3]))
            var s0 = Lanes(), s1 = Lanes(), s2 = Lanes(), s3 = Lanes()
            for q in Swift.stride(from: 0, to: lanes, by: Lanes.scalarCount) {
                let weight =
                    isG4
                    ? Lanes(loading: wk + q) * Lanes(loading: ejk + q) * Lanes(loading: cutoffK + q)
                        * Lanes(loading: fjk + q)
                    : Lanes(loading: wk + q) * Lanes(loading: cutoffK + q)
                s0 += power(b0, z[0], q) * weight
                if count > 1 { s1 += power(b1, z[1], q) * weight }
                if count > 2 { s2 += power(b2, z[2], q) * weight }
                if count > 3 { s3 += power(b3, z[3], q) * weight }
            }
            let scale = 2 * ws.exponentials(group.eta)[j] * ws.cutoffs[j], m = group.functionIndices
            row[m[0]] += scale * s0.sum()
            if count > 1 { row[m[1]] += scale * s1.sum() }
            if count > 2 { row[m[2]] += scale * s2.sum() }
            if count > 3 { row[m[3]] += scale * s3.sum() }
        }
    }

    /// The functions grouped by weight row, in order of first appearance, at most four to a group.
    private static func groupedByWeight(_ functions: [Function], firstBase: Int) -> [ValueGroup] {
        var members = [[Int]]()
        for (m, f) in functions.enumerated() {
            if let g = members.firstIndex(where: { $0.count < 4 && functions[$0[0]].weight == f.weight }) {
                members[g].append(m)
            } else {
                members.append([m])
            }
        }
        return members.map { group in
            /// A value of each member's function index, the last repeated to fill four lanes.
            func lanes(_ value: (Int) -> Int) -> SIMD4<Int> { SIMD4((0..<4).map { value(group[min($0, group.count - 1)]) }) }
            let first = functions[group[0]]
            return ValueGroup(
                eta: first.eta, g4Exponential: first.g4Exponential, count: group.count, functionIndices: lanes { $0 },
                baseRows: lanes { firstBase + functions[$0].base }, zetas: lanes { functions[$0].wholeZeta! })
        }
    }

    /// Whether A^e is a product of A's: e a whole number in 2…64 (the rows of e = 0 and 1 are the ones and A).
    private static func isWhole(_ e: Double) -> Bool { e.rounded() == e && e >= 2 && e <= 64 }
}
