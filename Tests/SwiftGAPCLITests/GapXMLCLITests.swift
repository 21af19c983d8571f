import Atoms
import Foundation
import TestSupport
import Testing

/// A gap_fit fixture's quippy references (see `Tests/InteropTests/Fixtures/gapxml/README.md`).
private struct QuippyReference: Decodable {
    let configurations: [PredictedConfiguration]
}

/// The folder of a committed gap_fit GAP XML fixture (`Tests/InteropTests/Fixtures/gapxml/NAME`).
private func gapXMLFixture(_ name: String, testFile: String = #filePath) -> URL {
    URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InteropTests/Fixtures/gapxml/\(name)")
}

@Suite("swiftgap on GAP XML potentials")
struct GapXMLCLITests {
    /// `md --potential gap.xml` on gap_fit's 2b + SOAP fixture: a few steps run, and the first frame's energy
    /// and forces are quippy's on the same file (1e-8 eV/atom, 1e-7 eV/Å).
    @Test func mdRunsAGapFitXML() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        let fixture = gapXMLFixture("soap_2b_si")
        let reference = try JSONDecoder().decode(
            QuippyReference.self, from: Data(contentsOf: fixture.appendingPathComponent("reference.json")))
        let start = try #require(reference.configurations.first { $0.name == "rattled_Si8_cell" })
        try ExtXYZWriter.write([start.structure], to: folder.path("start.xyz"))

        let md = try swiftgap([
            "md", folder.path("start.xyz"), "--potential", fixture.appendingPathComponent("gap.xml").path, "--steps", "10",
            "--dt", "1", "--temperature", "300", "--trajectory", folder.path("md.xyz"), "--every", "5", "--metrics",
            folder.path("md.json"),
            "--threads", "1"
        ])
        #expect(md.status == 0, "\(md.stderr)")
        let metrics = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("md.json")))) as? [String: Any]
        )
        #expect(metrics["steps"] as? Int == 10 && metrics["drift_mev_per_atom_per_ps"] is Double, "\(metrics)")
        let frames = try ExtXYZReader.read(path: folder.path("md.xyz"))
        #expect(frames.map { $0.info["step"] } == [.int(0), .int(5), .int(10)])
        let first = try #require(frames.first)
        let energy = try #require(first.info["energy"]?.doubleValue)
        let forces = try #require(first.arrays["forces"]?.vectors)
        #expect(abs(energy - start.energy) / Double(start.numbers.count) < 1e-8, "E \(energy) quippy \(start.energy)")
        #expect(forces.count == start.forces.count)
        for (f, q) in zip(forces, start.forces.map(vector)) {
            #expect(((f - q) * (f - q)).sum().squareRoot() < 1e-7, "F \(f) quippy \(q)")
        }
    }
}
