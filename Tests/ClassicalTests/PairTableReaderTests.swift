import Atoms
import Classical
import Foundation
import TestSupport
import Testing

/// A valid two-section file; line numbers are referred to by the error tests.
private let valid = """
    # DATE: 2026-01-01  UNITS: metal                          line 1
    # two sections                                            line 2

    SISI  Si-Si repulsion
    N 4

    1 1.0 2.0 3.0
    2 1.5 0.5 1.0
    3 2.0 0.1 0.2
    4 2.5 0.0 0.0

    SIC
    N 3 R 1.0 2.0 FP 0 0
    1 1.1 1.0 2.0   # listed r values are replaced by R's grid
    2 1.4 0.2 0.5
    3 2.1 0.0 0.0
    """

/// `valid` with line `line` (1-based) replaced by `text`.
private func replacing(line: Int, with text: String) -> String {
    var lines = valid.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines[line - 1] = text
    return lines.joined(separator: "\n")
}

private func readError(_ text: String, mapping: String = "Si-Si:SISI,Si-C:SIC") -> PairTableError? {
    do {
        _ = try TabulatedPairPotential(
            bytes: Array(text.utf8), file: "bad.table", mapping: PairTableMapping(parsing: mapping))
        return nil
    } catch {
        return error
    }
}

@Suite("Pair-table reader")
struct PairTableReaderTests {
    @Test func readsSectionsCommentsAndSpacings() throws {
        let sections = try PairTableReader.sections(text: valid, file: "valid.table")
        #expect(sections.map(\.keyword) == ["SISI", "SIC"])
        #expect(sections[0].distances == [1.0, 1.5, 2.0, 2.5])
        #expect(sections[0].energies == [2.0, 0.5, 0.1, 0.0])
        #expect(sections[0].forces == [3.0, 1.0, 0.2, 0.0])
        #expect(sections[1].distances == [1.0, 1.5, 2.0])
        let rsq = try PairTableReader.sections(
            text: "A\nN 3 RSQ 1 3\n\n1 0 1 0\n2 0 1 0\n3 0 0 0\n", file: "rsq.table")
        #expect(rsq[0].distances == [1, 5.0.squareRoot(), 3])
        // Windows line ends and tabs.
        let crlf = try PairTableReader.sections(text: valid.replacingOccurrences(of: "\n", with: "\r\n"), file: "crlf")
        #expect(crlf == sections)
        let tabs = try PairTableReader.sections(text: valid.replacingOccurrences(of: " ", with: "\t"), file: "tabs")
        #expect(tabs == sections)
    }

    @Test func readsAFileFromDisk() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-pairtable")
        let path = folder.path("pair.table")
        try valid.write(toFile: path, atomically: true, encoding: .utf8)
        let potential = try TabulatedPairPotential(path: path, mapping: PairTableMapping(parsing: "Si-Si:SISI,Si-C:SIC"))
        #expect(potential.sections.map(\.keyword) == ["SIC", "SISI"])
        #expect(potential.cutoff == 2.5)
        #expect(throws: PairTableError.self) {
            try TabulatedPairPotential(path: path + ".missing", mapping: PairTableMapping(parsing: "Si-Si:SISI"))
        }
    }

    @Test(arguments: [
        // (line replaced, new text, line named in the error, words the message must hold)
        (5, "N 2000000", 5, ["N = 2000000", "1000000"]),
        (5, "N 40", 5, ["N = 40", "ends after 9"]),
        (5, "N many", 5, ["N 'many'"]),
        (5, "N 1", 5, ["N = 1"]),
        (5, "R 1 2", 5, ["no N"]),
        (5, "N 4 BITMAP 1 2", 5, ["BITMAP"]),
        (5, "N 4 Q 1", 5, ["'Q' is not a table parameter"]),
        (5, "N 4 R 2 1", 5, ["R 2.0 1.0"]),
        (5, "N 4 R 1", 5, ["R needs 2 values"]),
        (5, "N 4 N 4", 5, ["N is given twice"]),
        (8, "2 1.5 nan 1.0", 8, ["energy 'nan'"]),
        (8, "2 inf 0.5 1.0", 8, ["distance r 'inf'"]),
        (8, "2 1.5 0.5 1e999", 8, ["force '1e999'"]),
        (8, "2 1.5 0.5", 8, ["3 columns"]),
        (8, "2 1.5 0.5 1.0 7", 8, ["5 columns"]),
        (8, "two 1.5 0.5 1.0", 8, ["index 'two'"]),
        (8, "2 0.9 0.5 1.0", 8, ["0.9", "previous point's 1.0"]),
        (9, "3 1.5 0.1 0.2", 9, ["1.5 Å is not larger"]),
        (7, "1 -1.0 2.0 3.0", 7, ["negative"]),
        (10, "4 2.5 0.01 0.0", 10, ["SISI", "0.01 eV", "cutoff"]),
        (12, "SISI", 12, ["SISI", "first at line 4"]),
        (14, "1 1.1 1.0 2.0\n4 1.2 0.1 0.1 \n 5 1.3 0.0 0.0", 17, ["data line", "N = 3", "SIC"])
    ])
    func malformedFilesAreErrorsNamingFileLineAndValue(
        line: Int, text: String, errorLine: Int, words: [String]
    ) throws {
        let error = try #require(readError(replacing(line: line, with: text)), "line \(line): \(text)")
        #expect(error.file == "bad.table")
        #expect(error.line == errorLine, "\(error)")
        #expect(error.description.hasPrefix("bad.table:\(errorLine): "), "\(error)")
        for w in words { #expect(error.description.contains(w), "\(error)") }
    }

    @Test func sectionsTheMappingNamesMustExist() throws {
        let error = try #require(readError(valid, mapping: "Si-Si:SISI,C-C:CC"))
        #expect(error == .missingSection(file: "bad.table", keyword: "CC", pair: ElementPair(6, 6)))
        #expect(error.description.contains("no section CC") && error.description.contains("C–C"))
        // An unused section may be anything the reader accepts, even non-zero at its cutoff.
        let unused = replacing(line: 10, with: "4 2.5 0.5 0.0")
        #expect(readError(unused, mapping: "Si-C:SIC") == nil)
    }

    @Test func emptyAndTruncatedFilesAreErrors() throws {
        for text in ["", "\n\n# only comments\n", "   \t\n"] {
            let error = try #require(readError(text))
            #expect(error.description.contains("no table sections"))
        }
        let keywordOnly = try #require(readError("SISI\n# nothing else\n"))
        #expect(keywordOnly.line == 1 && keywordOnly.description.contains("no parameter line"))
        let short = try #require(readError("SISI\nN 3\n1 1 1 1\n2 2 0 0\n\n#\n"))
        #expect(short == .truncatedSection(file: "bad.table", line: 2, keyword: "SISI", declared: 3, found: 2))
        // Bytes that are not UTF-8 are bad values, not traps.
        do {
            _ = try PairTableReader.sections(bytes: [0x53, 0x0A, 0x4E, 0x20, 0xFF, 0xFE, 0x0A], file: "bin")
            Issue.record("binary input read")
        } catch {
            #expect(error.line == 2, "\(error)")
        }
    }

    @Test func sectionsBuiltInMemoryAreChecked() {
        #expect(throws: PairTableError.self) {
            try PairTableSection(keyword: "A", distances: [1, 1], energies: [0, 0], forces: [0, 0])
        }
        #expect(throws: PairTableError.self) {
            try PairTableSection(keyword: "A", distances: [1], energies: [0], forces: [0])
        }
        #expect(throws: PairTableError.self) {
            try PairTableSection(keyword: "A", distances: [1, 2], energies: [.nan, 0], forces: [0, 0])
        }
    }

    /// Fuzz regressions: tables with enormous (finite) distances reached the neighbor list with a cutoff
    /// near 1e308, whose cell grid converted a NaN density estimate to Int and trapped.
    @Test(arguments: [
        "A\nN 2 R 0 1e308\n1 0 0 0\n2 0 0 0\n",
        "A\nN 2\n1 1e-300 1e308 -1e308\n2 1e308 0 1e308\n"
    ])
    func enormousDistancesAreEvaluatedWithoutTrapping(text: String) throws {
        let potential = try TabulatedPairPotential(
            bytes: Array(text.utf8), file: "fuzz", mapping: PairTableMapping(parsing: "H-H:A,H-He:A,He-He:A"))
        let d = potential.sections[0].firstPoint + 0.5 * (potential.cutoff - potential.sections[0].firstPoint)
        let s = Structure(atomicNumbers: [1, 2, 1], positions: [.zero, SIMD3(d, 0, 0), SIMD3(2.5 * d, 0.1 * d, 0)])
        let result = try potential.calculate(s)
        #expect(result.forces.count == 3)
    }
}
