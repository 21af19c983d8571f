import Atoms
import Evaluation
import Support
import Testing

@Suite("Structures, elements, builders")
struct StructureTests {
    @Test func elementTable() {
        #expect(Element.symbol(1) == "H" && Element.symbol(14) == "Si" && Element.symbol(118) == "Og")
        #expect(Element.atomicNumber("Si") == 14 && Element.atomicNumber("SI") == nil && Element.atomicNumber("X") == nil)
        #expect(Element.mass(14) == 28.085 && Element.mass(1) == 1.008)
        #expect(Element.symbol(0) == nil && Element.symbol(119) == nil)
        for z in 1...118 { #expect(Element.atomicNumber(Element.symbol(z)!) == z) }
    }

    @Test func unitsMatchASE() {
        // ASE (CODATA 2014): units.kB and the fs time unit.
        #expect(abs(Units.boltzmann - 8.617330337217213e-05) < 1e-18)
        #expect(abs(Units.amuAngstromSquaredPerFsSquaredInEV - 103.64269572045423) < 1e-9)
    }

    @Test func diamondBuilder() {
        let primitive = Crystal.diamond.structure([14], a: 5.43)
        #expect(primitive.count == 2 && abs(primitive.cell.volume - 5.43 * 5.43 * 5.43 / 4) < 1e-10)
        #expect(norm(primitive.positions[1] - SIMD3(repeating: 5.43 / 4)) < 1e-14)
        let cubic = Crystal.diamond.structure([14], a: 5.43, cubic: true)
        #expect(cubic.count == 8)
        let salt = Crystal.rocksalt.structure([11, 17], a: 5.64, cubic: true)
        #expect(salt.atomicNumbers.filter { $0 == 11 }.count == 4 && salt.count == 8)
        #expect(Crystal.fcc.structure([29], a: 3.6).count == 1 && Crystal.bcc.structure([26], a: 2.87, cubic: true).count == 2)
    }

    @Test func oneLineDescriptions() {
        let cubic = Crystal.diamond.structure([14], a: 5.43, cubic: true)
        #expect("\(cubic)" == "Structure(Si8, periodic TTT, cell volume 160.1 Å³)")
        var molecule = cubic
        molecule.pbc = .none
        #expect("\(molecule)" == "Structure(Si8, molecule)")
    }

    @Test func supercellKeepsDensity() {
        let primitive = Crystal.diamond.structure([14], a: 5.43)
        let cubicAgain = primitive.supercell([[-1, 1, 1], [1, -1, 1], [1, 1, -1]])
        #expect(cubicAgain.count == 8)
        #expect(abs(cubicAgain.cell.volume - 5.43 * 5.43 * 5.43) < 1e-9)
        let hex = primitive.supercell([[-1, 1, 0], [-1, 0, 1], [1, 1, 1]])
        #expect(hex.count == 6)
        #expect(abs(hex.cell.volume / Double(hex.count) - primitive.cell.volume / 2) < 1e-9)
    }

    @Test func repeatStrainAndRattle() {
        let s = Crystal.fcc.structure([29], a: 3.6, cubic: true)
        let big = s.repeated(SIMD3(2, 3, 1))
        #expect(big.count == 24 && abs(big.cell.volume - 6 * s.cell.volume) < 1e-9)
        var e = Matrix3.zero
        e[0, 0] = 0.01
        let strained = s.strained(e)
        #expect(abs(strained.cell.volume - 1.01 * s.cell.volume) < 1e-12)
        #expect(s.rattled(stdev: 0.1, seed: 5) == s.rattled(stdev: 0.1, seed: 5))
        #expect(s.rattled(stdev: 0.1, seed: 5) != s.rattled(stdev: 0.1, seed: 6))
    }

    @Test func seededGeneratorIsReproducibleAndUniform() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        #expect((0..<10).map { _ in a.next() } == (0..<10).map { _ in b.next() })
        var rng = SeededGenerator(seed: 1)
        let n = 200_000
        let xs = (0..<n).map { _ in rng.normal() }
        let mean = xs.reduce(0, +) / Double(n)
        let variance = xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean) < 5 / Double(n).squareRoot() && abs(variance - 1) < 0.02)
    }

    @Test func validateNamesTheProblem() {
        var s = Crystal.fcc.structure([29], a: 3.6)
        #expect(throws: Never.self) { try s.validate() }
        s.positions[0].x = .infinity
        #expect(throws: GeometryError.nonFinitePosition(atom: 0)) { try s.validate() }
        #expect(GeometryError.nonFinitePosition(atom: 0).description.contains("atom 0"))
    }

    @Test func datasetSummaryCountsEverything() {
        var summary = DatasetSummary(file: "x.xyz")
        var a = Crystal.diamond.structure([14], a: 5.43)
        a.info["energy"] = .double(-10)
        a.info["config_type"] = .string("bulk")
        a.arrays["forces"] = .vectors([.zero, .zero])
        var b = Structure(atomicNumbers: [8, 1, 1], positions: [.zero, SIMD3(1, 0, 0), SIMD3(0, 1, 0)])
        b.info["energy"] = .int(-30)
        b.info["stress"] = .doubles([1, 1, 1, 0, 0, 0])
        var c = b
        c.info["energy"] = .double(.nan)
        for s in [a, b, c] { summary.add(s) }
        #expect(summary.configurations == 3 && summary.periodic == 1)
        #expect(summary.atoms == DatasetSummary.AtomCounts(total: 8, min: 2, max: 3, mean: 8.0 / 3))
        #expect(summary.species == ["Si": 2, "O": 2, "H": 4])
        #expect(summary.configTypes == ["bulk": 1, "(none)": 2])
        #expect(summary.infoKeys == ["energy": 3, "config_type": 1, "stress": 2])
        #expect(summary.arrayKeys == ["forces": 1])
        #expect(summary.energy?.key == "energy" && summary.energy?.configurations == 2 && summary.energy?.nonFinite == 1)
        #expect(summary.energy?.minPerAtom == -10 && summary.energy?.maxPerAtom == -5)
        #expect(summary.forces == DatasetSummary.KeyUse(key: "forces", configurations: 1))
        #expect(summary.stress?.configurations == 2 && summary.virial == nil)
    }
}
