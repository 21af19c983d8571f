import Atoms
import Classical
import Foundation
import TestSupport
import Testing

/// A LAMMPS table section of the shifted Lennard-Jones pair energy (ASE's form, zero at the cutoff),
/// with `n` points evenly spaced from `first` to `cutoff`.
func lennardJonesSection(
    _ keyword: String, epsilon: Double, sigma: Double, cutoff: Double, first: Double, n: Int
) -> String {
    func phi(_ r: Double) -> Double {
        let s6 = pow(sigma / r, 6)
        return 4 * epsilon * (s6 * s6 - s6)
    }
    var lines = ["# Lennard-Jones ε = \(epsilon) eV, σ = \(sigma) Å", keyword + " made by the tests", "N \(n)", ""]
    for k in 0..<n {
        let r = k == n - 1 ? cutoff : first + (cutoff - first) * Double(k) / Double(n - 1)
        let s6 = pow(sigma / r, 6)
        let force = 24 * epsilon * (2 * s6 * s6 - s6) / r
        lines.append("\(k + 1) \(r) \(phi(r) - phi(cutoff)) \(force)")
    }
    return lines.joined(separator: "\n") + "\n\n"
}

private func maxDifference(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    zip(a, b).map { norm($0 - $1) }.max() ?? 0
}

private func maxNorm(_ a: [SIMD3<Double>]) -> Double { a.map(norm).max() ?? 0 }

@Suite("Tabulated pair potential")
struct TabulatedPairPotentialTests {
    /// Ar–Kr Lennard-Jones as in the shipped training set, and the same as tables of 2000 points.
    let lj = try! LennardJones(pairs: [
        (18, 18, .init(epsilon: 0.0104, sigma: 3.4, cutoff: 7.0)),
        (18, 36, .init(epsilon: 0.014, sigma: 3.6, cutoff: 7.5)),
        (36, 36, .init(epsilon: 0.017, sigma: 3.65, cutoff: 8.0))
    ])
    let table: TabulatedPairPotential = {
        let text =
            lennardJonesSection("ARAR", epsilon: 0.0104, sigma: 3.4, cutoff: 7.0, first: 2.5, n: 2000)
            + lennardJonesSection("ARKR", epsilon: 0.014, sigma: 3.6, cutoff: 7.5, first: 2.5, n: 2000)
            + lennardJonesSection("KRKR", epsilon: 0.017, sigma: 3.65, cutoff: 8.0, first: 2.5, n: 2000)
        let mapping = try! PairTableMapping(parsing: "Ar-Ar:ARAR, Kr-Ar:ARKR, Kr-Kr:KRKR")
        return try! TabulatedPairPotential(bytes: Array(text.utf8), file: "ljtable.txt", mapping: mapping)
    }()

    /// A rattled Ar–Kr fcc crystal: its 5.3 Å cubic cell is smaller than every cutoff.
    var crystal: Structure {
        var s = Crystal.fcc.structure([18], a: 5.3, cubic: true).rattled(stdev: 0.12, seed: 11)
        s.atomicNumbers[1] = 36
        s.atomicNumbers[3] = 36
        return s.strained(Matrix3(SIMD3(0.01, 0.02, 0), SIMD3(0, -0.01, 0.03), SIMD3(0, 0, 0.02)))
    }

    @Test func reproducesLennardJonesToSplineAccuracy() throws {
        var cluster = Crystal.fcc.structure([18], a: 5.3, cubic: true).repeated(SIMD3(2, 2, 1))
            .rattled(stdev: 0.1, seed: 5)
        for i in stride(from: 0, to: cluster.count, by: 3) { cluster.atomicNumbers[i] = 36 }
        var molecule = cluster
        molecule.cell = .empty
        molecule.pbc = .none
        for s in [cluster, molecule, crystal] {
            let expected = try lj.calculate(s), result = try table.calculate(s)
            #expect(abs(result.energy - expected.energy) <= 1e-6 * abs(expected.energy))
            #expect(maxDifference(result.forces, expected.forces) <= 1e-6 * maxNorm(expected.forces))
            #expect((result.virial - expected.virial).maxAbs <= 1e-6 * expected.virial.maxAbs)
            let atoms = try #require(result.atomEnergies), reference = try #require(expected.atomEnergies)
            #expect(zip(atoms, reference).allSatisfy { abs($0 - $1) <= 1e-6 * abs(expected.energy) / Double(s.count) })
        }
    }

    @Test func forcesAndVirialAreEnergyDerivativesInACellSmallerThanTheCutoff() throws {
        let s = crystal
        #expect(s.cell.perpendicularWidths.max() < table.cutoff)
        let r = try table.calculate(s)
        let energy = { (x: Structure) in try table.calculate(x).energy }
        #expect(maxDifference(r.forces, try FiniteDifferences.forces(energy, at: s)) < 1e-8)
        #expect((r.virial - (try FiniteDifferences.virial(energy, at: s))).maxAbs < 1e-7)
        #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) < 1e-12)
        #expect(norm(r.forces.reduce(.zero, +)) < 1e-12)
    }

    @Test func splineInterpolatesTheTableWithItsForcesAsSlopes() throws {
        let section = try PairTableSection(
            keyword: "CUBIC", distances: [1, 2, 3], energies: [1, 8, 27].map { -$0 + 27 }, forces: [3, 12, 27])
        // E(r) = 27 − r³ is a cubic: the Hermite spline through E and −F reproduces it exactly.
        for r in stride(from: 1.0, to: 3.0, by: 0.125) {
            let value = try #require(section.evaluate(r))
            #expect(abs(value.energy - (27 - r * r * r)) < 1e-12)
            #expect(abs(value.derivative + 3 * r * r) < 1e-12)
        }
        #expect(section.evaluate(3)! == (0, 0))
        #expect(section.evaluate(0.999) == nil)
    }

    @Test func zeroBeyondTheCutoffAndAnErrorBelowTheFirstPoint() throws {
        let text = "SIC\nN 3\n\n1 0.5 1.0 2.0\n2 1.0 0.2 0.5\n3 2.0 0.0 0.0\n"
        let potential = try TabulatedPairPotential(
            bytes: Array(text.utf8), file: "sic.table", mapping: PairTableMapping(parsing: "Si-C:SIC, Si-Si:SIC, C-C:SIC"))
        let far = try potential.calculate(Structure(atomicNumbers: [14, 6], positions: [.zero, SIMD3(2.5, 0, 0)]))
        #expect(far.energy == 0 && far.forces == [.zero, .zero])
        let close = Structure(atomicNumbers: [14, 6], positions: [.zero, SIMD3(0.4, 0, 0)])
        do {
            _ = try potential.calculate(close)
            Issue.record("no error below the first point")
        } catch let error as PotentialError {
            #expect(
                error
                    == .belowTableRange(
                        potential: "TabulatedPairPotential", i: 0, j: 1, elements: [14, 6], distance: 0.4,
                        firstPoint: 0.5))
            #expect(error.description.contains("atoms 0 and 1 are 0.4 Å apart, below the table's first point 0.5 Å for Si–C"))
        }
    }

    @Test func everyElementPairPresentNeedsASection() throws {
        let text = "SISI\nN 2\n\n1 1.0 1.0 0.0\n2 2.0 0.0 0.0\n"
        let potential = try TabulatedPairPotential(
            bytes: Array(text.utf8), file: "si.table", mapping: PairTableMapping(parsing: "Si-Si:SISI"))
        let s = Structure(atomicNumbers: [14, 6], positions: [.zero, SIMD3(5, 0, 0)])
        #expect(throws: PotentialError.missingParameters(potential: "TabulatedPairPotential", elements: [14, 6])) {
            try potential.calculate(s)
        }
    }

    @Test func codableRoundTripAndValidation() throws {
        let data = try JSONEncoder().encode(table)
        let back = try JSONDecoder().decode(TabulatedPairPotential.self, from: data)
        #expect(back == table)
        #expect(try back.calculate(crystal) == (try table.calculate(crystal)))
        // A decoded section whose arrays disagree is refused, not trapped on later.
        let bad = #"""
            {"mapping": {"entries": [{"pair": "Si-Si", "keyword": "A"}]},
             "sections": [{"keyword": "A", "distances": [1, 2, 3], "energies": [1, 0], "forces": [0, 0]}]}
            """#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TabulatedPairPotential.self, from: Data(bad.utf8)) }
        let missing = #"""
            {"mapping": {"entries": [{"pair": "Si-Si", "keyword": "B"}]},
             "sections": [{"keyword": "A", "distances": [1, 2], "energies": [1, 0], "forces": [0, 0]}]}
            """#
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TabulatedPairPotential.self, from: Data(missing.utf8))
        }
    }
}

@Suite("Pair-table mapping")
struct PairTableMappingTests {
    @Test func parsesPairsInEitherOrder() throws {
        let m = try PairTableMapping(parsing: " Si-Si:SISI , C-Si:SIC,C-C:CC")
        #expect(m.keyword(for: ElementPair(14, 6)) == "SIC")
        #expect(m.keyword(for: ElementPair(14, 14)) == "SISI")
        #expect(m.keyword(for: ElementPair(1, 1)) == nil)
        #expect(m.description == "C-C:CC,C-Si:SIC,Si-Si:SISI")
        #expect(try PairTableMapping(parsing: m.description) == m)
    }

    @Test(arguments: [
        ("Si-Si", "expected one ':'"),
        ("Si:SISI", "two element symbols"),
        ("Si-Xx:SX", "'Xx' is not an element symbol"),
        ("Si-C:", "keyword is empty"),
        ("Si-C:A B", "whitespace"),
        ("Si-C:A,C-Si:B", "given twice"),
        ("Si-Si:A,,C-C:B", "an entry is empty"),
        ("", "an entry is empty")
    ])
    func badMappingsNameTheEntry(text: String, message: String) {
        do {
            _ = try PairTableMapping(parsing: text)
            Issue.record("'\(text)' parsed")
        } catch {
            #expect(error.description.contains(message), "\(error)")
            #expect(error.description.contains("Si-Si:SISI,Si-C:SIC"), "says how to write it")
        }
    }
}
