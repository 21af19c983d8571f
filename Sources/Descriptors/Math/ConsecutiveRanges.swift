/// The increasing `indices` as maximal ranges of consecutive values: [2, 3, 4, 7] is [2..<5, 7..<8].
func consecutiveRanges(of indices: [Int]) -> [Range<Int>] {
    var out = [Range<Int>]()
    for k in indices {
        if let last = out.last, last.upperBound == k {
            out[out.count - 1] = last.lowerBound..<(k + 1)
        } else {
            out.append(k..<(k + 1))
        }
    }
    return out
}
