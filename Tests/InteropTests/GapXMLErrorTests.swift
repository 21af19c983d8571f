import Foundation
import TestSupport
import Testing

@testable import Interop

/// A GAP XML that SwiftGAP cannot or must not evaluate is refused with the file, line and what to do.
@Suite("GAP XML errors")
struct GapXMLErrorTests {
    /// A copy of the fixture model `model` in a fresh folder, with `edit` applied to its XML text (the folder and
    /// everything in it go when the folder is released: keep it while the copy is used).
    static func copy(_ model: String, edit: (String) -> String = { $0 }) throws -> (folder: TemporaryFolder, xml: String) {
        let source = Fixtures.url("gapxml/\(model)")
        let folder = try TemporaryFolder(prefix: "swiftgap-gapxml")
        for item in try FileManager.default.contentsOfDirectory(at: source, includingPropertiesForKeys: nil) {
            try FileManager.default.copyItem(at: item, to: folder.url.appendingPathComponent(item.lastPathComponent))
        }
        let xml = folder.path("gap.xml")
        try edit(String(contentsOfFile: xml, encoding: .utf8)).write(toFile: xml, atomically: true, encoding: .utf8)
        return (folder, xml)
    }

    /// The message of reading `model` after `edit`, or "no error".
    static func message(_ model: String, edit: (String) -> String = { $0 }, files: (URL) throws -> Void = { _ in }) throws -> String
    {
        let (folder, xml) = try copy(model, edit: edit)
        try files(folder.url)
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
    }

    /// One edit of a fixture's XML and a piece of the message it must give.
    struct Edit: Sendable, CustomTestStringConvertible {
        let model: String
        let find: String
        let replace: String
        let expected: String
        var regex = false
        var testDescription: String { expected }
    }

    static let edits: [Edit] = [
        Edit(
            model: "soap_2b_si", find: "covariance_type=\"1\"", replace: "covariance_type=\"4\"",
            expected: "covariance_type=4 (pp (piecewise polynomial)) is not supported"),
        Edit(
            model: "soap_2b_si", find: "<descriptor> soap ", replace: "<descriptor> soap_turbo ",
            expected: "the soap_turbo descriptor is not supported"),
        Edit(
            model: "zbl_2b_si", find: "IP ZBL cutoff=2.2 cutoff_width=0.6", replace: "IP Glue",
            expected: "the core potential 'IP Glue' is not supported by SwiftGAP; SwiftGAP's GAP XML cores are QUIP's IP ZBL"),
        Edit(
            model: "soap_2b_si", find: #"gap_version="\d+""#, replace: "gap_version=\"1400000000\"",
            expected: "gap_version 1400000000 (SOAP without the √(2l+1) normalisation", regex: true),
        Edit(
            model: "soap_2b_si", find: "<descriptor> soap ", replace: "<descriptor> soap diagonal_radial=T ",
            expected: "diagonal_radial=T is not supported"),
        Edit(model: "soap_2b_si", find: "<descriptor> soap ", replace: "<descriptor> soap frobnicate=2 ", expected: "frobnicate"),
        Edit(
            model: "soap_2b_si", find: "init_args=\"IP GAP label=", replace: "init_args=\"IP GAP E_scale=2 label=",
            expected: "E_scale=2.0 is not supported"),
        Edit(
            model: "soap_2b_si", find: "n_coordinate=\"2\"", replace: "n_coordinate=\"3\"",
            expected: "n_coordinate of <gpSparse> is '3'"),
        Edit(
            model: "soap_2b_si", find: "<sparseX i=\"1\" alpha=\"", replace: "<sparseX i=\"1\" alpha=\"x",
            expected: "alpha of <sparseX> is 'x"),
        Edit(
            model: "soap_2b_si", find: "init_args=\"IP GAP label=GAP", replace: "init_args=\"IP GAP label=NOT",
            expected: "the <GAP_params label=\"NOT"),
        Edit(
            model: "soap_2b_si", find: "sparseX_filename=\"gap.xml", replace: "sparseX_filename=\"/etc/gap.xml",
            expected: "must be a file name beside the XML"),
        // Sparse points that do not fit the settings are refused before the radial basis of n_max 32, l_max 20 (which
        // does not reach the accuracy asked for) is tabulated.
        Edit(
            model: "soap_2b_si", find: "n_max=4 l_max=3", replace: "n_max=32 l_max=20",
            expected: "entries, but the descriptor settings give 11089")
    ]

    @Test(arguments: edits)
    func unsupportedOrBrokenModelsAreNamed(_ edit: Edit) throws {
        let message = try Self.message(edit.model) {
            $0.replacingOccurrences(of: edit.find, with: edit.replace, options: edit.regex ? .regularExpression : [])
        }
        #expect(message.contains(edit.expected) && message.contains("gap.xml:"), "\(message)")
    }

    @Test func missingFile() {
        #expect(throws: GapXMLError.unreadable(file: "/nonexistent/gap.xml", reason: "no such file")) {
            try GapXML.read(path: "/nonexistent/gap.xml")
        }
    }
}
