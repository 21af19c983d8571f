import ArgumentParser
import Atoms
import Foundation
import GAP
import Support
import Tuning

/// A settings file for `fit --settings FILE` (what `tune` writes): `fit` options by their long names, in JSON,
///
///     {"format": "swiftgap fit settings", "version": 1,
///      "options": {"cutoff": 5, "n-max": 8, "n-sparse": "C=2000,H=2000", "gap": ["distance_2b …"], "no-virials": true},
///      "validation": {…}}
///
/// Before parsing, `expanding` puts the file's options right after `fit`, so an option also given on the command
/// line wins. Only the options below are accepted (the model's settings and where the reference data are;
/// not files, threads or outputs); any other key is an error that names it.
struct FitSettingsFile {
    /// Options with a value, in the order they are written; `gap` and `config-type-sigma` may repeat.
    var options: [(name: String, values: [String])]
    /// Flags that are set.
    var flags: [String]
    /// What `tune` measured with them (written, not read back).
    var validation: [String: Double] = [:]

    static let valueOptions: Set<String> = [
        "cutoff", "cutoff-width", "n-max", "l-max", "atom-sigma", "central-weight", "zeta", "delta", "n-sparse",
        "sigma-energy", "sigma-force", "sigma-virial", "e0", "jitter", "gap", "config-type-sigma", "energy-key",
        "forces-key", "virial-key", "stress-key", "config-type-key", "sparse-method", "core-zbl", "seed"
    ]
    static let repeatable: Set<String> = ["gap", "config-type-sigma"]
    static let flagOptions: Set<String> = ["no-virials", "no-soap", "allow-close-atoms"]
    static let format = "swiftgap fit settings"

    /// The settings `tune` found best, with the key and kernel options it ran with.
    init(outcome: HyperparameterSearch.Outcome, keys: KeyOptions, kernel: KernelOptions, validationTrial: Trial) {
        let s = outcome.best
        func number(_ x: Double) -> String { "\(x)" }
        var options: [(String, [String])] = [
            ("cutoff", [number(s.cutoff)]), ("cutoff-width", [number(s.cutoffWidth)]), ("n-max", ["\(s.nMax)"]),
            ("l-max", ["\(s.lMax)"]), ("atom-sigma", [number(s.atomSigma)]), ("central-weight", [number(s.centralWeight)]),
            ("zeta", [number(s.zeta)]), ("delta", [number(s.delta)]),
            (
                "n-sparse",
                [
                    outcome.sparseCounts.sorted { $0.key < $1.key }.map { "\(Element.label($0.key))=\($0.value)" }.joined(
                        separator: ",")
                ]
            ),
            ("sigma-energy", [number(s.sigmaEnergy)]), ("sigma-force", [number(s.sigmaForce)]),
            ("sigma-virial", [number(s.sigmaVirial)]), ("e0", [kernel.e0]), ("jitter", [number(kernel.jitter)]),
            ("seed", ["\(outcome.settings.seed)"])
        ]
        if s.twoBody { options.append(("gap", [Self.gapFitSyntax(s.twoBodyTerm)])) }
        for (name, value) in [
            ("energy-key", keys.energyKey), ("forces-key", keys.forcesKey), ("virial-key", keys.virialKey),
            ("stress-key", keys.stressKey)
        ] {
            if let value { options.append((name, [value])) }
        }
        if keys.configTypeKey != "config_type" { options.append(("config-type-key", [keys.configTypeKey])) }
        self.options = options
        flags = kernel.noVirials ? ["no-virials"] : []
        let e = validationTrial.errors
        validation = ["trial": Double(validationTrial.number), "score": validationTrial.score]
        for (key, value) in [
            ("energy_mae", e.energyMAE), ("force_mae", e.forceMAE), ("energy_rmse", e.energyRMSE), ("force_rmse", e.forceRMSE)
        ] {
            if let value { validation[key] = value }
        }
    }

    /// A 2-body term in gap_fit's descriptor syntax (what `fit --gap` reads).
    static func gapFitSyntax(_ term: GeometricTermSettings) -> String {
        let cutoff = term.descriptor.cutoff
        return "distance_2b cutoff=\(cutoff.cutoff) cutoff_transition_width=\(cutoff.width) covariance_type=ard_se "
            + "delta=\(term.kernel.delta) theta_uniform=\(term.kernel.theta[0]) n_sparse=\(term.sparseCount) sparse_method=uniform"
    }

    /// The file's JSON.
    func json() throws -> [UInt8] {
        var object = [String: Any]()
        for (name, values) in options { object[name] = Self.repeatable.contains(name) ? values : values[0] }
        for flag in flags { object[flag] = true }
        let document: [String: Any] = ["format": Self.format, "version": 1, "options": object, "validation": validation]
        return Array(try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys]))
    }

    /// The options as command-line arguments.
    var arguments: [String] {
        options.flatMap { option in option.values.flatMap { ["--" + option.name, $0] } } + flags.map { "--" + $0 }
    }

    /// `swiftgap fit TRAIN -o OUTPUT` with these options, quoted for a POSIX shell where needed.
    func commandLine(train: String, output: String) -> String {
        func quoted(_ s: String) -> String {
            s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:+".contains($0) })
                ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return (["swiftgap", "fit", train, "-o", output] + arguments).map(quoted).joined(separator: " ")
    }

    /// A string or a number of the file as command-line text (integral numbers without a decimal point).
    private static func argument(_ value: JSONValue) -> String? {
        switch value {
        case let .string(t): t
        case let .number(x): x == x.rounded() && abs(x) < 1e15 ? "\(Int64(x))" : "\(x)"
        default: nil
        }
    }

    /// Reads `path`.
    /// - Throws: `ValidationError` naming the file and the key or value that is wrong.
    init(path: String) throws {
        func fail(_ detail: String) -> ValidationError { ValidationError("--settings \(path): \(detail)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot be read; check the path") }
        guard let document = try? JSONDecoder().decode([String: JSONValue].self, from: data) else {
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
        self.options = options
        self.flags = flags
    }

    /// `arguments` (the command line without the program name) with the options of a `fit --settings FILE`
    /// file put right after `fit`; other command lines unchanged.
    /// - Throws: `ValidationError` for an unreadable or invalid file.
    static func expanding(_ arguments: [String]) throws -> [String] {
        guard arguments.first == "fit" else { return arguments }
        var path: String?
        for (k, argument) in arguments.enumerated() {
            if argument == "--settings", k + 1 < arguments.count { path = arguments[k + 1] }
            if argument.hasPrefix("--settings=") { path = String(argument.dropFirst("--settings=".count)) }
        }
        guard let path else { return arguments }
        return ["fit"] + (try FitSettingsFile(path: path)).arguments + arguments.dropFirst()
    }
}
