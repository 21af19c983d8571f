import Testing

@testable import Interop

/// The small XML reader under the GAP XML importer: what GAP files use, and errors with the line.
@Suite("XML tree reader")
struct XMLTreeParserTests {
    static func parse(_ text: String) throws(GapXMLError) -> XMLTree { try XMLTreeParser.parse(Array(text.utf8), file: "t.xml") }

    static func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test func readsElementsAttributesTextAndCDATA() throws {
        let root = try Self.parse(
            """
            <?xml version="1.0"?>
            <!-- comment -->
            <root a="1" b='x &amp; &lt;y&gt; &#65;&#x42;'>
              <child i="1"/>
              <child i="2">text &quot;q&quot;<![CDATA[ <raw> & ]]></child>
              <other
                 c = "3" />
            </root>
            """)
        #expect(root.name == "root" && root.attribute("a") == "1" && root.attribute("b") == "x & <y> AB")
        #expect(root.children("child").map { $0.attribute("i") } == ["1", "2"])
        #expect(root.children("child")[1].text == "text \"q\" <raw> & ")
        #expect(root.child("other")?.attribute("c") == "3" && root.child("other")?.line == 6)
        #expect(root.line == 3 && root.children("child")[1].line == 5)
        #expect(root.descendants("child").count == 2)
    }

    @Test func refusesMalformedTextWithTheLine() {
        #expect(Self.error("<a>\n<b>\n</a>") == "t.xml:3: not well-formed XML: </a> closes <b> (opened on line 2)")
        #expect(Self.error("<a>\n<b>") == "t.xml:2: not well-formed XML: <b> (line 2) is never closed")
        #expect(Self.error("<!DOCTYPE a [<!ENTITY x \"y\">]><a/>").contains("document type declarations are not supported"))
        #expect(Self.error("<a/>\n<b/>").contains("a second root element <b>"))
        #expect(Self.error("text<a/>").contains("text outside the root element"))
        #expect(Self.error("<a>&bogus;</a>").contains("unknown entity &bogus;"))
        #expect(Self.error("<a x=1/>").contains("must be quoted"))
        #expect(Self.error("<a x=\"1\" x=\"2\"/>").contains("attribute x repeated"))
        #expect(Self.error("<a><!-- never closed </a>").contains("a comment is never closed"))
        #expect(Self.error("").contains("no root element"))
        #expect(Self.error("</a>").contains("</a> closes no element"))
    }

    @Test func limitsNesting() {
        let deep = String(repeating: "<a>", count: XMLTreeParser.maximumDepth + 1)
        #expect(Self.error(deep).contains("elements nest deeper than \(XMLTreeParser.maximumDepth)"))
    }
}
