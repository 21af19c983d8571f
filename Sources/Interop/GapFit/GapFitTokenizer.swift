/// One field of a split: its characters with one level of quotes or braces removed, and the offset in the
/// source of each character (so nested parses and value errors point into the original text).
struct GapFitField: Equatable, Sendable {
    /// Offset of the field's first character, or of its opening quote.
    let start: Int
    var scalars: [Unicode.Scalar] = []
    var offsets: [Int] = []

    var string: String { Self.string(scalars[...]) }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }
}

/// How one level of gap_fit's syntax splits text, after libAtoms' `split_string` (System.f95): fields end at
/// separators outside quotes; a quoted or braced part is added to its field without its outer quotes (nested
/// quotes and braces are kept verbatim), so `a{b c}d` is the one field `ab cd`.
struct GapFitSplitRules: Sendable {
    /// Characters that end a field.
    let separators: Set<Unicode.Scalar>
    /// Opening quote → closing quote.
    let quotes: [Unicode.Scalar: Unicode.Scalar]
    /// `key = value` is `key=value`: separators before `=` and after it are dropped (split_string does this).
    let joinsAroundEquals: Bool
    /// Every separator ends a field, so `a::b` and a trailing `:` give empty fields (split_string drops them;
    /// for descriptors they are reported as empty).
    var keepsEmptyFields = false

    /// Closing characters that differ from their opening one (`}`): one outside any quote closes nothing.
    var closers: Set<Unicode.Scalar> { Set(quotes.filter { $0.key != $0.value }.values) }

    private static let space: Set<Unicode.Scalar> = [" ", "\t"]

    /// `key=value` fields (param_read_line): separators space and comma, quotes `"…"`, `'…'` and `{…}`.
    /// Tabs separate too (gap_fit takes only spaces; tabs there end up inside keys).
    static let keyValues = GapFitSplitRules(
        separators: space.union([","]), quotes: ["\"": "\"", "'": "'", "{": "}"], joinsAroundEquals: true)
    /// The descriptors of `gap=`: separators `:` and `;`, only braces quote (gap_fit_parse_command_line).
    static let descriptors = GapFitSplitRules(
        separators: [":", ";"], quotes: ["{": "}"], joinsAroundEquals: false, keepsEmptyFields: true)
    /// `config_type_sigma=` groups: separators space, `:` and `;`, braces quote (parse_config_type_sigma).
    static let configTypeSigmas = GapFitSplitRules(
        separators: space.union([":", ";"]), quotes: ["{": "}"], joinsAroundEquals: false)
    /// `e0=` species values: separator `:`, braces quote (parse_atomtype_value_str).
    static let speciesValues = GapFitSplitRules(separators: [":"], quotes: ["{": "}"], joinsAroundEquals: false)
    /// Number lists such as `default_sigma=`: whitespace only (param_parse_value's parse_string).
    static let list = GapFitSplitRules(separators: space, quotes: [:], joinsAroundEquals: false)
}

/// Splits text into fields by `GapFitSplitRules`, iteratively (no recursion, whatever the nesting).
enum GapFitTokenizer {
    /// How deep quotes and braces may nest (real command lines use 3: `gap={{soap … Z={14}}}`).
    static let maximumDepth = 32

    /// The fields of `scalars`, whose characters sit at `offsets` in `source`.
    static func split(
        _ scalars: [Unicode.Scalar], offsets: [Int], rules: GapFitSplitRules, source: GapFitSource
    ) throws(GapFitSyntaxError) -> [GapFitField] {
        let closers = rules.closers
        var fields: [GapFitField] = []
        var current = GapFitField(start: offsets.first ?? 0)
        var inField = rules.keepsEmptyFields
        /// Starts a field at `offset` unless one is open.
        func begin(_ offset: Int) {
            if !inField { current = GapFitField(start: offset) }
            inField = true
        }
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if rules.quotes[c] != nil {
                let end = try closingIndex(scalars, offsets: offsets, openingAt: i, rules: rules, source: source)
                begin(offsets[i])
                current.scalars += scalars[(i + 1)..<end]
                current.offsets += offsets[(i + 1)..<end]
                i = end + 1
            } else if closers.contains(c) {
                throw .unmatchedClosing(String(c), at: source.location(offsets[i]))
            } else if rules.keepsEmptyFields, rules.separators.contains(c) {
                fields.append(current)
                current = GapFitField(start: offsets[i])
                i += 1
            } else if rules.separators.contains(c) {
                var j = i
                while j < scalars.count, rules.separators.contains(scalars[j]) { j += 1 }
                if rules.joinsAroundEquals, j < scalars.count, scalars[j] == "=" {
                    begin(offsets[j])
                    current.scalars.append("=")
                    current.offsets.append(offsets[j])
                    i = j + 1
                    while i < scalars.count, rules.separators.contains(scalars[i]) { i += 1 }
                } else {
                    if inField { fields.append(current) }
                    inField = false
                    i = j
                }
            } else {
                begin(offsets[i])
                current.scalars.append(c)
                current.offsets.append(offsets[i])
                i += 1
            }
        }
        if inField { fields.append(current) }
        return fields
    }

    /// The index of the quote that closes the one at `start`. Inside a quote every opening quote of `rules`
    /// nests (as in split_string's find_closing_delimiter, so `"it's"` is unclosed, as gap_fit finds it).
    private static func closingIndex(
        _ scalars: [Unicode.Scalar], offsets: [Int], openingAt start: Int, rules: GapFitSplitRules,
        source: GapFitSource
    ) throws(GapFitSyntaxError) -> Int {
        var open: [(closer: Unicode.Scalar, index: Int)] = []
        var j = start
        while j < scalars.count {
            let c = scalars[j]
            if let last = open.last, c == last.closer {
                open.removeLast()
                if open.isEmpty { return j }
            } else if let closer = rules.quotes[c] {
                if open.count >= maximumDepth { throw .tooDeep(limit: maximumDepth, at: source.location(offsets[j])) }
                open.append((closer, j))
            }
            j += 1
        }
        // Name the outermost opening whose closer appears nowhere after it (`'` in `"Bob's"`), else the innermost.
        let culprit = open.first { opening in !scalars[(opening.index + 1)...].contains(opening.closer) } ?? open.last
        let index = culprit?.index ?? start
        throw .unclosed(opening: String(scalars[index]), at: source.location(offsets[index]))
    }
}
