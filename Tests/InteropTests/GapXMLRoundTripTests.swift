import Atoms
import Classical
import Foundation
import GAP
import Support
import TestSupport
import Testing

@testable import Interop

/// SwiftGAP → GAP XML → SwiftGAP gives the same potential; what GAP XML cannot hold is refused before writing.
@Suite("GAP XML export and round trips")
struct GapXMLRoundTripTests {
    static func workspace() throws -> TemporaryFolder { try TemporaryFolder(prefix: "swiftgap-gapxml-rt") }

    /// A rattled cell of the elements `numbers` (zincblende-like positions).
    static func cell(_ numbers: [Int]) -> Structure {
        var rng = SeededGenerator(seed: 3)
        let a = 4.4
        let base: [SIMD3<Double>] = [
            SIMD3(0, 0, 0), SIMD3(0, 0.5, 0.5), SIMD3(0.5, 0, 0.5), SIMD3(0.5, 0.5, 0), SIMD3(0.25, 0.25, 0.25),
            SIMD3(0.25, 0.75, 0.75), SIMD3(0.75, 0.25, 0.75), SIMD3(0.75, 0.75, 0.25)
        ]
        let positions = base.map {
            $0 * a + SIMD3(Double.random(in: -0.1...0.1, using: &rng), Double.random(in: -0.1...0.1, using: &rng), 0.05)
        }
        return Structure(
            atomicNumbers: numbers, positions: positions, cell: Cell(SIMD3(a, 0, 0), SIMD3(0, a, 0), SIMD3(0, 0, a)),
            pbc: Periodicity(true, true, true))
    }

    /// Export then import: energies, forces and virials equal to 1e-12 (the numbers are written exactly).
    @Test(arguments: ["sic", "sic_old_version", "zbl_2b_si", "soap_si_inline"])
    func exportThenImportPredictsTheSame(_ model: String) throws {
        let folder = try Self.workspace()
        let original = try GapXML.read(path: Fixtures.url("gapxml/\(model)/gap.xml").path)
        let path = folder.path("out.xml")
        try GapXMLWriter.write(original.potential, to: path, fit: original.fitRecord)
        let back = try GapXML.read(path: path)
        #expect(back.gapVersion == GapXMLWriter.gapVersion && back.fitRecord == original.fitRecord)
        #expect(back.potential.soap == original.potential.soap && back.potential.terms == original.potential.terms)
        #expect(back.potential.e0 == original.potential.e0 && back.potential.core == original.potential.core)
        let numbers = model.hasPrefix("sic") ? [14, 14, 14, 14, 6, 6, 6, 6] : [Int](repeating: 14, count: 8)
        let s = Self.cell(numbers)
        let (a, b) = (try original.potential.calculate(s), try back.potential.calculate(s))
        #expect(abs(a.energy - b.energy) <= 1e-12 * max(1, abs(a.energy)))
        #expect(zip(a.forces, b.forces).allSatisfy { (($0 - $1) * ($0 - $1)).sum() <= 1e-24 })
        // Through SwiftGAP's own format (a model of every element, `soap_si_inline`, included).
        let gapPath = folder.path("out.gap")
        try back.potential.write(to: gapPath, fit: back.fitRecord, codeVersion: "test")
        let (fromGap, metadata) = try GAPPotential.load(path: gapPath)
        #expect(fromGap.soap == original.potential.soap && fromGap.terms == original.potential.terms)
        #expect(fromGap.e0 == original.potential.e0 && metadata.fit == original.fitRecord)
        // The same model gives the same files.
        let again = folder.path("again.xml")
        try GapXMLWriter.write(back.potential, to: again, fit: back.fitRecord)
        #expect(try GapXML.read(path: again).label == back.label)
    }

    @Test func coresQUIPLacksAreRefusedBeforeWriting() throws {
        let folder = try Self.workspace()
        let model = try GapXML.read(path: Fixtures.url("gapxml/zbl_2b_si/gap.xml").path)
        let lammps = try GAPPotential(
            soap: nil, terms: model.potential.terms, core: .zbl(try ZBLPotential(inner: 1.5, outer: 2.0)), e0: model.potential.e0,
            variance: nil)
        let path = folder.path("x.xml")
        #expect(throws: GapXMLError.self) { try GapXMLWriter.write(lammps, to: path, fit: nil) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
        do {
            try GapXMLWriter.checkExportable(core: lammps.core)
            Issue.record("a LAMMPS-switched ZBL core was accepted")
        } catch {
            #expect(error.description.contains("pair_zbl"))
        }
    }
}
