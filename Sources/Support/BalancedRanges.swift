/// Splits items into contiguous ranges of nearly equal total weight, one per part, in order: how configurations
/// are shared among ranks (by observation rows for a fit, by atoms for a prediction). Part p starts at the first
/// item whose preceding weights reach p/parts of the total, so the split depends only on the weights and the
/// number of parts. Parts may be empty when there are fewer items than parts.
public enum BalancedRanges {
    /// `parts` contiguous ranges covering `weights.indices` (negative weights count as zero).
    public static func split(weights: [Int], parts: Int) -> [Range<Int>] {
        let parts = max(parts, 1)
        let total = weights.reduce(0) { $0 + max($1, 0) }
        var bounds = [0], before = 0, item = 0
        for p in 1..<parts {
            // The smallest item index whose preceding weight is at least p · total / parts (rounded up).
            let target = (p * total + parts - 1) / parts
            while item < weights.count && before < target {
                before += max(weights[item], 0)
                item += 1
            }
            bounds.append(item)
        }
        bounds.append(weights.count)
        return (0..<parts).map { bounds[$0]..<max(bounds[$0], bounds[$0 + 1]) }
    }
}
