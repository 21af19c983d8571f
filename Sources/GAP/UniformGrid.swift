import Foundation
import LinearAlgebra
import Support

/// gap_fit's `uniform` sparse-point choice (`select_uniform`): a grid of ⌈M^{1/D}⌉ nodes per dimension over the
/// range of the data; each point falls to its nearest node, and, in data order, the first point of each node
/// not yet used is taken. When fewer than M nodes are occupied, the rest are drawn at random from the
/// occupied nodes' unused points (gap_fit draws those from Fortran's generator, so only the first pass can
/// agree with it point for point).
enum UniformGrid {
    /// Indices (ascending) of `count` rows of `x` (N × D, `count` ≤ N).
    static func select(_ x: Matrix, count: Int, rng: inout SeededGenerator) -> [Int] {
        let n = x.rows, d = x.columns
        guard count < n else { return Array(0..<n) }
        let nodes = max(1, Int((pow(Double(count), 1 / Double(max(d, 1)))).rounded(.up) + 1e-9))
        var lo = [Double](repeating: .infinity, count: d), hi = [Double](repeating: -.infinity, count: d)
        for i in 0..<n {
            for c in 0..<d {
                lo[c] = min(lo[c], x[i, c])
                hi[c] = max(hi[c], x[i, c])
            }
        }
        var bins = [Int](repeating: 0, count: n)
        for i in 0..<n {
            var flat = 0, stride = 1
            for c in 0..<d {
                let range = hi[c] - lo[c]
                let node = range > 0 ? Int(((x[i, c] - lo[c]) / range * Double(nodes - 1)).rounded()) : 0
                flat += node * stride
                stride *= nodes
            }
            bins[i] = flat
        }
        var used = Set<Int>(), chosen = [Bool](repeating: false, count: n), taken = 0
        for i in 0..<n where taken < count && used.insert(bins[i]).inserted {
            chosen[i] = true
            taken += 1
        }
        if taken < count {
            var remaining = [Int: [Int]]()
            for i in 0..<n where !chosen[i] { remaining[bins[i], default: []].append(i) }
            var open = remaining.keys.sorted()
            while taken < count, !open.isEmpty {
                let b = Int(rng.next() % UInt64(open.count))
                var members = remaining[open[b]] ?? []
                let pick = members.remove(at: Int(rng.next() % UInt64(members.count)))
                chosen[pick] = true
                taken += 1
                remaining[open[b]] = members
                if members.isEmpty { open.remove(at: b) }
            }
        }
        return (0..<n).filter { chosen[$0] }
    }
}
