/// The text of the first `<command_line>` element of a GAP XML file, as gap_fit writes it
/// (`xml_AddCharacters(…, parsed=.false.)`: a CDATA section) or as plain text with XML entities.
struct GapFitXMLCommandLine {
    /// The element's raw content (for locations and excerpts), placed at its line and column in the file.
    let source: GapFitSource
    /// The decoded command line and, for each character, its offset in `source`.
    let scalars: [Unicode.Scalar]
    let offsets: [Int]

    /// Finds the element in `xml`.
    /// - Throws: `missingCommandLineElement`, or `unclosed` for an element or CDATA section that never ends.
    init(_ xml: String, name: String) throws(GapFitSyntaxError) {
        let all = xml.unicodeScalars
        var open = Self.find("<command_line", in: all, from: all.startIndex)
        while let start = open, let next = all[start...].dropFirst(13).first, !" \t\r\n/>".unicodeScalars.contains(next) {
            open = Self.find("<command_line", in: all, from: all.index(after: start))
        }
        guard let open, let tagEnd = all[open...].firstIndex(of: ">") else {
            throw .missingCommandLineElement(source: name)
        }
        var line = 1
        var column = 1
        for c in all[..<all.index(after: tagEnd)] {
            (line, column) = c == "\n" ? (line + 1, 1) : (line, column + 1)
        }
        let selfClosing = all[all.index(before: tagEnd)] == "/"
        let contentStart = all.index(after: tagEnd)
        let contentEnd = selfClosing ? contentStart : Self.find("</command_line>", in: all, from: contentStart)
        let raw = Array(all[contentStart..<(contentEnd ?? all.endIndex)])
        source = GapFitSource(name: name, isFile: true, scalars: raw, firstLine: line, firstColumn: column)
        guard contentEnd != nil else {
            throw .unclosed(opening: "<command_line>", at: source.location(0))
        }
        (scalars, offsets) = try Self.decode(raw, source: source)
    }

    /// The character data of `raw`: CDATA sections verbatim, entities decoded, each character with its offset.
    private static func decode(_ raw: [Unicode.Scalar], source: GapFitSource) throws(GapFitSyntaxError) -> (
        [Unicode.Scalar], [Int]
    ) {
        let cdataOpen = Array("<![CDATA[".unicodeScalars)
        let cdataClose = Array("]]>".unicodeScalars)
        var scalars: [Unicode.Scalar] = []
        var offsets: [Int] = []
        var i = 0
        while i < raw.count {
            if raw[i...].starts(with: cdataOpen) {
                let start = i + cdataOpen.count
                guard let end = index(of: cdataClose, in: raw, from: start) else {
                    throw .unclosed(opening: "<![CDATA[", at: source.location(i))
                }
                scalars += raw[start..<end]
                offsets += start..<end
                i = end + cdataClose.count
            } else if raw[i] == "&", let (c, length) = entity(raw, at: i) {
                scalars.append(c)
                offsets.append(i)
                i += length
            } else {
                scalars.append(raw[i])
                offsets.append(i)
                i += 1
            }
        }
        return (scalars, offsets)
    }

    /// The character an entity at `i` stands for (`&lt;`, `&gt;`, `&amp;`, `&quot;`, `&apos;`, `&#N;`,
    /// `&#xH;`) and its length; nil when there is none (the `&` is then kept as written).
    private static func entity(_ raw: [Unicode.Scalar], at i: Int) -> (Unicode.Scalar, Int)? {
        guard let semicolon = raw[i...].prefix(12).firstIndex(of: ";") else { return nil }
        return XMLEntity.character(GapFitField.string(raw[(i + 1)..<semicolon])).map { ($0, semicolon - i + 1) }
    }

    /// The first index of `needle` in `haystack` at or after `from`.
    private static func index(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from: Int) -> Int? {
        guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        return (from...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// The first index of `needle` in `scalars` at or after `from`.
    private static func find(_ needle: String, in scalars: String.UnicodeScalarView, from: String.Index) -> String.Index? {
        let pattern = Array(needle.unicodeScalars)
        var i = from
        while i < scalars.endIndex {
            if scalars[i...].starts(with: pattern) { return i }
            i = scalars.index(after: i)
        }
        return nil
    }
}
