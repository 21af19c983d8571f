import Support
import Testing

@Suite("Reuse pool")
struct ReusePoolTests {
    final class Buffer {
        let capacity: Int
        init(_ capacity: Int) { self.capacity = capacity }
    }

    /// An item given back is the one taken next when it fits; one that does not fit leads to a new item; a full
    /// pool drops its smallest item.
    @Test func givenItemsComeBackWhenTheyFitAndTheSmallestAreDroppedFirst() {
        let pool = ReusePool<Buffer>(kept: 2) { $0.capacity }
        var made = 0
        func take(_ capacity: Int) -> Buffer {
            pool.take(
                where: { $0.capacity >= capacity },
                make: {
                    made += 1
                    return Buffer(capacity)
                })
        }
        let first = take(10)
        pool.give(first)
        #expect(take(5) === first && made == 1)
        pool.give(first)
        let larger = take(20)
        #expect(larger !== first && made == 2)
        let third = take(30)
        pool.give(first)
        pool.give(larger)
        pool.give(third)  // three given, two kept: the 10 goes
        #expect(take(1) !== first)
        #expect(take(1) !== first)
        let fresh = take(1)
        #expect(fresh !== first && fresh !== larger && fresh !== third && made == 4)
    }
}
