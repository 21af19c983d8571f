import Foundation

/// The syntax of a gap_fit command line: its `key=value` entries and the descriptors of `gap={…}`, read as
/// QUIP's libAtoms reads them (ParamReader.f95 `param_read_args`/`param_read_line`, System.f95 `split_string`,
/// gap_fit_module.F90 `gap_fit_parse_command_line`). It does not know which keys exist: the typed accessors
/// (`GapFitKeyValues`) read values and record which keys were read, and `rejectUnread(hints:)` refuses the rest.
///
/// Syntax: fields are separated by spaces or commas; `key=value`, or a bare `key` (= `key=T` for a logical);
/// keys are case-insensitive; a value may be `{…}`, `"…"` or `'…'` (one level removed, anything nested kept
/// verbatim; quoted parts join the text around them, as in a shell); `key = value` is `key=value`.
public struct GapFitCommandLine: Equatable, Sendable, GapFitKeyValues {
    /// The most characters a command line (or config file) may have; gap_fit itself stops at 10240.
    public static let maximumLength = 1 << 20

    /// The text that was parsed: the joined argv, the config file or the `<command_line>` element's text.
    public let text: String
    /// The file the arguments came from (`config_file=`, or the XML file), nil for argv.
    public let file: String?
    /// The top-level entries (`gap` included, already read) and the keys read so far.
    public var parameters: GapFitParameters
    /// The descriptors of `gap={…}` in order; empty when `gap` is absent.
    public var descriptors: [GapFitDescriptorSpec]

    /// Parses gap_fit's argv (without the program name) as gap_fit does: the arguments joined by spaces
    /// (`joined(_:)`) and parsed as one line, so a shell-split `gap={soap l_max=8}` reads as one value. With
    /// `config_file=FILE` the arguments are read from FILE instead.
    /// - Throws: `GapFitSyntaxError` with the place in the line (or file) and what to do.
    public init(arguments: [String]) throws(GapFitSyntaxError) {
        let line = try GapFitCommandLine(text: Self.joined(arguments))
        guard let entry = line.parameters.entries.first(where: { $0.key == "config_file" }) else {
            self = line
            return
        }
        let others = line.parameters.entries.filter { $0.key != "config_file" }
        if let first = others.first {
            throw .configFileWithOtherArguments(
                others: others.map(\.spelling), at: line.parameters.location(first.offset))
        }
        guard let path = entry.value, !path.isEmpty else {
            throw .badValue(
                key: entry.spelling, value: entry.value ?? "", expected: "a file name",
                at: line.parameters.location(entry.offset))
        }
        self = try GapFitCommandLine(configFileContents: Self.read(path), name: path)
    }

    /// Parses one command-line string (what gap_fit re-parses after joining its argv).
    public init(text: String) throws(GapFitSyntaxError) {
        let source = GapFitSource(name: "command line", isFile: false, scalars: Array(text.unicodeScalars))
        try self.init(source: source, scalars: source.scalars, offsets: nil, file: nil)
    }

    /// Parses the contents of a `config_file`: all lines as one command line (gap_fit joins them with spaces;
    /// it has no comments). Locations read `name:line:column`.
    /// - Throws: `GapFitSyntaxError`; `nestedConfigFile` for `config_file=` inside the file.
    public init(configFileContents contents: String, name: String) throws(GapFitSyntaxError) {
        let source = GapFitSource(name: name, isFile: true, scalars: Array(contents.unicodeScalars))
        try self.init(source: source, scalars: source.scalars, offsets: nil, file: name)
        if let nested = parameters.entries.first(where: { $0.key == "config_file" }) {
            throw .nestedConfigFile(at: parameters.location(nested.offset))
        }
    }

    /// Parses the `<command_line>` element of a GAP XML text (gap_fit's output, or a file holding only that
    /// element): its text, as CDATA or with XML entities. Locations read `name:line:column` in the XML.
    /// - Throws: `missingCommandLineElement` when there is none, or the command line's own errors.
    public init(xmlContents xml: String, name: String) throws(GapFitSyntaxError) {
        let element = try GapFitXMLCommandLine(xml, name: name)
        try self.init(source: element.source, scalars: element.scalars, offsets: element.offsets, file: name)
    }

    /// Parses `scalars` (at `offsets` in `source`, or at their own indices when nil).
    private init(source: GapFitSource, scalars: [Unicode.Scalar], offsets: [Int]?, file: String?)
        throws(GapFitSyntaxError)
    {
        guard source.scalars.count <= Self.maximumLength, scalars.count <= Self.maximumLength else {
            throw .tooLong(source: source.name, length: source.scalars.count, limit: Self.maximumLength)
        }
        let flat = scalars.map { GapFitSource.isNewline($0) ? " " : $0 }
        var parameters = try GapFitParameters(flat, offsets: offsets ?? Array(flat.indices), source: source)
        if let gap = parameters.entries.first(where: { $0.key == "gap" }) {
            descriptors = try GapFitDescriptorSpec.list(gap, source: source)
            parameters.markRead("gap")
        } else {
            descriptors = []
        }
        self.parameters = parameters
        self.text = GapFitField.string(scalars[...])
        self.file = file
    }

    /// gap_fit's argv as one line (`param_read_args`): arguments joined by single spaces; an argument holding a
    /// space is quoted so it stays one field (`at_file=a b.xyz` → `at_file="a b.xyz"`) unless its value (or the
    /// argument) already starts with a quote or brace.
    public static func joined(_ arguments: [String]) -> String {
        arguments.map { argument -> String in
            var text = argument
            while text.hasSuffix(" ") { text.removeLast() }
            guard text.contains(" ") else { return text }
            let opens: Set<Character> = ["{", "\"", "'"]
            guard let equals = text.firstIndex(of: "=") else {
                return text.first.map(opens.contains) == true ? text : "\"\(text)\""
            }
            let value = text[text.index(after: equals)...]
            return value.first.map(opens.contains) == true ? text : "\(text[...equals])\"\(value)\""
        }.joined(separator: " ")
    }

    /// The text of the config file at `path`.
    private static func read(_ path: String) throws(GapFitSyntaxError) -> String {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        guard size <= 4 * maximumLength else {
            throw .tooLong(source: path, length: size, limit: maximumLength)
        }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadableConfigFile(path: path, reason: error.localizedDescription)
        }
    }
}
