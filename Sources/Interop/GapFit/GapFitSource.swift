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
    var firstLine = 1
    var firstColumn = 1

    /// The location of `offset` with its line, column and a caret excerpt.
    func location(_ offset: Int) -> GapFitLocation {
        let offset = max(0, min(offset, scalars.count))
        var lineStart = offset
        while lineStart > 0, !Self.isNewline(scalars[lineStart - 1]) { lineStart -= 1 }
        var lineEnd = offset
        while lineEnd < scalars.count, !Self.isNewline(scalars[lineEnd]) { lineEnd += 1 }
        let newlines = scalars[..<lineStart].reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        let column = offset - lineStart + (lineStart == 0 ? firstColumn : 1)
        return GapFitLocation(
            source: name, isFile: isFile, offset: offset, line: firstLine + newlines, column: column,
            excerpt: excerpt(lineStart: lineStart, lineEnd: lineEnd, offset: offset))
    }

    /// The text around `offset` on its line (at most `Self.excerptRadius` characters either side) and a caret
    /// line under the character at `offset`.
    private func excerpt(lineStart: Int, lineEnd: Int, offset: Int) -> String {
        let from = max(lineStart, offset - Self.excerptRadius)
        let to = min(lineEnd, offset + Self.excerptRadius)
        let prefix = from > lineStart ? "…" : ""
        let suffix = to < lineEnd ? "…" : ""
        let visible = scalars[from..<to].map { $0 == "\t" || $0 == "\r" ? " " : $0 }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: visible)
        let pad = String(repeating: " ", count: prefix.count + offset - from)
        return "  \(prefix)\(String(text))\(suffix)\n  \(pad)^"
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
    /// 0-based index of the character (Unicode scalar) in the whole text.
    public let offset: Int
    /// 1-based line in the text (always 1 for an argv command line).
    public let line: Int
    /// 1-based column on that line.
    public let column: Int
    /// Two lines: the text around the place and a caret under it.
    public let excerpt: String

    /// `file:line:column` for a file, `command line, character N` for argv.
    public var description: String {
        isFile ? "\(source):\(line):\(column)" : "\(source), character \(column)"
    }
}
