import Foundation

/// Reads the sections of a LAMMPS `pair_style table` file (<https://docs.lammps.org/pair_table.html>):
///
///     # comments and blank lines anywhere between sections
///     SIC                          (keyword: the first word of the line; the rest is ignored)
///     N 500 R 0.5 6.0 FP 0 0       (parameters: N is required; R or RSQ, FP/FPRIME optional)
///
///     1 0.5 25.5 102.34            (N lines: index, r in Å, energy in eV, force −dE/dr in eV/Å)
///     …
///
/// `R rlo rhi` replaces the listed distances by N points evenly spaced in r from rlo to rhi, `RSQ rlo rhi`
/// by points evenly spaced in r²; otherwise the listed distances are used and must increase strictly.
/// `FP`/`FPRIME fplo fphi` (derivatives of the force for LAMMPS's splines) are read and ignored: the
/// interpolation here uses the tabulated forces as slopes. `BITMAP` tables are refused. Text after `#`
/// on any line is a comment.
///
/// The reader never traps: N is checked against `maximumPoints` and against the lines present before
/// anything is allocated; every number must be finite; keywords must be unique. Errors name the file, the
/// line and the bad value.
public enum PairTableReader {
    /// The largest N a section may declare.
    public static let maximumPoints = 1_000_000

    /// Every section of the file at `path`.
    /// - Throws: `PairTableError` naming the file and line of the first problem.
    public static func sections(path: String) throws(PairTableError) -> [PairTableSection] {
        try parse(read(path: path), file: path).map(\.section)
    }

    /// Every section of a table file held in memory; `file` names it in errors.
    /// - Throws: `PairTableError` naming `file` and the line of the first problem.
    public static func sections(bytes: [UInt8], file: String) throws(PairTableError) -> [PairTableSection] {
        try parse(bytes, file: file).map(\.section)
    }

    /// Every section of a table file held as text; `file` names it in errors.
    /// - Throws: `PairTableError` naming `file` and the line of the first problem.
    public static func sections(text: String, file: String) throws(PairTableError) -> [PairTableSection] {
        try sections(bytes: Array(text.utf8), file: file)
    }

    /// The bytes of the file at `path`.
    static func read(path: String) throws(PairTableError) -> [UInt8] {
        do {
            return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
    }

    /// The sections of `bytes` with the lines they came from.
    static func parse(_ bytes: [UInt8], file: String) throws(PairTableError) -> [LocatedSection] {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var sections = [LocatedSection]()
        var keywordLines = [String: Int]()
        var k = 0
        while let (start, words) = nextContentLine(lines, from: k) {
            let keywordLine = start + 1
            let keyword = string(words[0])
            // A line of four numbers where a keyword is expected: the section before has more lines than N.
            if let previous = sections.last, words.count == 4, Int(keyword) != nil,
                words.dropFirst().allSatisfy({ Double(string($0)) != nil })
            {
                throw .badSection(
                    file: file, line: keywordLine,
                    message: "a data line after the last point of section \(previous.section.keyword) "
                        + "(N = \(previous.section.distances.count)); make its N the number of data lines")
            }
            if let first = keywordLines[keyword] {
                throw .duplicateKeyword(file: file, line: keywordLine, keyword: keyword, firstLine: first)
            }
            keywordLines[keyword] = keywordLine
            guard let (parameterIndex, parameterWords) = nextContentLine(lines, from: start + 1) else {
                throw .badSection(
                    file: file, line: keywordLine,
                    message: "section \(keyword) has no parameter line (N n …) after its keyword")
            }
            let parameterLine = parameterIndex + 1
            let parameters = try SectionParameters(parameterWords, file: file, line: parameterLine, keyword: keyword)
            let n = parameters.count
            k = parameterIndex + 1
            // Every point needs a line of its own: refuse before reserving room for N points.
            guard n <= lines.count - k else {
                throw .truncatedSection(
                    file: file, line: parameterLine, keyword: keyword, declared: n,
                    found: contentLineCount(lines[k...]))
            }
            var r = [Double](), e = [Double](), f = [Double]()
            r.reserveCapacity(n)
            e.reserveCapacity(n)
            f.reserveCapacity(n)
            var lastLine = parameterLine
            for point in 0..<n {
                guard let (index, data) = nextContentLine(lines, from: k) else {
                    throw .truncatedSection(file: file, line: parameterLine, keyword: keyword, declared: n, found: point)
                }
                let line = index + 1
                guard data.count == 4 else { throw .wrongColumnCount(file: file, line: line, count: data.count) }
                guard Int(string(data[0])) != nil else {
                    throw .badValue(file: file, line: line, column: "index", token: string(data[0]))
                }
                let distance = try number(data[1], column: "distance r", file: file, line: line)
                let energy = try number(data[2], column: "energy", file: file, line: line)
                let force = try number(data[3], column: "force", file: file, line: line)
                if parameters.spacing == nil {
                    if let previous = r.last, !(distance > previous) {
                        throw .nonIncreasingDistance(file: file, line: line, distance: distance, previous: previous)
                    }
                    if r.isEmpty, distance < 0 {
                        throw .badSection(
                            file: file, line: line, message: "distance \(distance) Å is negative; tabulate r ≥ 0")
                    }
                }
                r.append(distance)
                e.append(energy)
                f.append(force)
                k = index + 1
                lastLine = line
            }
            if let spacing = parameters.spacing {
                r = try spacing.distances(count: n, file: file, line: parameterLine)
            }
            sections.append(
                LocatedSection(
                    section: PairTableSection(unchecked: keyword, distances: r, energies: e, forces: f),
                    keywordLine: keywordLine, lastLine: lastLine))
        }
        guard !sections.isEmpty else {
            throw .badSection(
                file: file, line: 0,
                message: "the file has no table sections; give a keyword line, a parameter line and N data lines")
        }
        return sections
    }

    /// The index of the first line at or after `start` that holds words once comments are cut, and its words.
    private static func nextContentLine(
        _ lines: [ArraySlice<UInt8>], from start: Int
    ) -> (Int, [ArraySlice<UInt8>])? {
        var k = start
        while k < lines.count {
            let w = words(lines[k])
            if !w.isEmpty { return (k, w) }
            k += 1
        }
        return nil
    }

    /// The number of lines holding words among `lines`.
    private static func contentLineCount(_ lines: ArraySlice<ArraySlice<UInt8>>) -> Int {
        lines.reduce(0) { $0 + (words($1).isEmpty ? 0 : 1) }
    }

    /// The whitespace-separated words of a line before any `#`.
    static func words(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        let content = line.prefix { $0 != UInt8(ascii: "#") }
        return content.split { $0 == 32 || ($0 >= 9 && $0 <= 13) }
    }

    /// A word as text (invalid UTF-8 replaced).
    static func string(_ word: ArraySlice<UInt8>) -> String { String(decoding: word, as: UTF8.self) }

    /// A word as a finite number.
    static func number(
        _ word: ArraySlice<UInt8>, column: String, file: String, line: Int
    ) throws(PairTableError) -> Double {
        let text = string(word)
        guard let x = Double(text), x.isFinite else {
            throw .badValue(file: file, line: line, column: column, token: text)
        }
        return x
    }
}

/// A parsed section with the lines of its keyword and of its last data point.
struct LocatedSection: Sendable {
    let section: PairTableSection
    let keywordLine: Int
    let lastLine: Int
}
