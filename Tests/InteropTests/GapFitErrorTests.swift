import Foundation
import Interop
import TestSupport
import Testing

/// The error parsing `text` throws.
private func failure(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> GapFitSyntaxError? {
    #expect(throws: GapFitSyntaxError.self, sourceLocation: sourceLocation) { try GapFitCommandLine(text: text) }
}

/// The error `read` throws on the command line `text`.
private func readFailure(
    _ text: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ read: (inout GapFitCommandLine) throws(GapFitSyntaxError) -> Void
) throws -> GapFitSyntaxError? {
    var line = try GapFitCommandLine(text: text)
    return #expect(throws: GapFitSyntaxError.self, sourceLocation: sourceLocation) { try read(&line) }
}

/// Asserts the error's message contains each of `parts`.
private func expectMessage(
    _ error: GapFitSyntaxError?, _ parts: String..., sourceLocation: SourceLocation = #_sourceLocation
) {
    let message = error?.description ?? "no error"
    for part in parts { #expect(message.contains(part), "\(message)", sourceLocation: sourceLocation) }
}

@Suite("gap_fit command-line errors say where and what to do")
struct GapFitErrorTests {
    @Test func unclosedBraceWithCaret() {
        let error = failure("gap={soap l_max=8")
        #expect(
            error?.description
                == "command line, character 5: '{' is never closed; add the matching '}'\n  gap={soap l_max=8\n      ^")
    }

    @Test func unclosedQuotes() {
        expectMessage(failure(#"at_file="a.xyz gp_file=b"#), "character 9: '\"' is never closed")
        expectMessage(failure("at_file='a.xyz"), "character 9: ''' is never closed")
        // As in gap_fit, a quote of the other kind opens a nested quote: the apostrophe is never closed.
        expectMessage(failure(#"at_file="Bob's.xyz""#), "character 13: ''' is never closed")
        expectMessage(failure(#"e="{""#), "character 4: '{' is never closed")
        // The innermost unclosed opening is named.
        expectMessage(failure("gap={soap Z={14 6 cutoff=5}"), "character 5: '{' is never closed")
        expectMessage(failure("gap={soap \"x} cutoff=5"), "character 11: '\"' is never closed")
    }

    @Test func unmatchedClosingBrace() {
        let error = failure("gap={soap}} gp_file=x")
        #expect(
            error?.description
                == "command line, character 11: '}' closes nothing; remove it or add the '{' it should close\n"
                + "  gap={soap}} gp_file=x\n            ^")
    }

    @Test func valueWithoutKey() {
        let error = failure("=5 at_file=x")
        guard case .missingKey(let at) = error else {
            Issue.record("expected missingKey, got \(String(describing: error))")
            return
        }
        #expect(at.offset == 0 && at.line == 1 && at.column == 1)
        expectMessage(error, "character 1: '=' with no key before it")
        expectMessage(failure(#"at_file=x ""=5"#), "character 11: '=' with no key")
        expectMessage(failure("gap={=5 soap}"), "character 6: '=' with no key")
        // As in gap_fit, spaces before '=' join it to the key before: this descriptor starts with soap=5.
        expectMessage(failure("gap={soap =5}"), "starts with 'soap=5', not its type")
    }

    @Test func duplicateKeyNamesBothPlaces() {
        let error = failure("a=1 b=2 A=3")
        #expect(
            error?.description
                == "command line, character 9: 'A' is given twice (first at command line, character 1); keep one\n"
                + "  a=1 b=2 A=3\n          ^")
        expectMessage(
            failure("gap={soap cutoff=5 CUTOFF=6}"), "character 20: 'CUTOFF' is given twice (first at command line, character 11)")
    }

    @Test func conflictingAliases() throws {
        let error = try readFailure("at_file=a.xyz atoms_filename=b.xyz") { line throws(GapFitSyntaxError) in
            _ = try line.string("atoms_filename", alias: "at_file")
        }
        expectMessage(error, "character 15: 'atoms_filename' and 'at_file' (at command line, character 1) are the same setting")
    }

    @Test func emptyDescriptors() {
        expectMessage(failure("gap={}"), "character 5: descriptor 1 in gap={…} is empty")
        expectMessage(failure("gap"), "descriptor 1 in gap={…} is empty")
        expectMessage(failure("gap={soap cutoff=5}:{}"), "character 20: descriptor 2 in gap={…} is empty")
        expectMessage(failure("gap={{soap}::{distance_2b}}"), "character 12: descriptor 2 in gap={…} is empty")
        expectMessage(failure("gap={{soap}: }"), "descriptor 2 in gap={…} is empty")
    }

    @Test func descriptorWithoutType() {
        expectMessage(
            failure("gap={cutoff=5 soap}"), "character 6: descriptor 1 in gap={…} starts with 'cutoff=5', not its type")
    }

    @Test func badValues() throws {
        expectMessage(
            try readFailure("n=8.0") { line throws(GapFitSyntaxError) in _ = try line.int("n") },
            "character 3: n=8.0 is not valid: expected one integer")
        expectMessage(
            try readFailure("cutoff=5a") { line throws(GapFitSyntaxError) in _ = try line.double("cutoff") },
            "cutoff=5a is not valid: expected one number")
        expectMessage(
            try readFailure("cutoff={5 6}") { line throws(GapFitSyntaxError) in _ = try line.double("cutoff") },
            "expected one number")
        expectMessage(
            try readFailure("cutoff") { line throws(GapFitSyntaxError) in _ = try line.double("cutoff") },
            "character 1: cutoff= is not valid: expected one number")
        expectMessage(
            try readFailure("x=1e999") { line throws(GapFitSyntaxError) in _ = try line.double("x") }, "expected one number")
        expectMessage(
            try readFailure("flag=1") { line throws(GapFitSyntaxError) in _ = try line.bool("flag") },
            "flag=1 is not valid: expected T or F (also true, false; not 1 or 0)")
        expectMessage(
            try readFailure("at_file") { line throws(GapFitSyntaxError) in _ = try line.string("at_file") },
            "expected a value: write at_file=…")
        expectMessage(
            try readFailure("default_sigma={0.01 1.0 0.5}") { line throws(GapFitSyntaxError) in _ = try line.sigmas() },
            "default_sigma=0.01 1.0 0.5 is not valid: expected 4 numbers separated by spaces")
        expectMessage(
            try readFailure("default_sigma={0.01 1.0 x 0}") { line throws(GapFitSyntaxError) in _ = try line.sigmas() },
            "expected 4 numbers")
    }

    @Test func badConfigTypeSigmas() throws {
        expectMessage(
            try readFailure("config_type_sigma={liq:0.003:0.15:0.2:0.0:amorph:0.01}") { line throws(GapFitSyntaxError) in
                _ = try line.configTypeSigmas()
            }, "expected groups of a config_type and 4 numbers")
        expectMessage(
            try readFailure("config_type_sigma={liq:0.003:x:0.2:0.0}") { line throws(GapFitSyntaxError) in
                _ = try line.configTypeSigmas()
            }, "character 30: config_type_sigma=liq:0.003:x:0.2:0.0 is not valid")
        expectMessage(
            try readFailure("config_type_sigma={a:1:1:1:1:a:2:2:2:2}") { line throws(GapFitSyntaxError) in
                _ = try line.configTypeSigmas()
            }, "each config_type once ('a' is given twice)")
    }

    @Test func badSpeciesValues() throws {
        expectMessage(
            try readFailure("e0={Xx:-1.0}") { line throws(GapFitSyntaxError) in _ = try line.speciesValues("e0") },
            "character 5: e0=Xx:-1.0 is not valid: expected an element symbol, not 'Xx'")
        expectMessage(
            try readFailure("e0={Si:-1.0:C}") { line throws(GapFitSyntaxError) in _ = try line.speciesValues("e0") },
            "expected one number, or element:number pairs")
        expectMessage(
            try readFailure("e0={Si:-1:Si:-2}") { line throws(GapFitSyntaxError) in _ = try line.speciesValues("e0") },
            "each element once ('Si' is given twice)")
    }

    @Test func unsupportedKeyWithAndWithoutHint() throws {
        var line = try GapFitCommandLine(text: "at_file=a.xyz sparse_method=kmeans")
        _ = try line.string("at_file")
        #expect(line.unreadKeys() == ["sparse_method"])
        let hinted = #expect(throws: GapFitSyntaxError.self) {
            try line.rejectUnread(hints: ["sparse_method": "use sparse_method inside gap={…} instead"])
        }
        #expect(
            hinted?.description
                == "command line, character 15: 'sparse_method' is not supported; use sparse_method inside gap={…} "
                + "instead\n  at_file=a.xyz sparse_method=kmeans\n                ^")
        expectMessage(#expect(throws: GapFitSyntaxError.self) { try line.rejectUnread() }, "is not supported; remove it")
    }

    @Test func pathologicalNestingIsAnErrorNotACrash() {
        let deep = "gap=" + String(repeating: "{", count: 10_000) + String(repeating: "}", count: 10_000)
        expectMessage(failure(deep), "nested more than 32 deep")
    }

    @Test func hugeInputIsRefused() {
        let huge = "a=" + String(repeating: "x", count: GapFitCommandLine.maximumLength)
        #expect(failure(huge) == .tooLong(source: "command line", length: huge.count, limit: GapFitCommandLine.maximumLength))
    }

    /// Thousands of keys, each read by an accessor that fails: every error costs a binary search, not a scan of
    /// the line (the fuzzer found the scan quadratic).
    @Test func manyKeysWithErrorsStayLinear() throws {
        var line = try GapFitCommandLine(text: (0..<2000).map { "k\($0)={a b}" }.joined(separator: " "))
        for entry in line.parameters.entries {
            let error = #expect(throws: GapFitSyntaxError.self) { try line.double(entry.key) }
            #expect(error.map { "\($0)" }?.contains("character \(entry.valueOffset + 1):") == true)
        }
        #expect(line.unreadKeys().isEmpty)
    }

    @Test func configFileErrors() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-gapfit")
        let url = folder.url.appendingPathComponent("gapfit.config")
        try Data("at_file=train.xyz\ngap={soap\n  l_max=8 n_max=8\n".utf8).write(to: url)
        let unclosed = #expect(throws: GapFitSyntaxError.self) { try GapFitCommandLine(arguments: ["config_file=\(url.path)"]) }
        expectMessage(unclosed, "\(url.path):2:5: '{' is never closed", "  gap={soap\n      ^")

        try Data("at_file=a\n config_file=b\n".utf8).write(to: url)
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) { try GapFitCommandLine(arguments: ["config_file=\(url.path)"]) },
            "\(url.path):2:2: config_file= inside a config file")
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) {
                try GapFitCommandLine(arguments: ["config_file=\(url.path)", "verbosity=NERD"])
            },
            "character \(url.path.count + 14): config_file= replaces the whole command line in gap_fit, so verbosity would be ignored"
        )
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) {
                try GapFitCommandLine(arguments: ["config_file=/nonexistent/gapfit.config"])
            }, "config_file=/nonexistent/gapfit.config cannot be read")
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) { try GapFitCommandLine(arguments: ["config_file="]) },
            "config_file= is not valid: expected a file name")
    }

    @Test func xmlErrors() {
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) { try GapFitCommandLine(xmlContents: "<GAP></GAP>", name: "gp.xml") },
            "gp.xml: no <command_line> element")
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) {
                try GapFitCommandLine(xmlContents: "<x>\n<command_line><![CDATA[ a=1</command_line>", name: "gp.xml")
            }, "gp.xml:2:15: '<![CDATA[' is never closed; add the matching ']]>'")
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) {
                try GapFitCommandLine(xmlContents: "<x>\n<command_line>a=1", name: "gp.xml")
            }, "gp.xml:2:15: '<command_line>' is never closed; add the matching '</command_line>'")
        expectMessage(
            #expect(throws: GapFitSyntaxError.self) {
                try GapFitCommandLine(xmlContents: "<x>\n <command_line><![CDATA[ gap={soap ]]></command_line>", name: "gp.xml")
            }, "gp.xml:2:30: '{' is never closed")
    }
}
