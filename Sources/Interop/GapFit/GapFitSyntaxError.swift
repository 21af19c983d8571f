/// A problem in the syntax of a gap_fit command line (argv, `config_file` or a GAP XML `<command_line>`),
/// or a value that does not read as the type its key needs. Every case says where and what to do.
public enum GapFitSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A `{`, `"` or `'` that is never closed.
    case unclosed(opening: String, at: GapFitLocation)
    /// A `}` with no `{` before it.
    case unmatchedClosing(String, at: GapFitLocation)
    /// Quotes and braces nested deeper than `limit`.
    case tooDeep(limit: Int, at: GapFitLocation)
    /// A command line longer than `limit` characters.
    case tooLong(source: String, length: Int, limit: Int)
    /// A field that starts with `=` (a value with no key).
    case missingKey(at: GapFitLocation)
    /// The same key given twice (gap_fit silently keeps the last; we refuse).
    case duplicateKey(key: String, first: GapFitLocation, second: GapFitLocation)
    /// A key and its alternative spelling (e.g. `at_file` and `atoms_filename`) both given.
    case conflictingAliases(key: String, alias: String, first: GapFitLocation, second: GapFitLocation)
    /// A descriptor in `gap={…}` with nothing in it (`{}` or only spaces). `index` is 1-based.
    case emptyDescriptor(index: Int, at: GapFitLocation)
    /// A descriptor whose first word is `key=value` instead of the descriptor type. `index` is 1-based.
    case missingDescriptorType(index: Int, found: String, at: GapFitLocation)
    /// A value that is not what its key needs (`expected` says what is).
    case badValue(key: String, value: String, expected: String, at: GapFitLocation)
    /// A key gap_fit requires is absent from `context` (the command line, or a descriptor).
    case requiredKey(key: String, context: String, example: String)
    /// A key the fit does not support; `hint` says what to use instead, when there is something.
    case unsupportedKey(key: String, hint: String?, at: GapFitLocation)
    /// `config_file=` named a file that cannot be read.
    case unreadableConfigFile(path: String, reason: String)
    /// `config_file=` given with other arguments (gap_fit would silently ignore them).
    case configFileWithOtherArguments(others: [String], at: GapFitLocation)
    /// `config_file=` inside a config file.
    case nestedConfigFile(at: GapFitLocation)
    /// A GAP XML text with no `<command_line>` element.
    case missingCommandLineElement(source: String)

    /// Where, what is wrong and what to do, with a caret excerpt of the line when there is a place.
    public var description: String {
        switch self {
        case .unclosed(let opening, let at):
            return "\(at): '\(opening)' is never closed; add the matching '\(Self.closing(opening))'\n\(at.excerpt)"
        case .unmatchedClosing(let closing, let at):
            return "\(at): '\(closing)' closes nothing; remove it or add the '{' it should close\n\(at.excerpt)"
        case .tooDeep(let limit, let at):
            return "\(at): braces and quotes nested more than \(limit) deep; gap_fit command lines need 3 at most\n"
                + at.excerpt
        case .tooLong(let source, let length, let limit):
            return "\(source): \(length) characters, more than the \(limit) a gap_fit command line may have"
        case .missingKey(let at):
            return "\(at): '=' with no key before it; write key=value with no space before '='\n\(at.excerpt)"
        case .duplicateKey(let key, let first, let second):
            return "\(second): '\(key)' is given twice (first at \(first)); keep one\n\(second.excerpt)"
        case .conflictingAliases(let key, let alias, let first, let second):
            return "\(second): '\(alias)' and '\(key)' (at \(first)) are the same setting; give only one\n"
                + second.excerpt
        case .emptyDescriptor(let index, let at):
            return "\(at): descriptor \(index) in gap={…} is empty; write e.g. gap={soap cutoff=5 …}\n\(at.excerpt)"
        case .missingDescriptorType(let index, let found, let at):
            return "\(at): descriptor \(index) in gap={…} starts with '\(found)', not its type; start it with the "
                + "type, e.g. {distance_2b cutoff=5 …}:{soap …}\n\(at.excerpt)"
        case .badValue(let key, let value, let expected, let at):
            return "\(at): \(key)=\(value) is not valid: expected \(expected)\n\(at.excerpt)"
        case .requiredKey(let key, let context, let example):
            return "\(context) needs \(key)=…, e.g. \(example)"
        case .unsupportedKey(let key, let hint, let at):
            let advice = hint.map { "; \($0)" } ?? "; remove it"
            return "\(at): '\(key)' is not supported\(advice)\n\(at.excerpt)"
        case .unreadableConfigFile(let path, let reason):
            return "config_file=\(path) cannot be read: \(reason)"
        case .configFileWithOtherArguments(let others, let at):
            return "\(at): config_file= replaces the whole command line in gap_fit, so \(others.joined(separator: ", ")) "
                + "would be ignored; put them in the config file\n\(at.excerpt)"
        case .nestedConfigFile(let at):
            return "\(at): config_file= inside a config file; put all arguments in one file\n\(at.excerpt)"
        case .missingCommandLineElement(let source):
            return "\(source): no <command_line> element; gap_fit writes the command line as "
                + "<command_line>…</command_line> in its XML output"
        }
    }

    /// The closing character for an opening quote or brace.
    private static func closing(_ opening: String) -> String {
        switch opening {
        case "{": return "}"
        case "<command_line>": return "</command_line>"
        case "<![CDATA[": return "]]>"
        default: return opening
        }
    }
}
