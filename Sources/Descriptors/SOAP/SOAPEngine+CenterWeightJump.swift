/// What an inner average's gradients need when the center weight `w0` differs from the weighting function's w(0).
///
/// A density sitting on a fixed center (a center atom's own when the center stays put, an atom found exactly at a
/// point center) counts with `w0`; moved off it by any δ, it counts with w(|δ|) → w(0). So its l = 0 coefficients jump
/// by (w(0) − w0) · scale · f_n0(0) Y_00 as soon as its atom moves, and the descriptor has no derivative there: the
/// finite differences DScribe's `derivatives` takes, and any a user takes, see both displaced positions with w(0). The
/// power spectrum of one center couples each l with itself, and the jump (l = 0) and a density's move off the center
/// (l = 1, `CenterDisplacement`) never meet, so per-center rows are unaffected. An inner average's reference X̄ holds
/// every center's l = 0 row: the gradient with respect to atom j, Σ_i ∂p(X̄)/∂X̄ · ∂X_i/∂r_j / N, must be taken at
/// X̄ + Δ_j, Δ_j being j's jumps averaged over the centers. p is quadratic, so that adds, per l = 0 feature (ia, jb),
/// scale · (Δ_j[ia] ∂X̄[jb] + ∂X̄[ia] Δ_j[jb]) with ∂X̄ = ∂X̄[l = 0]/∂r_j (`addReferenceShift`).
extension SOAPEngine {
    /// Whether a density sitting on a fixed center jumps when its atom moves off it (`w0` ≠ a finite w(0)).
    var centerWeightJumps: Bool {
        let w = weight(0).0
        return w.isFinite && w != centerWeight
    }

    /// For the center just expanded with gradients, adds `factor` × the jump of each density sitting on it (its
    /// cached displacements) to `shift(atom)`: K values, l = 0, in its species' channels. (Fixed centers are
    /// DScribe's alone, so the QUIP option of a center density in every channel does not arise.)
    func addCenterWeightJumps(
        _ ws: Workspace, densityScales: [Double], factor: Double, to shift: (Int) -> UnsafeMutablePointer<Double>
    ) {
        guard let displaced = ws.cachedRows.last else { return }
        let jump = weight(0).0 - centerWeight
        for c in displaced {
            let pair = ws.pairs[c]
            let w = factor * jump * (densityScales.isEmpty ? 1 : densityScales[pair.atom])
            let target = shift(pair.atom)
            for n in 0..<nMax { target[pair.column + n] += w * basis.centerCoefficients[n] }
        }
    }

    /// For the center just expanded with gradients, adds `factor` × ∂X[l = 0]/∂r of each atom slot to
    /// `target(atom)`: three rows of K (x, y, z). A pair moves X[0, column + n] by B_n0 Y_00 û_α (∂Y_00 = 0; the
    /// displacements' B is 0); an attached center's slot takes minus the sum of the others.
    func addMonopoleGradients(_ ws: Workspace, factor: Double, to target: (Int) -> UnsafeMutablePointer<Double>) {
        let K = channels, capacity = ws.capacityPairs
        var total = [Double](repeating: 0, count: 3 * K)
        for c in ws.cachedRows.joined() {
            let pair = ws.pairs[c]
            guard pair.slot >= 0 else { continue }
            let out = target(ws.slotAtoms[pair.slot])
            let y = factor * ws.pairHarmonics[c]
            for n in 0..<nMax {
                let b = y * ws.pairB[n * capacity + c]
                for alpha in 0..<3 {
                    let v = b * pair.unit[alpha]
                    out[alpha * K + pair.column + n] += v
                    total[alpha * K + pair.column + n] += v
                }
            }
        }
        guard ws.attachedCenter else { return }
        let out = target(ws.slotAtoms[0])
        for k in 0..<(3 * K) { out[k] -= total[k] }
    }

    /// Adds to a block (three rows of the layout's length) the change of its l = 0 features' gradients when the
    /// reference moves by `shift` (K values, l = 0): scale · (shift[ia] d_α[jb] + d_α[ia] shift[jb]), `d` the block
    /// atom's ∂X[l = 0] (three rows of K).
    func addReferenceShift(
        _ shift: UnsafePointer<Double>, monopoleGradients d: UnsafePointer<Double>, to block: UnsafeMutablePointer<Double>
    ) {
        let K = channels, D = layout.length
        for (f, feature) in layout.features.enumerated() where feature.l == 0 {
            let ia = Int(feature.ia), jb = Int(feature.jb)
            for alpha in 0..<3 {
                let row = d + alpha * K
                block[alpha * D + f] += feature.scale * (shift[ia] * row[jb] + row[ia] * shift[jb])
            }
        }
    }
}
