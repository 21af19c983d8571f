/// The text a gap_fit command line was read from: the joined argv, a `config_file`, or the `<command_line>`
/// element of a GAP XML file. Offsets everywhere in the parser are indices into `scalars` (Unicode scalars).
struct GapFitSource: Equatable, Sendable {
    /// "command line", or the file's name as given.
    let name: String
    /// True when `name` is a file, so locations read `name:line:column`.
    let isFile: Bool
    /// The original text, newlines included (for excerpts and line numbers).
    let scalars: [Unicode.Scalar]
    /// The line and column of `scalars[0]` in the file (1 and 1 unless the text is an element inside a file).
    let firstLine: Int
    let firstColumn: Int
    /// Offsets where lines start (0 and each index after a "\n"), so a location costs a binary search.
    private let lineStarts: [Int]

    init(name: String, isFile: Bool, scalars: [Unicode.Scalar], firstLine: Int = 1, firstColumn: Int = 1) {
        self.name = name
        self.isFile = isFile
        self.scalars = scalars
        self.firstLine = firstLine
        self.firstColumn = firstColumn
        lineStarts = [0] + scalars.indices.filter { scalars[$0] == "\n" }.map { $0 + 1 }
    }

    /// The location of `offset` with its line, column and a caret excerpt.
    func location(_ offset: Int) -> GapFitLocation {
        let offset = max(0, min(offset, scalars.count))
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let lineStart = lineStarts[low]
        let limit = min(scalars.count, offset + Self.excerptRadius + 1)
        var lineEnd = offset
        while lineEnd < limit, !Self.isNewline(scalars[lineEnd]) { lineEnd += 1 }
        let column = offset - lineStart + (lineStart == 0 ? firstColumn : 1)
        let from = max(lineStart, offset - Self.excerptRadius)
        let to = min(lineEnd, offset + Self.excerptRadius)
        return GapFitLocation(
            source: name, isFile: isFile, offset: offset, line: firstLine + low, column: column,
            window: Array(scalars[from..<to]), caret: offset - from, clippedBefore: from > lineStart,
            clippedAfter: to < lineEnd)
    }

    /// How many characters of context an excerpt shows either side of the caret.
    static let excerptRadius = 50

    static func isNewline(_ c: Unicode.Scalar) -> Bool { c == "\n" || c == "\r" }
}

/// Where in a gap_fit command line (or its file) something was found.
public struct GapFitLocation: Equatable, Sendable, CustomStringConvertible {
    /// "command line", or the name of the file the arguments came from.
    public let source: String
    /// True when `source` names a file (`config_file` or a GAP XML file).
    public let isFile: Bool
    /// 0-based index of the character (Unicode scalar) in the parsed text (for XML, in the element's content).
    public let offset: Int
    /// 1-based line in the file (always 1 for an argv command line).
    public let line: Int
    /// 1-based column on that line.
    public let column: Int
    /// The line around `offset` (at most `GapFitSource.excerptRadius` characters either side), the caret's
    /// index in it, and whether the line goes on before or after it: `excerpt` is built only when asked for.
    let window: [Unicode.Scalar]
    let caret: Int
    let clippedBefore: Bool
    let clippedAfter: Bool

    /// `file:line:column` for a file, `command line, character N` for argv.
    public var description: String {
        isFile ? "\(source):\(line):\(column)" : "\(source), character \(column)"
    }

    /// Two lines: the text around the place and a caret under it.
    public var excerpt: String {
        var visible = String.UnicodeScalarView()
        visible.append(contentsOf: window.map { $0 == "\t" || $0 == "\r" ? " " : $0 })
        let prefix = clippedBefore ? "…" : ""
        let pad = String(repeating: " ", count: prefix.count + caret)
        return "  \(prefix)\(String(visible))\(clippedAfter ? "…" : "")\n  \(pad)^"
    }
}
