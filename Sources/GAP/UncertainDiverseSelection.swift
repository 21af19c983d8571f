import LinearAlgebra

/// Configurations to label next: among the most uncertain ones, a diverse set. The `candidates` with the largest
/// scores (predicted uncertainties) are kept; the most uncertain of them is taken first, then each further pick is
/// the candidate farthest (Euclidean distance of feature rows) from every pick so far, so that a cluster of
/// near-identical uncertain configurations yields one pick, not many.
public enum UncertainDiverseSelection {
    /// The indices of `count` configurations (sorted), from `scores` (one per configuration) and `features`
    /// (one row per configuration, e.g. its mean SOAP vector), considering the `candidates` highest scores.
    /// - Throws: `GAPError.invalidSetting` when the counts do not fit the pool or a score is not finite.
    public static func select(scores: [Double], features: Matrix, count: Int, candidates: Int) throws(GAPError) -> [Int] {
        let n = scores.count
        guard features.rows == n else {
            throw .invalidSetting(name: "features", value: "\(features.rows) rows", hint: "give one row per configuration (\(n))")
        }
        guard count >= 1, count <= n else {
            throw .invalidSetting(name: "count", value: "\(count)", hint: "pick between 1 and the pool's \(n) configurations")
        }
        guard candidates >= count else {
            throw .invalidSetting(
                name: "candidates", value: "\(candidates)", hint: "consider at least as many candidates as picks (\(count))")
        }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) {
            throw .invalidSetting(name: "score of configuration \(bad)", value: "\(scores[bad])", hint: "scores must be finite")
        }
        // The most uncertain first; ties in file order, so the choice is reproducible.
        let pool = Array(scores.indices.sorted { (scores[$0], $1) > (scores[$1], $0) }.prefix(min(candidates, n)))
        let d = features.columns
        var picked = [pool[0]]
        var nearest = [Double](repeating: .infinity, count: pool.count)
        var taken = [Bool](repeating: false, count: pool.count)
        taken[0] = true
        features.elements.withUnsafeBufferPointer { x in
            while picked.count < count {
                let last = picked[picked.count - 1] * d
                var best = -1, bestDistance = -1.0
                for (c, i) in pool.enumerated() where !taken[c] {
                    var s = 0.0
                    for k in 0..<d {
                        let t = x[i * d + k] - x[last + k]
                        s += t * t
                    }
                    nearest[c] = min(nearest[c], s)
                    if nearest[c] > bestDistance {
                        bestDistance = nearest[c]
                        best = c
                    }
                }
                taken[best] = true
                picked.append(pool[best])
            }
        }
        return picked.sorted()
    }
}
