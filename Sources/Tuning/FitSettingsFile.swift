import Foundation
import Support

/// A settings file for `fit --settings FILE` and `learn --settings FILE` (what `tune` writes): `fit` options by
/// their long names, in JSON,
///
///     {"format": "swiftgap fit settings", "version": 1,
///      "options": {"cutoff": 5, "n-max": 8, "n-sparse": "C=2000,H=2000", "gap": ["distance_2b …"], "no-virials": true},
///      "validation": {…}}
///
/// The command puts the file's options right after its name, so an option also given on the command line wins. Only the
/// options below are accepted (the model's settings and where the reference data are; not files, threads or
/// outputs); any other key is an error that names it.
public struct FitSettingsFile: Sendable {
    /// Options with a value, in the order they are written; `gap` and `config-type-sigma` may repeat.
    public var options: [(name: String, values: [String])]
    /// Flags that are set.
    public var flags: [String]
    /// What `tune` measured with them (written, not read back).
    public var validation: [String: Double]

    /// The `fit` options a file may give a value.
    public static let valueOptions: Set<String> = [
        "cutoff", "cutoff-width", "n-max", "l-max", "atom-sigma", "central-weight", "zeta", "delta", "n-sparse",
        "sigma-energy", "sigma-force", "sigma-virial", "e0", "jitter", "gap", "config-type-sigma", "energy-key",
        "forces-key", "virial-key", "stress-key", "config-type-key", "sparse-method", "core-zbl", "seed"
    ]
    /// The value options that may be given a list of values.
    public static let repeatable: Set<String> = ["gap", "config-type-sigma"]
    /// The `fit` flags a file may set.
    public static let flagOptions: Set<String> = ["no-virials", "no-soap", "allow-close-atoms"]
    /// The file's `"format"`.
    public static let format = "swiftgap fit settings"

    /// Settings with these options (non-repeatable ones with one value each), flags and validation errors.
    public init(options: [(name: String, values: [String])], flags: [String], validation: [String: Double] = [:]) {
        self.options = options
        self.flags = flags
        self.validation = validation
    }

    /// The file's JSON.
    public func json() throws -> [UInt8] {
        var object = [String: Any]()
        for (name, values) in options { object[name] = Self.repeatable.contains(name) ? values : values[0] }
        for flag in flags { object[flag] = true }
        let document: [String: Any] = ["format": Self.format, "version": 1, "options": object, "validation": validation]
        return Array(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]))
    }

    /// The options as command-line arguments.
    public var arguments: [String] {
        options.flatMap { option in option.values.flatMap { ["--" + option.name, $0] } } + flags.map { "--" + $0 }
    }

    /// A string or a number of the file as command-line text (integral numbers without a decimal point).
    private static func argument(_ value: JSONValue) -> String? {
        switch value {
        case let .string(t): t
        case let .number(x): x == x.rounded() && abs(x) < 1e15 ? "\(Int64(x))" : "\(x)"
        default: nil
        }
    }

    /// Reads the file at `path`.
    /// - Throws: `FitSettingsFileError` naming the file and the key or value that is wrong.
    public init(path: String) throws(FitSettingsFileError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FitSettingsFileError(file: path, problem: "cannot be read; check the path")
        }
        try self.init(contents: data, file: path)
    }

    /// Reads `contents`, the text of the settings file `file` (named in errors).
    /// - Throws: `FitSettingsFileError` naming the file and the key or value that is wrong.
    public init(contents: Data, file: String) throws(FitSettingsFileError) {
        func fail(_ problem: String) -> FitSettingsFileError { FitSettingsFileError(file: file, problem: problem) }
        guard let document = try? JSONDecoder().decode([String: JSONValue].self, from: contents) else {
            throw fail("is not a JSON object (a settings file is what swiftgap tune writes as settings.json)")
        }
        if let unknown = document.keys.sorted().first(where: { !["format", "version", "options", "validation"].contains($0) }) {
            throw fail("unknown key '\(unknown)'; a settings file has format, version, options and validation")
        }
        guard case .string(Self.format)? = document["format"], case .number(1)? = document["version"] else {
            throw fail("expected \"format\": \"\(Self.format)\" and \"version\": 1")
        }
        guard case let .object(object)? = document["options"] else { throw fail("\"options\" must be an object") }
        var options = [(name: String, values: [String])](), flags = [String]()
        for name in object.keys.sorted() {
            let value = object[name]!
            if Self.flagOptions.contains(name) {
                guard case let .bool(on) = value else { throw fail("option '\(name)' is a flag: true or false") }
                if on { flags.append(name) }
            } else if Self.valueOptions.contains(name) {
                let repeats = Self.repeatable.contains(name)
                let values: [JSONValue]
                if case let .array(items) = value, repeats { values = items } else { values = [value] }
                var texts = [String]()
                for v in values {
                    guard let text = Self.argument(v) else {
                        throw fail("option '\(name)' needs a string or a number\(repeats ? " (or a list of them)" : "")")
                    }
                    texts.append(text)
                }
                options.append((name, texts))
            } else {
                let known = Self.valueOptions.union(Self.flagOptions).sorted().joined(separator: ", ")
                throw fail("unknown option '\(name)'; a settings file may set \(known)")
            }
        }
        self.init(options: options, flags: flags)
    }
}
