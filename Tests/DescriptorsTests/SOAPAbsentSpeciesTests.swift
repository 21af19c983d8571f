import Atoms
import Testing

@testable import Descriptors

/// A species channel with no atom near a center contributes only zeros, so the power spectrum skips its products
/// (`PowerSpectrumPlan`) and its derivatives are not gathered: with a species added that the structure lacks, every
/// feature of the present species pairs, and its derivative, is the one computed without it, and every feature
/// involving the absent species is exactly zero, with zero derivatives.
@Suite("SOAP power spectrum with a species the structure lacks")
struct SOAPAbsentSpeciesTests {
    static let ethanol = SOAPSparseBlockTests.ethanol

    /// Per feature of `soap`'s layout: its l and the channel species pair, mapped to `present` species indices
    /// (nil when one is `absent`).
    static func features(of soap: SOAP, absent: Int?) -> [(l: Int32, a: Int, n: Int, b: Int, n2: Int)?] {
        let nMax = soap.engine.nMax, species = soap.engine.species
        return soap.engine.layout.features.map { f in
            let a = species[Int(f.ia) / nMax], b = species[Int(f.jb) / nMax]
            guard a != absent, b != absent else { return nil }
            return (f.l, a, Int(f.ia) % nMax, b, Int(f.jb) % nMax)
        }
    }

    /// DScribe's layout, or QUIP's (normalised).
    static func soap(_ species: [Int], quip: Bool) throws -> SOAP {
        quip
            ? try .quip(cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: species)
            : try .dscribe(species: species, cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, periodic: false)
    }

    /// The features of `without`, by (l, species, n, species, n'), both orders.
    static func lookup(_ without: SOAP) -> [String: Int] {
        var lookup = [String: Int]()
        for (k, f) in Self.features(of: without, absent: nil).enumerated() {
            guard let f else { continue }
            lookup["\(f.l) \(f.a) \(f.n) \(f.b) \(f.n2)"] = k
            lookup["\(f.l) \(f.b) \(f.n2) \(f.a) \(f.n)"] = k
        }
        return lookup
    }

    /// Compares vectors `x` (layout of `with`, nitrogen absent) and `y` (layout of `without`): the largest
    /// difference of matched features, the largest |y|, and how many features were matched and were zero.
    static func compare(
        _ x: ArraySlice<Double>, _ y: ArraySlice<Double>, with: SOAP, lookup: [String: Int]
    ) throws -> (worst: Double, largest: Double, matched: Int, zeros: Int) {
        var zeros = 0, matched = 0, worst = 0.0
        let x0 = x.startIndex, y0 = y.startIndex
        for (k, f) in Self.features(of: with, absent: 7).enumerated() {
            guard let f else {
                #expect(x[x0 + k] == 0)
                zeros += 1
                continue
            }
            let other = try #require(lookup["\(f.l) \(f.a) \(f.n) \(f.b) \(f.n2)"])
            // QUIP's off-diagonal factor √2 is the same on both sides: channel pairs keep their kind.
            worst = max(worst, abs(x[x0 + k] - y[y0 + other]))
            matched += 1
        }
        return (worst, y.map(abs).max() ?? 0, matched, zeros)
    }

    @Test("features equal those without the absent species, the rest zero", arguments: [false, true])
    func absentSpecies(quip: Bool) throws {
        let with = try Self.soap([1, 6, 7, 8], quip: quip), without = try Self.soap([1, 6, 8], quip: quip)
        let a = try with.create([Self.ethanol], threads: 1), b = try without.create([Self.ethanol], threads: 1)
        #expect(a.count == 9 && b.count == 9)
        let lookup = Self.lookup(without)
        var zeros = 0, matched = 0, worst = 0.0, largest = 0.0
        for row in 0..<a.count {
            let c = try Self.compare(a.row(row), b.row(row), with: with, lookup: lookup)
            (worst, largest) = (max(worst, c.worst), max(largest, c.largest))
            (matched, zeros) = (matched + c.matched, zeros + c.zeros)
        }
        #expect(zeros > 0 && matched > 0 && largest > 0)
        #expect(worst <= 1e-14 * largest, "quip \(quip): worst \(worst) of \(largest)")
    }

    @Test("derivatives equal those without the absent species, the rest zero", arguments: [false, true])
    func absentSpeciesDerivatives(quip: Bool) throws {
        let with = try Self.soap([1, 6, 7, 8], quip: quip), without = try Self.soap([1, 6, 8], quip: quip)
        let (_, da) = try with.derivatives([Self.ethanol], threads: 1)
        let (_, db) = try without.derivatives([Self.ethanol], threads: 1)
        #expect(da.count == db.count && da.count > 9)
        let lookup = Self.lookup(without)
        var zeros = 0, matched = 0, worst = 0.0, largest = 0.0
        for k in 0..<da.count {
            #expect(da.row[k] == db.row[k] && da.atom[k] == db.atom[k])
            let x = da.block(k), y = db.block(k)
            for alpha in 0..<3 {
                let c = try Self.compare(
                    x[(x.startIndex + alpha * da.featureCount)..<(x.startIndex + (alpha + 1) * da.featureCount)],
                    y[(y.startIndex + alpha * db.featureCount)..<(y.startIndex + (alpha + 1) * db.featureCount)],
                    with: with, lookup: lookup)
                (worst, largest) = (max(worst, c.worst), max(largest, c.largest))
                (matched, zeros) = (matched + c.matched, zeros + c.zeros)
            }
        }
        #expect(zeros > 0 && matched > 0 && largest > 0)
        #expect(worst <= 1e-13 * largest, "quip \(quip): worst \(worst) of \(largest)")
    }

    /// Rows written into a caller's array that holds anything (here NaN) are those of a fresh one: in DScribe's
    /// layout each feature is written once, the blocks of the absent species zeroed where they lie; in QUIP's the
    /// row is zeroed first.
    @Test("rows written into a used array: every feature written", arguments: [false, true])
    func rowsIntoUsedArray(quip: Bool) throws {
        let soap = try Self.soap([1, 6, 7, 8], quip: quip)
        let centers = [(0..<Self.ethanol.count).map(SOAP.Center.atom)]
        let fresh = try soap.create([Self.ethanol], at: centers, threads: 1)
        var used = [Double](repeating: .nan, count: fresh.values.count)
        try used.withUnsafeMutableBufferPointer { try soap.create([Self.ethanol], at: centers, threads: 1, into: $0) }
        #expect(fresh.values.contains(0) && !used.contains(where: \.isNaN))
        #expect(used == fresh.values)
    }
}
