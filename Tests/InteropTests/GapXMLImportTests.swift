import Atoms
import Foundation
import GAP
import TestSupport
import Testing

@testable import Interop

/// GAP XML files written by QUIP's gap_fit (`scripts/fixtures/make_gap_xml_fixtures.py`), read by SwiftGAP,
/// predict quippy's energies, forces, virials and local energies on the same configurations.
@Suite("GAP XML import against quippy")
struct GapXMLImportTests {
    struct Reference: Decodable {
        let configurations: [PredictedConfiguration]
    }

    static func folder(_ model: String) -> String { Fixtures.url("gapxml/\(model)").path }

    /// Largest differences against quippy: energy per atom, force component, virial component, local energy.
    static func compare(_ gap: GAPPotential, _ reference: Reference) throws -> (e: Double, f: Double, w: Double, local: Double) {
        var worst = (e: 0.0, f: 0.0, w: 0.0, local: 0.0)
        for c in reference.configurations {
            let s = c.structure
            let r = try gap.calculate(s)
            worst.e = max(worst.e, abs(r.energy - c.energy) / Double(s.count))
            for (f, g) in zip(r.forces, c.forces) {
                worst.f = max(worst.f, abs(f.x - g[0]), abs(f.y - g[1]), abs(f.z - g[2]))
            }
            for i in 0..<3 { for j in 0..<3 { worst.w = max(worst.w, abs(r.virial[i, j] - c.virial[i][j])) } }
            if let local = c.local_energies, let mine = r.atomEnergies {
                worst.local = max(worst.local, zip(local, mine).map { abs($0 - $1) }.max() ?? 0)
            }
        }
        return worst
    }

    @Test(arguments: ["soap_si_inline", "soap_2b_si", "sic", "sic_old_version", "zbl_2b_si"])
    func predictionsEqualQuippy(_ model: String) throws {
        let xml = try GapXML.read(path: Self.folder(model) + "/gap.xml")
        var gap = xml.potential
        gap.threads = 2
        let reference = try Fixtures.load(Reference.self, "gapxml/\(model)/reference.json")
        let worst = try Self.compare(gap, reference)
        print("GAP XML \(model) against quippy: max |ΔE|/atom \(worst.e) eV, |ΔF| \(worst.f) eV/Å, |ΔW| \(worst.w) eV")
        #expect(worst.e < 1e-8, "\(model): max |ΔE|/atom \(worst.e) eV")
        #expect(worst.f < 1e-7, "\(model): max |ΔF| \(worst.f) eV/Å")
        #expect(worst.w < 1e-7, "\(model): max |ΔW| \(worst.w) eV")
        #expect(worst.local < 1e-7, "\(model): max |Δe_i| \(worst.local) eV")
    }

    @Test func readsWhatTheFileSays() throws {
        let sic = try GapXML.read(path: Self.folder("sic") + "/gap.xml")
        #expect(sic.coordinates == 11)
        #expect(sic.potential.terms.count == 9)
        #expect(sic.potential.soap?.models.keys.sorted() == [6, 14])
        #expect(sic.potential.soap?.settings.speciesZ == [14, 6])
        #expect(sic.potential.soap?.settings.centralReferenceAllSpecies == false)
        #expect(sic.potential.elements == [6, 14])
        #expect(sic.gapVersion == 1_769_700_636)
        #expect(sic.commandLine?.contains("add_species=T") == true)
        let old = try GapXML.read(path: Self.folder("sic_old_version") + "/gap.xml")
        #expect(old.potential.soap?.settings.centralReferenceAllSpecies == true)
        let zbl = try GapXML.read(path: Self.folder("zbl_2b_si") + "/gap.xml")
        guard case let .zbl(core)? = zbl.potential.core else {
            Issue.record("the Sum potential's ZBL core was not read")
            return
        }
        #expect(core.switching == .quip(cutoff: 2.2, width: 0.6))
    }

    /// A SOAP term without Z and species_Z (QUIP's defaults, 0: every element) has one sparse set for every
    /// element, and the model knows every element with an e0; on silicon it is the Si model.
    @Test func aModelNamingNoElementTakesEveryElement() throws {
        let copy = try GapXMLErrorTests.copy("soap_si_inline") {
            $0.replacingOccurrences(of: " n_species=1 Z=14 species_Z={14 }", with: "")
        }
        let any = try GapXML.read(path: copy.xml)
        #expect(any.potential.soap?.models.keys.sorted() == [0] && any.potential.soap?.settings.speciesZ == [])
        #expect(any.potential.elements.contains(14) && any.potential.elements.count > 100)
        let worst = try Self.compare(any.potential, Fixtures.load(Reference.self, "gapxml/soap_si_inline/reference.json"))
        #expect(worst.e < 1e-8 && worst.f < 1e-7 && worst.w < 1e-7, "\(worst)")
    }

    /// QUIP's own regression model (`quip-regression/GAP.xml`, water, three distance_2b terms), read from the
    /// shared datasets: not committed here.
    @Test func quipWaterModel() throws {
        let root = ProcessInfo.processInfo.environment["SWIFTGAP_DATASETS"] ?? "/work/shared/datasets"
        let path = root + "/quip-regression/GAP.xml"
        guard FileManager.default.fileExists(atPath: path) else {
            print("skipped: \(path) not found (set SWIFTGAP_DATASETS to the shared datasets)")
            return
        }
        let xml = try GapXML.read(path: path)
        #expect(xml.potential.elements == [1, 8])
        #expect(xml.potential.e0 == [1: 3.21, 8: 4.6])
        let reference = try Fixtures.load(Reference.self, "gapxml/quip_water.json")
        let worst = try Self.compare(xml.potential, reference)
        print("GAP XML quip_water against quippy: max |ΔE|/atom \(worst.e) eV, |ΔF| \(worst.f) eV/Å, |ΔW| \(worst.w) eV")
        #expect(worst.e < 1e-8 && worst.f < 1e-7 && worst.w < 1e-7, "water: \(worst)")
    }
}
