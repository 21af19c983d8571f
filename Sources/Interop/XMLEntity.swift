/// XML's predefined entities and character references, as both XML readers (the GAP XML tree and gap_fit's
/// `<command_line>`) decode them.
enum XMLEntity {
    /// The character `&name;` stands for: `lt`, `gt`, `amp`, `quot`, `apos`, `#N` or `#xH`; nil for anything
    /// else.
    static func character(_ name: String) -> Unicode.Scalar? {
        let named: [String: Unicode.Scalar] = ["lt": "<", "gt": ">", "amp": "&", "quot": "\"", "apos": "'"]
        if let c = named[name] { return c }
        let code =
            name.hasPrefix("#x") ? UInt32(name.dropFirst(2), radix: 16) : name.hasPrefix("#") ? UInt32(name.dropFirst()) : nil
        return code.flatMap(Unicode.Scalar.init)
    }
}
