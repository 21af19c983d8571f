import ArgumentParser
import Atoms
import Foundation
import GAP
import Tuning

/// `FitSettingsFile` on the command line: what `tune` writes, and the options of `fit --settings FILE` put
/// right after `fit` before parsing.
extension FitSettingsFile {
    /// The settings `tune` found best, with the key and kernel options it ran with.
    init(outcome: HyperparameterSearch.Outcome, keys: KeyOptions, kernel: KernelOptions, validationTrial: Trial) {
        let s = outcome.best
        func number(_ x: Double) -> String { "\(x)" }
        var options: [(name: String, values: [String])] = [
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
        let e = validationTrial.errors
        var validation = ["trial": Double(validationTrial.number), "score": validationTrial.score]
        for (key, value) in [
            ("energy_mae", e.energyMAE), ("force_mae", e.forceMAE), ("energy_rmse", e.energyRMSE), ("force_rmse", e.forceRMSE)
        ] {
            if let value { validation[key] = value }
        }
        self.init(options: options, flags: kernel.noVirials ? ["no-virials"] : [], validation: validation)
    }

    /// A 2-body term in gap_fit's descriptor syntax (what `fit --gap` reads).
    static func gapFitSyntax(_ term: GeometricTermSettings) -> String {
        let cutoff = term.descriptor.cutoff
        return "distance_2b cutoff=\(cutoff.cutoff) cutoff_transition_width=\(cutoff.width) covariance_type=ard_se "
            + "delta=\(term.kernel.delta) theta_uniform=\(term.kernel.theta[0]) n_sparse=\(term.sparseCount) sparse_method=uniform"
    }

    /// `swiftgap fit TRAIN -o OUTPUT` with these options, quoted for a POSIX shell where needed.
    func commandLine(train: String, output: String) -> String {
        func quoted(_ s: String) -> String {
            s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=,:+".contains($0) })
                ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return (["swiftgap", "fit", train, "-o", output] + arguments).map(quoted).joined(separator: " ")
    }

    /// The options of a settings file that `learn` does not take (it picks its sparse points by CUR and keeps
    /// every configuration it is given).
    static let fitOnly: Set<String> = ["config-type-sigma", "sparse-method", "allow-close-atoms"]

    /// `arguments` (the command line without the program name) with the options of a `fit --settings FILE`
    /// or `learn --settings FILE` file put right after the command; other command lines unchanged.
    /// - Throws: `ValidationError` for an unreadable or invalid file, naming `--settings`, the file and what is wrong.
    static func expanding(_ arguments: [String]) throws -> [String] {
        guard let command = arguments.first, command == "fit" || command == "learn" else { return arguments }
        var path: String?
        for (k, argument) in arguments.enumerated() {
            if argument == "--settings", k + 1 < arguments.count { path = arguments[k + 1] }
            if argument.hasPrefix("--settings=") { path = String(argument.dropFirst("--settings=".count)) }
        }
        guard let path else { return arguments }
        let file: FitSettingsFile
        do { file = try FitSettingsFile(path: path) } catch { throw ValidationError("--settings \(error)") }
        if command == "learn",
            let option = (file.options.map(\.name) + file.flags).first(where: { Self.fitOnly.contains($0) })
        {
            throw ValidationError(
                "--settings \(path): '\(option)' is an option of fit that learn does not take; remove it from the file")
        }
        return [command] + file.arguments + arguments.dropFirst()
    }
}
