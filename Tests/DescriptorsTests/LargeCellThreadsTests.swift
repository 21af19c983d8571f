import Atoms
import Descriptors
import Support
import Testing

/// A call on one structure larger than a worker's share of centers searches its pairs on the call's threads (the
/// neighbor list splits from 256 centers a worker): its rows and derivatives are those of one thread, bit for bit.
@Suite("Large cell on several threads")
struct LargeCellThreadsTests {
    /// 512 atoms of rattled Si and O on diamond sites: two workers' shares of the pair search.
    static let cell: Structure = {
        var s = Crystal.diamond.structure([14], a: 5.43, cubic: true).repeated(SIMD3(4, 4, 4)).rattled(stdev: 0.1, seed: 9)
        for i in Swift.stride(from: 0, to: s.count, by: 3) { s.atomicNumbers[i] = 8 }
        return s
    }()

    @Test func sameRowsAndDerivativesOnOneAndTwoThreads() throws {
        #expect(Parallel.threadsEach(of: 1, sharing: 2) == 2 && Parallel.threadsEach(of: 3, sharing: 2) == 1)
        let s = Self.cell
        #expect(s.count == 512)
        let descriptors: [any Descriptor] = [
            try SOAP.quip(cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, speciesZ: [8, 14]),
            try SOAP.dscribe(species: [8, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5),
            try ACSF(
                cutoff: 3.5, species: [8, 14], g2: [.init(eta: 1, shift: 2)], g4: [.init(eta: 0.01, zeta: 2, lambda: 1)],
                periodic: true)
        ]
        for descriptor in descriptors {
            let one = try descriptor.create([s], centers: nil, threads: 1)
            #expect(one.count == s.count && one.values.contains { $0 != 0 })
            #expect(try descriptor.create([s], centers: nil, threads: 2) == one, "\(type(of: descriptor))")
            let (q1, d1) = try descriptor.derivatives([s], centers: nil, threads: 1)
            let (q2, d2) = try descriptor.derivatives([s], centers: nil, threads: 2)
            #expect(q1 == q2 && d1 == d2, "\(type(of: descriptor))")
        }
    }
}
