/// The key=value pairs of an extxyz comment line, split the way ASE splits them, working on the
/// line's UTF-8 bytes (every delimiter is ASCII, so multi-byte characters pass through untouched).
///
/// Values may be bare, or delimited by "…", '…', {…} or […] (the delimiters are removed; spaces and
/// `=` inside are kept). Spaces around `=` are allowed. A backslash takes the next character literally
/// (`\n` gives a newline). A key without `=` has the value "T".
struct CommentLine {
    /// One key and its raw value bytes.
    struct Entry: Equatable {
        var key: String
        var value: [UInt8]
        /// True when the value was written inside […] (kept as an array even with one element).
        var bracketed: Bool

        /// The value as text.
        var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// The entries in line order.
    let entries: [Entry]

    /// Splits `bytes`; nil when a quote or bracket is never closed.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var pairs = PairBuilder()
        var closing: UInt8? = nil
        var escaped = false
        for b in bytes {
            if escaped {
                pairs.append(b == UInt8(ascii: "n") ? 0x0A : b)
                escaped = false
            } else if b == UInt8(ascii: "\\") {
                escaped = true
            } else if let close = closing {
                if b == close { closing = nil } else { pairs.append(b) }
            } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                closing = b == UInt8(ascii: "{") ? UInt8(ascii: "}") : (b == UInt8(ascii: "[") ? UInt8(ascii: "]") : b)
                pairs.openDelimiter(bracket: b == UInt8(ascii: "["))
            } else if b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x0D {
                pairs.endPart()
            } else if b == UInt8(ascii: "=") {
                pairs.equals()
            } else {
                pairs.append(b)
            }
        }
        guard closing == nil, !escaped else { return nil }
        entries = pairs.entries
    }
}

/// Accumulates pairs, each a list of parts: the key, then one part per '='.
private struct PairBuilder {
    struct Part {
        var bytes: [UInt8] = []
        /// Something was written (a character or a delimiter, so `""` counts).
        var touched = false
        var bracketed = false
    }

    private var pairs: [[Part]] = [[Part()]]

    private var current: Part {
        get { pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1] }
        _modify { yield &pairs[pairs.count - 1][pairs[pairs.count - 1].count - 1] }
    }

    mutating func append(_ b: UInt8) {
        current.bytes.append(b)
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
            let key = String(decoding: parts[0].bytes, as: UTF8.self)
            if parts.count == 1 { return CommentLine.Entry(key: key, value: [UInt8(ascii: "T")], bracketed: false) }
            return CommentLine.Entry(
                key: key, value: Array(parts.dropFirst().map(\.bytes).joined(separator: [UInt8(ascii: "=")])),
                bracketed: parts.count == 2 && parts[1].bracketed)
        }
    }
}
