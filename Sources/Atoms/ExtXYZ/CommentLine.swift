/// The key=value pairs of an extxyz comment line, split the way ASE splits them.
///
/// Values may be bare, or delimited by "…", '…', {…} or […] (the delimiters are removed; spaces and
/// `=` inside are kept). Spaces around `=` are allowed. A backslash takes the next character literally
/// (`\n` gives a newline). A key without `=` has the value "T".
struct CommentLine {
    /// One key and its raw value text.
    struct Entry: Equatable {
        var key: String
        var value: String
        /// True when the value was written inside […] (kept as an array even with one element).
        var bracketed: Bool
    }

    /// The entries in line order.
    let entries: [Entry]

    /// Splits `text`; nil when a quote or bracket is never closed.
    init?(_ text: String) {
        var pairs = PairBuilder()
        var closing: Character? = nil
        var escaped = false
        for ch in text {
            if escaped {
                pairs.append(ch == "n" ? "\n" : ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if let close = closing {
                if ch == close { closing = nil } else { pairs.append(ch) }
            } else if ch == "\"" || ch == "'" || ch == "{" || ch == "[" {
                closing = ch == "{" ? "}" : (ch == "[" ? "]" : ch)
                pairs.openDelimiter(bracket: ch == "[")
            } else if ch.isWhitespace {
                pairs.endPart()
            } else if ch == "=" {
                pairs.equals()
            } else {
                pairs.append(ch)
            }
        }
        guard closing == nil, !escaped else { return nil }
        entries = pairs.entries
    }
}

/// Accumulates pairs, each a list of parts: the key, then one part per '='.
private struct PairBuilder {
    struct Part {
        var text = ""
        /// Something was written (a character or a delimiter, so `""` counts).
        var touched = false
        var bracketed = false
    }

    private var pairs: [[Part]] = [[Part()]]

    private var current: Part {
        get { pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1] }
        set { pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1] = newValue }
    }

    mutating func append(_ ch: Character) {
        current.text.append(ch)
        current.touched = true
    }

    mutating func openDelimiter(bracket: Bool) {
        if bracket && pairs[pairs.count - 1].count > 1 && !current.touched { current.bracketed = true }
        current.touched = true
    }

    /// Whitespace: a non-empty part ends the pair.
    mutating func endPart() {
        if current.touched { pairs.append([Part()]) }
    }

    /// '=': a value part follows; "key = value" attaches to the previous key.
    mutating func equals() {
        if pairs.count > 1 && pairs[pairs.count - 1].count == 1 && !current.touched { pairs.removeLast() }
        pairs[pairs.count - 1].append(Part())
    }

    var entries: [CommentLine.Entry] {
        pairs.compactMap { parts in
            guard parts.count > 1 || parts[0].touched else { return nil }
            if parts.count == 1 { return CommentLine.Entry(key: parts[0].text, value: "T", bracketed: false) }
            return CommentLine.Entry(
                key: parts[0].text, value: parts.dropFirst().map(\.text).joined(separator: "="),
                bracketed: parts.count == 2 && parts[1].bracketed)
        }
    }
}
