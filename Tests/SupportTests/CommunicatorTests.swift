import Support
import TestSupport
import Testing

@Suite("Balanced ranges")
struct BalancedRangesTests {
    @Test func rangesCoverEveryItemInOrderWithBalancedWeights() {
        let weights = [5, 1, 1, 1, 8, 2, 2, 3, 1, 4]
        for parts in 1...12 {
            let ranges = BalancedRanges.split(weights: weights, parts: parts)
            #expect(ranges.count == parts)
            #expect(ranges.flatMap { Array($0) } == Array(weights.indices))
            let total = weights.reduce(0, +)
            // Each part's weight exceeds its fair share by less than the heaviest item.
            for r in ranges { #expect(r.reduce(0) { $0 + weights[$1] } < (total + parts - 1) / parts + 8) }
        }
        #expect(BalancedRanges.split(weights: [3, 3, 3, 3], parts: 2) == [0..<2, 2..<4])
        #expect(BalancedRanges.split(weights: [], parts: 3) == [0..<0, 0..<0, 0..<0])
        #expect(BalancedRanges.split(weights: [1, 1], parts: 4).filter { !$0.isEmpty }.count == 2)
    }
}

@Suite("Communicator collectives")
struct CommunicatorTests {
    @Test(arguments: [1, 2, 3, 5])
    func gathersAndBroadcastsKeepRankOrder(ranks: Int) throws {
        let results = ThreadRanks.run(size: ranks) { c in
            Result { () throws(DistributedError) -> ([Double], [Double], [Double], Int) in
                let mine = (0...c.rank).map { Double(10 * c.rank + $0) }
                let gathered = try c.gather(mine)
                let all = try c.allGather(mine)
                let shared = try c.broadcast(c.rank == ranks - 1 ? [1.5, 2.5] : [], root: ranks - 1)
                return (gathered, all, shared, try c.minimum(7 - c.rank))
            }
        }
        let expected = (0..<ranks).flatMap { r in (0...r).map { Double(10 * r + $0) } }
        for (r, result) in results.enumerated() {
            let (gathered, all, shared, minimum) = try result.get()
            #expect(gathered == (r == 0 ? expected : []))
            #expect(all == expected)
            #expect(shared == [1.5, 2.5])
            #expect(minimum == 7 - (ranks - 1))
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let rank: Int
        var description: String { "configuration 3 of rank \(rank) cannot be described" }
    }

    /// When ranks fail, every rank stops with the message of the lowest failing one, and nobody waits forever.
    @Test func agreementCarriesTheFailingRanksMessageToEveryRank() {
        let results = ThreadRanks.run(size: 4) { c in
            Result { () throws(DistributedError) -> Int in
                try c.agree { () throws -> Int in
                    if c.rank == 1 || c.rank == 3 { throw Failure(rank: c.rank) }
                    return c.rank
                }
            }
        }
        for result in results {
            #expect(throws: DistributedError.rankFailed(rank: 1, size: 4, message: "configuration 3 of rank 1 cannot be described"))
            {
                try result.get()
            }
        }
        #expect("\(DistributedError.rankFailed(rank: 1, size: 4, message: "m"))" == "rank 1 of 4: m")
        let fine = ThreadRanks.run(size: 3) { c in Result { () throws(DistributedError) in try c.agree { c.rank * 2 } } }
        #expect(fine.map { try? $0.get() } == [0, 2, 4])
    }

    /// `map` shares items among ranks and returns every result on rank 0, in item order.
    @Test func mapReturnsEveryItemsResultOnRankZero() throws {
        let weights = [4, 1, 1, 7, 2, 2, 5]
        let results = ThreadRanks.run(size: 3) { c in
            Result { try c.map(weights: weights) { k in [Double](repeating: Double(k), count: k % 3) + [Double(c.rank)] } }
        }
        let root = try results[0].get()
        #expect(root.count == weights.count)
        for (k, values) in root.enumerated() { #expect(values.dropLast().allSatisfy { $0 == Double(k) }) }
        #expect(Set(root.map { $0.last! }).count == 3)
        #expect(try results[1].get().isEmpty)
    }
}
