/// One element of an XML document as GAP files use them: a name, attributes in document order, child
/// elements and the character data directly inside (CDATA included, entities decoded), with the line it
/// starts on for messages.
struct XMLTree: Sendable {
    /// The element name.
    let name: String
    /// Attributes in document order.
    var attributes: [(name: String, value: String)]
    /// Child elements in document order.
    var children: [XMLTree]
    /// Character data directly inside the element.
    var text: String
    /// Line of the element's start tag (1-based).
    let line: Int

    /// The value of the attribute `name`, nil when absent.
    func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    /// The child elements called `name`.
    func children(_ name: String) -> [XMLTree] { children.filter { $0.name == name } }

    /// The first child element called `name`.
    func child(_ name: String) -> XMLTree? { children.first { $0.name == name } }

    /// This element and its descendants called `name`, depth first in document order.
    func descendants(_ name: String) -> [XMLTree] {
        var out: [XMLTree] = []
        var stack = Array(children.reversed())
        while let e = stack.popLast() {
            if e.name == name { out.append(e) }
            stack += e.children.reversed()
        }
        return out
    }
}
