import Atoms
import Descriptors
import Testing

/// DScribe's `mu2` and `mu1nu1` compression and `species_weighting`, by what they must equal (DScribe's own numbers are in
/// `DScribeFixtureTests`, the derivatives against finite differences in `SOAPDerivativeTests`).
@Suite("SOAP compression and species weighting")
struct SOAPCompressionTests {
    static let siliconCarbide: Structure = {
        var s = Crystal.diamond.structure([14], a: 4.36, cubic: true).rattled(stdev: 0.08, seed: 13)
        for i in stride(from: 1, to: 8, by: 2) { s.atomicNumbers[i] = 6 }
        return s
    }()

    static func largestDifference(_ a: DescriptorRows, _ b: DescriptorRows, factor: Double = 1) -> Double {
        zip(a.values, b.values).map { abs($0 - factor * $1) }.max() ?? 0
    }

    /// A structure of one element: mu2 over several species is that element's one-species SOAP.
    @Test func mu2OfOneElementIsItsOneSpeciesSOAP() throws {
        let silicon = Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.05, seed: 3)
        let mu2 = try SOAP.dscribe(species: [6, 14], cutoff: 4, nMax: 4, lMax: 3, atomSigma: 0.5, compression: .mu2)
        let single = try SOAP.dscribe(species: [14], cutoff: 4, nMax: 4, lMax: 3, atomSigma: 0.5)
        #expect(mu2.numberOfFeatures == single.numberOfFeatures)
        #expect(Self.largestDifference(try mu2.create([silicon]), try single.create([silicon])) <= 1e-12)
    }

    /// mu2 sums every species' density: relabelling carbon as silicon changes nothing.
    @Test func mu2IgnoresWhichSpeciesIsWhich() throws {
        var relabelled = Self.siliconCarbide
        relabelled.atomicNumbers = relabelled.atomicNumbers.map { $0 == 6 ? 14 : 6 }
        let mu2 = try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, compression: .mu2)
        #expect(Self.largestDifference(try mu2.create([Self.siliconCarbide]), try mu2.create([relabelled])) <= 1e-12)
        let weighted = try SOAP.dscribe(
            species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, compression: .mu2, speciesWeights: [6: 2])
        #expect(Self.largestDifference(try weighted.create([Self.siliconCarbide]), try weighted.create([relabelled])) > 1e-3)
    }

    /// One weight w on every species scales every density by w, so the power spectrum by w², in every mode.
    @Test(arguments: SOAP.Compression.allCases)
    func aCommonWeightScalesByItsSquare(compression: SOAP.Compression) throws {
        let plain = try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: compression)
        let weighted = try SOAP.dscribe(
            species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: compression,
            speciesWeights: [6: 1.5, 14: 1.5])
        let expected = try plain.create([Self.siliconCarbide])
        #expect(Self.largestDifference(try weighted.create([Self.siliconCarbide]), expected, factor: 2.25) <= 1e-12)
    }

    @Test func refusesWeightsOfOtherSpeciesOrNotFinite() {
        #expect(throws: DescriptorError.self) {
            try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, speciesWeights: [8: 1.5])
        }
        #expect(throws: DescriptorError.self) {
            try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, speciesWeights: [6: .nan])
        }
        let mu2 = try? SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: .mu2)
        var oxide = Self.siliconCarbide
        oxide.atomicNumbers[0] = 8
        #expect {
            try mu2?.create([oxide])
        } throws: { error in
            "\(error)".contains("O") && "\(error)".contains("atom 0")
        }
    }
    /// The feature (Z, l, n, n′) of mu1nu1 at `row`, DScribe's order: species, l, n, n′.
    static func mu1nu1(_ rows: DescriptorRows, row: Int, species: Int, l: Int, n: Int, n2: Int, nMax: Int, lMax: Int) -> Double {
        rows.row(row)[rows.row(row).startIndex + ((species * (lMax + 1) + l) * nMax + n) * nMax + n2]
    }

    /// mu1nu1 pairs each species' density with the sum over all: summed over the species, it is the power spectrum of
    /// the total density, which is mu2's (the triangle n ≤ n′ of a symmetric matrix), weights or not.
    @Test(arguments: [[:], [6: 1.5, 14: -0.5]] as [[Int: Double]])
    func mu1nu1SummedOverSpeciesIsMu2(weights: [Int: Double]) throws {
        let (nMax, lMax) = (3, 3)
        func soap(_ compression: SOAP.Compression) throws -> SOAP {
            try SOAP.dscribe(
                species: [6, 14], cutoff: 3.5, nMax: nMax, lMax: lMax, atomSigma: 0.5, compression: compression,
                speciesWeights: weights, periodic: true)
        }
        let mu1nu1 = try soap(.mu1nu1), mu2 = try soap(.mu2)
        #expect(mu1nu1.numberOfFeatures == 2 * nMax * nMax * (lMax + 1))
        let a = try mu1nu1.create([Self.siliconCarbide]), b = try mu2.create([Self.siliconCarbide])
        var largest = 0.0, difference = 0.0
        for row in 0..<a.count {
            var k = b.row(row).startIndex
            for l in 0...lMax {
                for n in 0..<nMax {
                    for n2 in n..<nMax {
                        let sum = (0..<2).map { Self.mu1nu1(a, row: row, species: $0, l: l, n: n, n2: n2, nMax: nMax, lMax: lMax) }
                        let swapped = (0..<2).map {
                            Self.mu1nu1(a, row: row, species: $0, l: l, n: n2, n2: n, nMax: nMax, lMax: lMax)
                        }
                        // Each species' block is not symmetric in n, n′; the sum is.
                        difference = max(difference, abs(sum.reduce(0, +) - b.values[k]))
                        difference = max(difference, abs(swapped.reduce(0, +) - b.values[k]))
                        largest = max(largest, abs(b.values[k]))
                        k += 1
                    }
                }
            }
        }
        #expect(largest > 1e-3 && difference <= 1e-12 * largest, "\(difference) of \(largest)")
        #expect(mu1nu1.location(of: (6, 6)) == 0..<(nMax * nMax * (lMax + 1)))
        #expect(mu1nu1.location(of: (14, 14)) == (nMax * nMax * (lMax + 1))..<mu1nu1.numberOfFeatures)
        #expect(mu1nu1.location(of: (6, 14)) == nil)
    }

    /// With one species, mu1nu1 is the uncompressed power spectrum, both triangles of it.
    @Test func mu1nu1OfOneSpeciesIsTheFullSquare() throws {
        let silicon = Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.05, seed: 3)
        let (nMax, lMax) = (4, 2)
        let mu1nu1 = try SOAP.dscribe(species: [14], cutoff: 4, nMax: nMax, lMax: lMax, atomSigma: 0.5, compression: .mu1nu1)
        let off = try SOAP.dscribe(species: [14], cutoff: 4, nMax: nMax, lMax: lMax, atomSigma: 0.5)
        let a = try mu1nu1.create([silicon]), b = try off.create([silicon])
        var difference = 0.0
        for row in 0..<a.count {
            var k = b.row(row).startIndex
            for l in 0...lMax {
                for n in 0..<nMax {
                    for n2 in n..<nMax {
                        for (p, q) in [(n, n2), (n2, n)] {
                            let x = Self.mu1nu1(a, row: row, species: 0, l: l, n: p, n2: q, nMax: nMax, lMax: lMax)
                            difference = max(difference, abs(x - b.values[k]))
                        }
                        k += 1
                    }
                }
            }
        }
        #expect(difference <= 1e-12)
    }

    /// Rows, derivatives and strain of mu1nu1 as the library's other calls give them: `create(at:into:)` writes the
    /// rows `create` returns, which are those of `derivatives` (to rounding: `create` takes a center's mirror images
    /// in this small cell once), the sink takes the blocks `derivatives` stores, and back-propagation is refused.
    @Test func mu1nu1ThroughEveryCall() throws {
        let soap = try SOAP.dscribe(
            species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: .mu1nu1, periodic: true)
        let s = Self.siliconCarbide
        let centers: [[SOAP.Center]] = [[.atom(0), .point(SIMD3(1, 1, 1)), .atom(3)]]
        let (rows, blocks) = try soap.derivatives([s], at: centers, attach: false)
        var into = [Double](repeating: .nan, count: rows.values.count)
        try into.withUnsafeMutableBufferPointer { try soap.create([s], at: centers, into: $0) }
        let created = try soap.create([s], at: centers).values
        #expect(into == created)
        let scale = rows.values.map(abs).max()!
        #expect(zip(created, rows.values).map { abs($0 - $1) }.max()! <= 1e-14 * scale)
        let places = BlockPlaces(rows: rows.count, atoms: s.count, features: soap.numberOfFeatures)
        let sunk = try soap.derivatives([s], at: centers, attach: false) { _, row, atom in places.block(row, atom) }
        #expect(sunk.values == rows.values)
        for k in 0..<blocks.count {
            let block = places.block(blocks.row[k], blocks.atom[k])
            #expect((0..<(3 * soap.numberOfFeatures)).map { block[$0] } == Array(blocks.block(k)))
        }
        #expect(throws: DescriptorError.self) { try soap.backPropagate(s) { ($0.values.map { _ in 0 }, $0.values) } }
    }
}

/// A dense block per (row, atom), where a `DerivativeBlockSink` writes them.
private final class BlockPlaces: @unchecked Sendable {
    let values: UnsafeMutablePointer<Double>
    let atoms: Int, features: Int

    init(rows: Int, atoms: Int, features: Int) {
        values = .allocate(capacity: rows * atoms * 3 * features)
        values.initialize(repeating: .nan, count: rows * atoms * 3 * features)
        (self.atoms, self.features) = (atoms, features)
    }

    deinit { values.deallocate() }

    func block(_ row: Int, _ atom: Int) -> UnsafeMutablePointer<Double> { values + (row * atoms + atom) * 3 * features }
}
