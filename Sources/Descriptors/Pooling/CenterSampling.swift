import Atoms
import Support

/// A random subset of the centers of each structure, for large cells where describing every atom costs more
/// than the statistics need: a count or a fraction of the atoms (or of the centers given), drawn without
/// replacement and reproducibly from a seed and the structure's index in the batch, returned in ascending order.
public struct CenterSampling: Sendable, Equatable {
    /// How many centers to keep per structure.
    public enum Size: Sendable, Equatable {
        /// At most this many (all of them when a structure has fewer).
        case count(Int)
        /// This fraction of the candidates, rounded, at least one.
        case fraction(Double)
    }

    /// How many centers each structure keeps.
    public let size: Size
    /// Seed of the draws; structure k draws from `seed` and k, so a batch gives the same centers however it is
    /// split over threads.
    public let seed: UInt64

    /// A sampling of `size` centers per structure.
    /// - Throws: `DescriptorError.invalidSetting` for a count below 1 or a fraction outside (0, 1].
    public init(_ size: Size, seed: UInt64) throws(DescriptorError) {
        switch size {
        case let .count(n) where n < 1:
            throw .invalidSetting(name: "sample count", value: "\(n)", hint: "keep at least 1 center per structure")
        case let .fraction(f) where !(f > 0 && f <= 1):
            throw .invalidSetting(name: "sample fraction", value: "\(f)", hint: "must be in (0, 1]")
        default: break
        }
        self.size = size
        self.seed = seed
    }

    /// The centers kept in each structure: drawn from `given[k]` when given, else from all atoms of structure k.
    public func centers(_ structures: [Structure], given: [[Int]]?) -> [[Int]] {
        centers(atomCounts: structures.map(\.count), given: given)
    }

    /// The centers kept in each of the structures of `atomCounts[k]` atoms: drawn from `given[k]` when given, else
    /// from all atoms of structure k (what a caller holding only the sizes, as the C ABI, asks for).
    public func centers(atomCounts: [Int], given: [[Int]]?) -> [[Int]] {
        atomCounts.indices.map { k in pick(from: given?[k] ?? Array(0..<atomCounts[k]), structure: k) }
    }

    /// The kept subset of `candidates` for structure `k`, in ascending order.
    func pick(from candidates: [Int], structure k: Int) -> [Int] {
        let n = candidates.count
        let keep: Int
        switch size {
        case let .count(c): keep = min(c, n)
        case let .fraction(f): keep = n == 0 ? 0 : min(n, max(1, Int((f * Double(n)).rounded())))
        }
        guard keep < n else { return candidates.sorted() }
        var rng = SeededGenerator(seed: seed &+ UInt64(k) &* 0x9E37_79B9_7F4A_7C15)
        var pool = candidates
        for i in 0..<keep {  // partial Fisher–Yates: the first `keep` entries are a uniform draw
            let j = i + Int(rng.next() % UInt64(n - i))
            pool.swapAt(i, j)
        }
        return pool[0..<keep].sorted()
    }
}
