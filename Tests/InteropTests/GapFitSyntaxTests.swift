import Foundation
import Interop
import TestSupport
import Testing

/// The (key, value) pairs of `text`'s top-level entries.
private func pairs(_ text: String) throws -> [String: String?] {
    let line = try GapFitCommandLine(text: text)
    return Dictionary(uniqueKeysWithValues: line.parameters.entries.map { ($0.key, $0.value) })
}

@Suite("gap_fit command-line syntax")
struct GapFitSyntaxTests {
    @Test func shellSplitGapEqualsOneString() throws {
        let split = try GapFitCommandLine(arguments: ["at_file=a.xyz", "gap={soap", "l_max=8", "n_max=8}", "gp_file=g.xml"])
        let one = try GapFitCommandLine(text: "at_file=a.xyz gap={soap l_max=8 n_max=8} gp_file=g.xml")
        #expect(split == one)
        #expect(split.descriptors.map(\.text) == ["soap l_max=8 n_max=8"])
    }

    @Test func argumentWithSpacesIsQuotedAsParamReadArgsDoes() throws {
        #expect(
            GapFitCommandLine.joined(["at_file=my data.xyz", "gap={soap l_max=8}", "a b"])
                == #"at_file="my data.xyz" gap={soap l_max=8} "a b""#)
        var line = try GapFitCommandLine(arguments: ["at_file=my data.xyz", "gap={soap cutoff=5}"])
        #expect(try line.string("at_file") == "my data.xyz")
        // A quoted gap value (one argv entry) still holds the descriptor.
        let quoted = try GapFitCommandLine(arguments: ["gap=soap cutoff=5"])
        #expect(quoted.descriptors.map(\.type) == ["soap"])
    }

    @Test func keysAreCaseInsensitive() throws {
        var line = try GapFitCommandLine(text: "AT_FILE=x.xyz Sparse_Jitter=1e-8")
        #expect(line.parameters.entries.map(\.key) == ["at_file", "sparse_jitter"])
        #expect(line.parameters.entries.map(\.spelling) == ["AT_FILE", "Sparse_Jitter"])
        #expect(try line.string("at_file") == "x.xyz")
        #expect(try line.double("SPARSE_JITTER") == 1e-8)
    }

    @Test func bareKeyIsTrueAndEmptyValueIsTrue() throws {
        var line = try GapFitCommandLine(text: "do_copy_atoms_file sparsify_only_no_fit= verbose=F other=false")
        #expect(line.parameters.entries[0].value == nil)
        #expect(try line.bool("do_copy_atoms_file") == true)
        #expect(try line.bool("sparsify_only_no_fit") == true)
        #expect(try line.bool("verbose") == false)
        #expect(try line.bool("other") == false)
        #expect(try line.bool("absent") == nil)
    }

    @Test(arguments: [
        ("T", true), ("t", true), ("True", true), ("TRUE", true), ("true", true), ("F", false),
        ("f", false), ("False", false), ("false", false)
    ])
    func booleanSpellings(word: String, value: Bool) throws {
        var line = try GapFitCommandLine(text: "flag=\(word)")
        #expect(try line.bool("flag") == value)
    }

    @Test func quotesAreRemovedAndBracesNestVerbatim() throws {
        let p = try pairs(#"a="x y" b='u v' c={p {q r} "s t"} d=pre{mid}post g={a:"}":b}"#)
        #expect(p["a"] == "x y")
        #expect(p["b"] == "u v")
        #expect(p["c"] == #"p {q r} "s t""#)
        #expect(p["d"] == "premidpost")
        #expect(p["g"] == #"a:"}":b"#)
    }

    @Test func commasSeparateAndSpacesAroundEqualsJoin() throws {
        let p = try pairs("a=1,b=2 c = 3 d =4 e={1,2}")
        #expect(p["a"] == "1")
        #expect(p["b"] == "2")
        #expect(p["c"] == "3")
        #expect(p["d"] == "4")
        #expect(p["e"] == "1,2")
    }

    @Test func valueMayHoldEquals() throws {
        var line = try GapFitCommandLine(text: "core_ip_args={IP Glue label=x} x=a=b")
        #expect(try line.string("core_ip_args") == "IP Glue label=x")
        #expect(try line.string("x") == "a=b")
    }

    @Test func descriptorsBareBracedAndNested() throws {
        let line = try GapFitCommandLine(
            text: "gap={{distance_2b cutoff=6 Z={14 6}}:{soap l_max=8 config_type_n_sparse={a:10:b:20}};angle_3b cutoff=3}")
        #expect(line.descriptors.map(\.type) == ["distance_2b", "soap", "angle_3b"])
        var twoBody = line.descriptors[0]
        #expect(try twoBody.intList("z", count: 2) == [14, 6])
        var soap = line.descriptors[1]
        #expect(try soap.string("config_type_n_sparse") == "a:10:b:20")
        #expect(line.descriptors[2].text == "angle_3b cutoff=3")
        #expect(line.unreadKeys().isEmpty)
    }

    @Test func descriptorOffsetsPointIntoTheLine() throws {
        let text = "at_file=a gap={distance_2b cutoff=x}"
        var line = try GapFitCommandLine(text: text)
        #expect(line.descriptors[0].offset == 15)
        let error = #expect(throws: GapFitSyntaxError.self) { try line.descriptors[0].double("cutoff") }
        guard case .badValue(let key, let value, _, let at) = error else {
            Issue.record("unexpected \(String(describing: error))")
            return
        }
        #expect(key == "cutoff" && value == "x")
        #expect(at.offset == 34)
        #expect(line.parameters.entries.count == 2)
    }

    @Test func numbersAsFortranReadsThem() throws {
        var line = try GapFitCommandLine(text: "a=1.0d-3 b=.5 c=5. d=+2 e=-1E2 f={ 3.0 } n=+8 m=-3")
        #expect(try line.double("a") == 1.0e-3)
        #expect(try line.double("b") == 0.5)
        #expect(try line.double("c") == 5)
        #expect(try line.double("d") == 2)
        #expect(try line.double("e") == -100)
        #expect(try line.double("f") == 3)
        #expect(try line.int("n") == 8)
        #expect(try line.int("m") == -3)
    }

    @Test func speciesValues() throws {
        var line = try GapFitCommandLine(text: "e0={Si:-158.5:C:-148.3} local_property0=2")
        #expect(
            try line.speciesValues("e0")
                == .bySpecies([
                    GapFitSpeciesValue(symbol: "Si", atomicNumber: 14, value: -158.5),
                    GapFitSpeciesValue(symbol: "C", atomicNumber: 6, value: -148.3)
                ]))
        #expect(try line.speciesValues("local_property0") == .all(2))
    }

    @Test func aliasesReadEitherSpelling() throws {
        var line = try GapFitCommandLine(text: "atoms_filename=a.xyz")
        #expect(try line.string("at_file", alias: "atoms_filename") == "a.xyz")
        #expect(line.unreadKeys().isEmpty)
    }

    @Test func configFileReplacesTheCommandLine() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-gapfit")
        let url = folder.url.appendingPathComponent("gapfit.config")
        try Data("at_file=train.xyz\ngap={soap\n  l_max=8 n_max=8}\ndefault_sigma={0.01 1.0 0.5 0.0}\n".utf8).write(to: url)
        var line = try GapFitCommandLine(arguments: ["config_file=\(url.path)"])
        #expect(line.file == url.path)
        #expect(try line.string("at_file") == "train.xyz")
        #expect(line.descriptors.map(\.text) == ["soap   l_max=8 n_max=8"])
        #expect(try line.descriptors[0].int("n_max") == 8)
    }

    @Test func xmlEntitiesAndPlainText() throws {
        let xml = "<GAP>\n  <command_line>at_file=a&amp;b.xyz gap={soap cutoff=5}</command_line>\n</GAP>"
        var line = try GapFitCommandLine(xmlContents: xml, name: "gp.xml")
        #expect(try line.string("at_file") == "a&b.xyz")
        #expect(line.descriptors.count == 1)
    }
}
