import Foundation
import TestSupport
import Testing

@testable import Interop

/// A GAP XML that SwiftGAP cannot or must not evaluate is refused with the file, line and what to do.
@Suite("GAP XML errors")
struct GapXMLErrorTests {
    /// A copy of the fixture model `model` in a fresh folder, with `edit` applied to its XML text.
    static func copy(_ model: String, edit: (String) -> String = { $0 }) throws -> (folder: URL, xml: String) {
        let source = Fixtures.url("gapxml/\(model)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gapxml-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: folder)
        let xml = folder.appendingPathComponent("gap.xml").path
        try edit(String(contentsOfFile: xml, encoding: .utf8)).write(toFile: xml, atomically: true, encoding: .utf8)
        return (folder, xml)
    }

    /// The message of reading `model` after `edit`, or "no error".
    static func message(_ model: String, edit: (String) -> String = { $0 }, files: (URL) throws -> Void = { _ in }) throws -> String
    {
        let (folder, xml) = try copy(model, edit: edit)
        defer { try? FileManager.default.removeItem(at: folder) }
        try files(folder)
        do {
            _ = try GapXML.read(path: xml)
            return "no error"
        } catch {
            return error.description
        }
    }

    /// The sparseX files of a copied model.
    static func sparseFiles(_ folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.contains(".sparseX.") }.sorted { $0.path < $1.path }
    }

    @Test func sparseFilesMissingChangedOrTruncated() throws {
        let missing = try Self.message(
            "soap_2b_si", files: { folder in try FileManager.default.removeItem(at: Self.sparseFiles(folder)[0]) })
        #expect(missing.contains("does not exist") && missing.contains("gap.xml.sparseX."), "\(missing)")
        let changed = try Self.message(
            "soap_2b_si",
            files: { folder in
                let f = try Self.sparseFiles(folder)[0]
                let text = try String(contentsOf: f, encoding: .utf8)
                try text.replacingOccurrences(of: "1", with: "2").write(to: f, atomically: true, encoding: .utf8)
            })
        #expect(changed.contains("MD5 sum") && changed.contains("but the XML records"), "\(changed)")
        let truncated = try Self.message(
            "soap_2b_si",
            edit: { $0.replacingOccurrences(of: #"sparseX_md5sum="[0-9a-f]*""#, with: "", options: .regularExpression) },
            files: { folder in
                let f = try Self.sparseFiles(folder)[1]
                let lines = try String(contentsOf: f, encoding: .utf8).split(separator: "\n")
                try lines.dropLast(3).joined(separator: "\n").write(to: f, atomically: true, encoding: .utf8)
            })
        #expect(truncated.contains("it is truncated"), "\(truncated)")
        let notNumbers = try Self.message(
            "soap_2b_si",
            edit: { $0.replacingOccurrences(of: #"sparseX_md5sum="[0-9a-f]*""#, with: "", options: .regularExpression) },
            files: { folder in
                let f = try Self.sparseFiles(folder)[0]
                try "1.0\nabc\n".write(to: f, atomically: true, encoding: .utf8)
            })
        #expect(notNumbers.contains("line 2: 'abc' is not a finite number"), "\(notNumbers)")
        let path = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "sparseX_filename=\"gap.xml", with: "sparseX_filename=\"/etc/gap.xml")
        }
        #expect(path.contains("must be a file name beside the XML"), "\(path)")
    }

    @Test func unsupportedModelsAreNamed() throws {
        let covariance = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "covariance_type=\"1\"", with: "covariance_type=\"4\"")
        }
        #expect(covariance.contains("covariance_type=4 (pp (piecewise polynomial)) is not supported"), "\(covariance)")
        let turbo = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "<descriptor> soap ", with: "<descriptor> soap_turbo ")
        }
        #expect(turbo.contains("the soap_turbo descriptor is not supported"), "\(turbo)")
        let glue = try Self.message("zbl_2b_si") {
            $0.replacingOccurrences(of: "IP ZBL cutoff=2.2 cutoff_width=0.6", with: "IP Glue")
        }
        #expect(glue.contains("the core potential 'IP Glue'") && glue.contains("IP ZBL"), "\(glue)")
        let old = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: #"gap_version="\d+""#, with: "gap_version=\"1400000000\"", options: .regularExpression)
        }
        #expect(old.contains("gap_version 1400000000") && old.contains("√(2l+1)"), "\(old)")
        let key = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "<descriptor> soap ", with: "<descriptor> soap diagonal_radial=T ")
        }
        #expect(key.contains("diagonal_radial=T is not supported"), "\(key)")
        let unknown = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "<descriptor> soap ", with: "<descriptor> soap frobnicate=2 ")
        }
        #expect(unknown.contains("frobnicate"), "\(unknown)")
        let scaled = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "init_args=\"IP GAP label=", with: "init_args=\"IP GAP E_scale=2 label=")
        }
        #expect(scaled.contains("E_scale=2.0 is not supported"), "\(scaled)")
    }

    @Test func brokenStructureIsNamedWithTheLine() throws {
        let count = try Self.message("soap_2b_si") { $0.replacingOccurrences(of: "n_coordinate=\"2\"", with: "n_coordinate=\"3\"") }
        #expect(count.contains("n_coordinate of <gpSparse> is '3'"), "\(count)")
        let alpha = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "<sparseX i=\"1\" alpha=\"", with: "<sparseX i=\"1\" alpha=\"x")
        }
        #expect(alpha.contains("alpha of <sparseX> is 'x"), "\(alpha)")
        let label = try Self.message("soap_2b_si") {
            $0.replacingOccurrences(of: "init_args=\"IP GAP label=GAP", with: "init_args=\"IP GAP label=NOT")
        }
        #expect(label.contains("the <GAP_params label=\"NOT"), "\(label)")
        #expect(throws: GapXMLError.unreadable(file: "/nonexistent/gap.xml", reason: "no such file")) {
            try GapXML.read(path: "/nonexistent/gap.xml")
        }
    }
}
