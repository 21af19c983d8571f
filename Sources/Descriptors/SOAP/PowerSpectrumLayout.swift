/// Which power-spectrum entries form the descriptor vector, in which order and with which factor:
/// feature f = scale_f · Σ_m X_l[m, ia] X_l[m, jb] for its (l, ia, jb), channels ia = s·n_max + n.
struct PowerSpectrumLayout: Sendable {
    /// One feature.
    struct Feature: Sendable {
        var l: Int32
        var ia: Int32
        var jb: Int32
        var scale: Double
    }

    /// The features, in output order.
    let features: [Feature]
    /// Length of the descriptor vector (features plus any constant trailing entries).
    let length: Int

    /// DScribe 2.1: for Z1 ≤ Z2 (species sorted by atomic number), for l, for n, for n' (n' ≥ n when
    /// Z1 = Z2), p = π √(8/(2l+1)) Σ_m c^{Z1}_{nlm} c^{Z2}_{n'lm}. `crossover` keeps Z1 = Z2 blocks only.
    static func dscribe(speciesCount: Int, nMax: Int, lMax: Int, crossover: Bool) -> PowerSpectrumLayout {
        var features = [Feature]()
        for s1 in 0..<speciesCount {
            for s2 in s1..<speciesCount where !crossover || s1 == s2 {
                for l in 0...lMax {
                    let scale = dscribeScale(l: l)
                    for n in 0..<nMax {
                        for n2 in (s1 == s2 ? n : 0)..<nMax {
                            features.append(Feature(l: Int32(l), ia: Int32(s1 * nMax + n), jb: Int32(s2 * nMax + n2), scale: scale))
                        }
                    }
                }
            }
        }
        return PowerSpectrumLayout(features: features, length: features.count)
    }

    /// DScribe's factor of the features of degree l: π √(8/(2l+1)).
    static func dscribeScale(l: Int) -> Double { Double.pi * (8 / Double(2 * l + 1)).squareRoot() }

    /// The length of `dscribe(speciesCount:nMax:lMax:crossover:)`, without building it.
    static func dscribeLength(speciesCount: Int, nMax: Int, lMax: Int, crossover: Bool) -> Int {
        let crossPairs = crossover ? 0 : speciesCount * (speciesCount - 1) / 2
        return (lMax + 1) * (speciesCount * nMax * (nMax + 1) / 2 + crossPairs * nMax * nMax)
    }

    /// The length of `quip(channels:lMax:)`, without building it.
    static func quipLength(channels: Int, lMax: Int) -> Int {
        (lMax + 1) * channels * (channels + 1) / 2 + 1
    }

    /// QUIP/GAP: entry l + k·(l_max+1), k running over channel pairs (ia, jb ≤ ia) row by row,
    /// P_l(ia, jb)/√(2l+1), times √2 off the diagonal; one last entry, always 0.
    static func quip(channels: Int, lMax: Int) -> PowerSpectrumLayout {
        let pairs = channels * (channels + 1) / 2
        var features = [Feature](repeating: Feature(l: 0, ia: 0, jb: 0, scale: 0), count: pairs * (lMax + 1))
        var k = 0
        for ia in 0..<channels {
            for jb in 0...ia {
                for l in 0...lMax {
                    let scale = (ia == jb ? 1 : 2.0.squareRoot()) / Double(2 * l + 1).squareRoot()
                    features[l + k * (lMax + 1)] = Feature(l: Int32(l), ia: Int32(ia), jb: Int32(jb), scale: scale)
                }
                k += 1
            }
        }
        return PowerSpectrumLayout(features: features, length: features.count + 1)
    }
}
