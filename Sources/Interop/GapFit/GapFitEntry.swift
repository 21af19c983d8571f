/// One `key=value` (or bare `key`) of a gap_fit command line or of one descriptor in `gap={…}`.
public struct GapFitEntry: Equatable, Sendable {
    /// The key in lower case (gap_fit looks keys up case-insensitively).
    public let key: String
    /// The key as written, for messages.
    public let spelling: String
    /// The value with one level of quotes or braces removed (`{0.01 1.0}` → `0.01 1.0`); nil for a bare key,
    /// which gap_fit reads as `key=T` for a logical and refuses for a number.
    public let value: String?
    /// Offset of the key's first character in the parsed text.
    public let offset: Int
    /// The value's characters and their offsets (empty for a bare key).
    let valueScalars: [Unicode.Scalar]
    let valueOffsets: [Int]

    /// Offset of the value's first character; for an empty value, just after `=`; for a bare key, the key's.
    public let valueOffset: Int

    /// The entry a field holds: a bare key, or key and value split at the first `=`.
    init(_ field: GapFitField, source: GapFitSource) throws(GapFitSyntaxError) {
        let equals = field.scalars.firstIndex(of: "=")
        let keyEnd = equals ?? field.scalars.count
        guard keyEnd > 0 else { throw .missingKey(at: source.location(field.start)) }
        spelling = GapFitField.string(field.scalars[..<keyEnd])
        key = spelling.lowercased()
        offset = field.offsets[0]
        if let equals {
            valueScalars = Array(field.scalars[(equals + 1)...])
            valueOffsets = Array(field.offsets[(equals + 1)...])
            value = GapFitField.string(valueScalars[...])
            valueOffset = valueOffsets.first ?? field.offsets[equals] + 1
        } else {
            valueScalars = []
            valueOffsets = []
            value = nil
            valueOffset = offset
        }
    }
}

/// The entries of one `key=value` list (the command line, or one descriptor), with the keys read so far.
public struct GapFitParameters: Equatable, Sendable {
    /// The entries in the order written; no key appears twice.
    public let entries: [GapFitEntry]
    /// The text they were read from.
    let source: GapFitSource
    /// Index in `entries` by lower-case key.
    private let index: [String: Int]
    /// Lower-case keys the mapping layer has read.
    private(set) var readKeys: Set<String> = []

    /// Splits `scalars` (at `offsets` in `source`) into entries; a key given twice is an error.
    init(_ scalars: [Unicode.Scalar], offsets: [Int], source: GapFitSource) throws(GapFitSyntaxError) {
        let fields = try GapFitTokenizer.split(scalars, offsets: offsets, rules: .keyValues, source: source)
        var entries: [GapFitEntry] = []
        var index: [String: Int] = [:]
        for field in fields {
            let entry = try GapFitEntry(field, source: source)
            if let first = index[entry.key] {
                throw .duplicateKey(
                    key: entry.spelling, first: source.location(entries[first].offset),
                    second: source.location(entry.offset))
            }
            index[entry.key] = entries.count
            entries.append(entry)
        }
        self.init(entries: entries, source: source)
    }

    init(entries: [GapFitEntry], source: GapFitSource) {
        self.entries = entries
        self.source = source
        self.index = Dictionary(entries.enumerated().map { ($0.element.key, $0.offset) }) { first, _ in first }
    }

    /// True when `key` (any case) was given.
    public func contains(_ key: String) -> Bool { index[key.lowercased()] != nil }

    /// The entry for `key` or its alternative spelling `alias` (gap_fit's `altkey`, e.g. `at_file` for
    /// `atoms_filename`), marked as read; nil when neither is given.
    /// - Throws: `GapFitSyntaxError.conflictingAliases` when both are given.
    public mutating func entry(_ key: String, alias: String? = nil) throws(GapFitSyntaxError) -> GapFitEntry? {
        let key = key.lowercased()
        let alias = alias?.lowercased()
        readKeys.insert(key)
        if let alias { readKeys.insert(alias) }
        let found = index[key].map { entries[$0] }
        let other = alias.flatMap { index[$0] }.map { entries[$0] }
        if let found, let other, found.key != other.key {
            let (first, second) = found.offset < other.offset ? (found, other) : (other, found)
            throw .conflictingAliases(
                key: first.spelling, alias: second.spelling, first: source.location(first.offset),
                second: source.location(second.offset))
        }
        return found ?? other
    }

    /// The keys (as written) of the entries nobody has read, in order.
    public func unreadKeys() -> [String] { entries.filter { !readKeys.contains($0.key) }.map(\.spelling) }

    /// Throws for the first entry nobody has read: a key the caller does not support must never be ignored.
    /// `hints` maps lower-case keys to advice, e.g. `["sparse_method": "use sparse_method=cur_points instead"]`.
    /// - Throws: `GapFitSyntaxError.unsupportedKey` naming the key and where it is.
    public func rejectUnread(hints: [String: String] = [:]) throws(GapFitSyntaxError) {
        guard let entry = entries.first(where: { !readKeys.contains($0.key) }) else { return }
        throw .unsupportedKey(key: entry.spelling, hint: hints[entry.key], at: source.location(entry.offset))
    }

    /// Marks `key` as read without reading it (for keys the parser itself consumed, such as `gap`).
    mutating func markRead(_ key: String) { readKeys.insert(key) }

    /// The location of `offset` in the text.
    func location(_ offset: Int) -> GapFitLocation { source.location(offset) }
}
