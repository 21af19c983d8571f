import Atoms
import Descriptors
import Testing

@testable import CAPI

/// Pooling and center sampling through the C ABI: site weights reach the pooled descriptor, sampled centers are
/// the library's draw, and what a C caller gets wrong comes back as text.
@Suite("C ABI pooling and sampling")
struct CAPIPoolingTests {
    static let settings =
        #"{"kind": "acsf", "species": [1, 8, 14], "r_cut": 4, "g2_params": [[1, 1], [0.5, 2]], "g4_params": [[0.1, 2, 1]], "#

    /// The 8-atom silicon cell and a water-like molecule, with their flat arrays as a C caller packs them.
    static let structures: [Structure] = [
        CAPITests.silicon,
        Structure(atomicNumbers: [8, 1, 1], positions: [.zero, SIMD3(0.96, 0, 0), SIMD3(-0.2, 0.93, 0.1)])
    ]
    static let atoms: [Int64] = [8, 3]
    static let numbers = structures.flatMap { $0.atomicNumbers.map(Int32.init) }
    static let positions = structures.flatMap { $0.positions.flatMap { [$0.x, $0.y, $0.z] } }
    static let cells = structures.flatMap(\.cell.matrix.rowMajor)
    static let pbc = structures.flatMap { $0.pbc.flags.map { UInt8($0 ? 1 : 0) } }
    static let weights = (0..<11).map { 0.5 + Double($0 % 4) }

    @Test func siteWeightsReachThePooledDescriptor() throws {
        var handle: UnsafeMutableRawPointer?
        let json = Self.settings + #""pooling": "weighted", "site_weights": "charge"}"#
        #expect(CAPITests.run { swiftgapDescriptorNew(json, &handle, $0, $1) }.0 == 0)
        defer { swiftgapFree(handle) }
        #expect(swiftgapDescriptorIsLocal(handle) == 0)
        let D = Int(swiftgapDescriptorFeatures(handle))
        let pooled = try DescriptorSettings.descriptor(json: json)
        var first = 0
        let weighted = Self.structures.map { s in
            var s = s
            s.arrays["charge"] = .doubles(Array(Self.weights[first..<(first + s.count)]), width: 1)
            first += s.count
            return s
        }
        let (expectedRows, expectedBlocks) = try pooled.derivatives(weighted, centers: nil, threads: 1)
        var rows = [Double](repeating: .nan, count: 2 * D)
        let dense = Self.atoms.map { [Double](repeating: 0, count: Int($0) * 3 * D) }
        let targets = UnsafeMutableBufferPointer<UnsafeMutablePointer<Double>?>.allocate(capacity: 2)
        defer {
            for target in targets { target?.deallocate() }
            targets.deallocate()
        }
        for (k, block) in dense.enumerated() {
            targets[k] = .allocate(capacity: block.count)
            targets[k]!.initialize(from: block, count: block.count)
        }
        let slotOf: [Int64] = (0..<8).map(Int64.init) + (0..<3).map(Int64.init)
        let (status, text) = CAPITests.run { error, capacity in
            swiftgapDescriptorDerivatives(
                handle, 2, Self.atoms, Self.numbers, Self.positions, Self.cells, Self.pbc, nil, nil, nil, Self.weights, 1,
                2, 0, [1, 1], &rows, slotOf, Self.atoms, UnsafePointer(targets.baseAddress!), error, capacity)
        }
        #expect(status == 0, "\(text)")
        #expect(zip(rows, expectedRows.values).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        var worst = 0.0
        for b in 0..<expectedBlocks.count {
            let k = expectedBlocks.row[b], atom = expectedBlocks.atom[b], block = expectedBlocks.block(b)
            for (i, value) in block.enumerated() {
                worst = max(worst, abs(targets[k]![atom * 3 * D + i] - value))
            }
        }
        #expect(worst <= 1e-12, "largest difference from the library's blocks: \(worst)")
        // The rows alone: the same numbers, up to rounding (ACSF's values and derivatives are two code paths).
        var direct = [Double](repeating: .nan, count: 2 * D)
        let (rowsStatus, rowsText) = CAPITests.run { error, capacity in
            swiftgapDescriptorRows(
                handle, 2, Self.atoms, Self.numbers, Self.positions, Self.cells, Self.pbc, nil, nil, nil, Self.weights, 1,
                [1, 1], &direct, error, capacity)
        }
        #expect(rowsStatus == 0, "\(rowsText)")
        #expect(zip(direct, expectedRows.values).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
        // Without the weights: an error saying what to pass.
        let (missing, missingText) = CAPITests.run { error, capacity in
            swiftgapDescriptorRows(
                handle, 2, Self.atoms, Self.numbers, Self.positions, Self.cells, Self.pbc, nil, nil, nil, nil, 1, [1, 1],
                &direct, error, capacity)
        }
        #expect(missing == 1 && missingText.contains("pass siteWeights"), "\(missingText)")
        // Centers kept where their atoms were (attach = 0) are SOAP's alone: refused, not ignored.
        let (fixed, fixedText) = CAPITests.run { error, capacity in
            swiftgapDescriptorDerivatives(
                handle, 2, Self.atoms, Self.numbers, Self.positions, Self.cells, Self.pbc, nil, nil, nil, Self.weights, 0,
                2, 0, [1, 1], &rows, slotOf, Self.atoms, UnsafePointer(targets.baseAddress!), error, capacity)
        }
        #expect(fixed == 1 && fixedText.contains("SOAP's alone"), "\(fixedText)")
    }

    @Test func weightsForADescriptorThatTakesNoneAreRefused() {
        var handle: UnsafeMutableRawPointer?
        #expect(CAPITests.run { swiftgapDescriptorNew(Self.settings + #""pooling": "max"}"#, &handle, $0, $1) }.0 == 0)
        defer { swiftgapFree(handle) }
        var rows = [Double](repeating: 0, count: 2 * Int(swiftgapDescriptorFeatures(handle)))
        let (status, text) = CAPITests.run { error, capacity in
            swiftgapDescriptorRows(
                handle, 2, Self.atoms, Self.numbers, Self.positions, Self.cells, Self.pbc, nil, nil, nil, Self.weights, 1,
                [1, 1], &rows, error, capacity)
        }
        #expect(status == 1 && text.contains("pass NULL"), "\(text)")
    }

    @Test func sampledCentersAreTheLibrarysDraw() throws {
        var counts = [Int64](repeating: -1, count: 2), kept = [Int64](repeating: -1, count: 50)
        let (status, text) = CAPITests.run { swiftgapSampleCenters(2, [40, 10], nil, nil, 7, 0, 3, &counts, &kept, $0, $1) }
        #expect(status == 0, "\(text)")
        let expected = try CenterSampling(.count(7), seed: 3).centers(atomCounts: [40, 10], given: nil)
        #expect(counts == [7, 7] && Array(kept[0..<14]) == (expected[0] + expected[1]).map(Int64.init))
        // From given candidates, by a fraction.
        let candidates: [[Int]] = [[5, 9, 13, 21, 30, 2], [0, 3]]
        let (givenStatus, givenText) = CAPITests.run {
            swiftgapSampleCenters(
                2, [40, 10], [6, 2], candidates.flatMap { $0 }.map(Int64.init), 0, 0.5, 11, &counts, &kept, $0, $1)
        }
        #expect(givenStatus == 0, "\(givenText)")
        let fromGiven = try CenterSampling(.fraction(0.5), seed: 11).centers(atomCounts: [40, 10], given: candidates)
        #expect(counts == [3, 1] && Array(kept[0..<4]) == (fromGiven[0] + fromGiven[1]).map(Int64.init))
        for (call, expected) in [
            ({ swiftgapSampleCenters(2, [40, 10], nil, nil, 0, 0, 1, &counts, &kept, $0, $1) }, "(0, 1]"),
            ({ swiftgapSampleCenters(2, [40, 10], nil, nil, 3, 0.5, 1, &counts, &kept, $0, $1) }, "not both"),
            ({ swiftgapSampleCenters(2, [40, 10], nil, nil, -2, 0, 1, &counts, &kept, $0, $1) }, "at least 1"),
            ({ swiftgapSampleCenters(2, [40, 10], nil, nil, 0, 1.5, 1, &counts, &kept, $0, $1) }, "(0, 1]"),
            (
                { swiftgapSampleCenters(2, [40, 10], [1, 1], [3, 10], 1, 0, 1, &counts, &kept, $0, $1) },
                "center 0 of structure 1 is atom 10"
            ),
            ({ swiftgapSampleCenters(2, [40, -1], nil, nil, 1, 0, 1, &counts, &kept, $0, $1) }, "structure 1 has -1 atoms"),
            ({ swiftgapSampleCenters(2, [40, 10], [1, -2], [3], 1, 0, 1, &counts, &kept, $0, $1) }, "structure 1 has -2 centers"),
            ({ swiftgapSampleCenters(2, [40, 10], [1, 1], nil, 1, 0, 1, &counts, &kept, $0, $1) }, "centerAtoms must not be NULL"),
            ({ swiftgapSampleCenters(2, nil, nil, nil, 1, 0, 1, &counts, &kept, $0, $1) }, "atoms must not be NULL"),
            ({ swiftgapSampleCenters(2, [40, 10], nil, nil, 1, 0, 1, nil, &kept, $0, $1) }, "outCounts must not be NULL"),
            ({ swiftgapSampleCenters(2, [40, 10], nil, nil, 1, 0, 1, &counts, nil, $0, $1) }, "outAtoms must not be NULL"),
            ({ swiftgapSampleCenters(-1, [40, 10], nil, nil, 1, 0, 1, &counts, &kept, $0, $1) }, "negative")
        ] as [((UnsafeMutablePointer<CChar>, Int64) -> Int32, String)] {
            let (failed, failure) = CAPITests.run(call)
            #expect(failed == 1 && failure.contains(expected), "\(failure)")
        }
    }
}
