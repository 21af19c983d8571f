/// Reads XML text into an `XMLTree`: elements, attributes (single or double quotes), character data, CDATA
/// sections, the five named entities and character references; the declaration, processing instructions
/// and comments are skipped. Document type declarations (and with them entity definitions) are refused, so
/// no input expands beyond its own size; nesting is limited and tracked without recursion.
struct XMLTreeParser {
    /// Deepest element nesting accepted (GAP files nest five deep).
    static let maximumDepth = 256

    private let bytes: [UInt8]
    private let file: String
    private var i = 0
    private var line = 1

    /// Parses `bytes` of the file `file` (named in errors).
    /// - Throws: `GapXMLError.malformed` with the line of the first problem.
    static func parse(_ bytes: [UInt8], file: String) throws(GapXMLError) -> XMLTree {
        var parser = XMLTreeParser(bytes: bytes, file: file)
        return try parser.document()
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func fail(_ detail: String) -> GapXMLError { .malformed(file: file, line: line, detail: detail) }

    private mutating func document() throws(GapXMLError) -> XMLTree {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        var root: XMLTree?
        var stack: [XMLTree] = []
        while i < bytes.count {
            if bytes[i] != UInt8(ascii: "<") {
                let text = try characterData()
                if stack.isEmpty {
                    guard text.allSatisfy(\.isWhitespace) else { throw fail("text outside the root element") }
                } else {
                    stack[stack.count - 1].text += text
                }
                continue
            }
            if matches("<?") {
                try skip(past: "?>", what: "processing instruction")
            } else if matches("<!--") {
                try skip(past: "-->", what: "comment")
            } else if matches("<![CDATA[") {
                i += 9
                let start = i
                try skip(past: "]]>", what: "CDATA section")
                guard !stack.isEmpty else { throw fail("a CDATA section outside the root element") }
                stack[stack.count - 1].text += String(decoding: bytes[start..<(i - 3)], as: UTF8.self)
            } else if matches("<!") {
                throw fail("document type declarations are not supported in GAP files")
            } else if matches("</") {
                i += 2
                let name = try self.name()
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ">") else { throw fail("'>' expected after </\(name)") }
                i += 1
                guard let open = stack.popLast() else { throw fail("</\(name)> closes no element") }
                guard open.name == name else {
                    throw fail("</\(name)> closes <\(open.name)> (opened on line \(open.line))")
                }
                try attach(open, to: &stack, root: &root)
            } else {
                i += 1
                let (element, selfClosing) = try startTag()
                if selfClosing {
                    try attach(element, to: &stack, root: &root)
                } else {
                    guard stack.count < Self.maximumDepth else { throw fail("elements nest deeper than \(Self.maximumDepth)") }
                    stack.append(element)
                }
            }
        }
        if let open = stack.last { throw fail("<\(open.name)> (line \(open.line)) is never closed") }
        guard let root else { throw fail("no root element: the file is empty or not XML") }
        return root
    }

    /// Puts a finished element into its parent, or makes it the root.
    private func attach(_ element: XMLTree, to stack: inout [XMLTree], root: inout XMLTree?) throws(GapXMLError) {
        if stack.isEmpty {
            guard root == nil else { throw fail("a second root element <\(element.name)>") }
            root = element
        } else {
            stack[stack.count - 1].children.append(element)
        }
    }

    /// Reads `<name attributes…>` or `…/>` after the `<`.
    private mutating func startTag() throws(GapXMLError) -> (XMLTree, selfClosing: Bool) {
        let startLine = line
        let name = try self.name()
        var attributes: [(name: String, value: String)] = []
        while true {
            let spaced = skipSpace()
            guard i < bytes.count else { throw fail("<\(name) is never closed with '>'") }
            if bytes[i] == UInt8(ascii: ">") {
                i += 1
                return (XMLTree(name: name, attributes: attributes, children: [], text: "", line: startLine), false)
            }
            if matches("/>") {
                i += 2
                return (XMLTree(name: name, attributes: attributes, children: [], text: "", line: startLine), true)
            }
            guard spaced else { throw fail("a space expected between attributes of <\(name)>") }
            let key = try self.name()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else {
                throw fail("'=' expected after attribute \(key) of <\(name)>")
            }
            i += 1
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                throw fail("the value of attribute \(key) of <\(name)> must be quoted")
            }
            let quote = bytes[i]
            i += 1
            let value = try characterData(until: quote)
            guard i < bytes.count else { throw fail("the value of attribute \(key) of <\(name)> is never closed") }
            i += 1
            guard !attributes.contains(where: { $0.name == key }) else { throw fail("attribute \(key) repeated in <\(name)>") }
            attributes.append((key, value))
        }
    }

    /// An element or attribute name.
    private mutating func name() throws(GapXMLError) -> String {
        let start = i
        while i < bytes.count, Self.isNameByte(bytes[i]) { i += 1 }
        guard i > start else { throw fail("a name expected") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: ":"), 0x80...0xFF:
            true
        default: false
        }
    }

    /// Character data up to the next `<` (or the closing quote of an attribute value), entities decoded.
    private mutating func characterData(until quote: UInt8? = nil) throws(GapXMLError) -> String {
        var out: [UInt8] = []
        var start = i
        while i < bytes.count {
            let b = bytes[i]
            if b == quote || (quote == nil && b == UInt8(ascii: "<")) { break }
            if quote != nil && b == UInt8(ascii: "<") { throw fail("'<' inside an attribute value") }
            if b == UInt8(ascii: "\n") { line += 1 }
            if b == UInt8(ascii: "&") {
                out += bytes[start..<i]
                out += try entity()
                start = i
            } else {
                i += 1
            }
        }
        out += bytes[start..<i]
        return String(decoding: out, as: UTF8.self)
    }

    /// The UTF-8 bytes of the entity or character reference at `i`, which it passes.
    private mutating func entity() throws(GapXMLError) -> [UInt8] {
        let start = i + 1
        var end = start
        while end < bytes.count, end - start < 12, bytes[end] != UInt8(ascii: ";") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: ";") else { throw fail("'&' starts no entity (write &amp;)") }
        let name = String(decoding: bytes[start..<end], as: UTF8.self)
        i = end + 1
        // NUL is no XML character.
        guard let scalar = XMLEntity.character(name), scalar != "\0" else { throw fail("unknown entity &\(name);") }
        return Array(String(Character(scalar)).utf8)
    }

    /// Whether the text at `i` starts with `prefix`.
    private func matches(_ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard bytes.count - i >= n else { return false }
        return prefix.withUTF8Buffer { p in (0..<n).allSatisfy { bytes[i + $0] == p[$0] } }
    }

    /// Moves past the next `terminator`, counting lines.
    private mutating func skip(past terminator: StaticString, what: String) throws(GapXMLError) {
        let startLine = line
        while i < bytes.count {
            if matches(terminator) {
                i += terminator.utf8CodeUnitCount
                return
            }
            if bytes[i] == UInt8(ascii: "\n") { line += 1 }
            i += 1
        }
        line = startLine
        throw fail("a \(what) is never closed")
    }

    /// Skips white space; whether there was any.
    @discardableResult
    private mutating func skipSpace() -> Bool {
        let start = i
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        return i > start
    }
}
