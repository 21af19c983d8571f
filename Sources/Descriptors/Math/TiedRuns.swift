/// The runs of two or more consecutive positions of 0..<`count` in which each position after the first ties with the
/// one before it (`tied(k)`: position k ties with k − 1). By equality, [a, a, b, c, c, c] gives [0..<2, 3..<6].
func tiedRuns(count: Int, tied: (Int) -> Bool) -> [Range<Int>] {
    guard count > 1 else { return [] }
    var runs = [Range<Int>](), start = 0
    for k in 1...count where k == count || !tied(k) {
        if k - start > 1 { runs.append(start..<k) }
        start = k
    }
    return runs
}
