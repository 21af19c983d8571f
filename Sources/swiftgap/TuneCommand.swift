import ArgumentParser
import Atoms
import Foundation
import GAP
import Support
import TrainingData
import Tuning

/// `swiftgap tune TRAIN.xyz -o DIR --budget 30m`: a search of the fit's settings on validation data carved out
/// of the training file (`HyperparameterSearch`), wired to files.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune",
        abstract: "Search a GAP's settings on validation data from the training file, within a time budget.",
        discussion: """
            The validation configurations are --validation-fraction of the training file (drawn with --seed within \
            each config_type) or a --validation file; a test file is never read. The search starts from the \
            settings given here (the same options as fit) and varies those in --search: first cheaply, with 1/4 \
            of the sparse points (at least 100; σ and δ re-solve kept kernel rows in seconds; every other setting computes new \
            rows), then with all of them. The score is the weighted geometric mean of the validation energy and \
            force errors. Every trial is printed and written to DIR/trials.csv and DIR/tune.svg (DIR/index.html \
            shows both); the best settings go to DIR/settings.json (read by fit --settings) and DIR/fit-command.txt. \
            --fit then fits them on the whole training file into DIR/potential.gap. The same --seed gives the same \
            trials in the same order; the budget decides how many of them run.
            """)

    @Argument(help: "Training set (extxyz); the validation configurations are taken out of it.")
    var train: String

    @Option(name: [.short, .long], help: "Output folder (trials.csv, tune.svg, index.html, settings.json, fit-command.txt).")
    var output: String

    @Option(parsing: .unconditional, help: "Share of the training configurations held out for validation.")
    var validationFraction: Double = 0.1
    @Option(help: "Validation configurations from this file instead (never the test set).") var validation: String?
    @Option(help: "Time the search may take: 90, 90s, 30m, 1.5h (with --fit, the final fit's predicted time included).")
    var budget: DurationArgument
    @Option(
        help: ArgumentHelp(
            "Settings to search, comma-separated: \(TuningParameter.allCases.map(\.rawValue).joined(separator: ",")).",
            valueName: "names"))
    var search: String = TuningParameter.allCases.map(\.rawValue).joined(separator: ",")
    @Option(parsing: .unconditional, help: "Weight of the energy error in the score.") var energyWeight: Double = 1
    @Option(parsing: .unconditional, help: "Weight of the force error in the score.") var forceWeight: Double = 1
    @Option(help: "Errors the score uses: mae or rmse.") var metric: String = "mae"
    @Option(help: "Stop after this many trials.") var maxTrials: Int?
    @Flag(help: "Fit the best settings on the whole training file into DIR/potential.gap.") var fit = false

    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var soapOptions: SOAPOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(parsing: .unconditional, help: "Seed of the validation split and of random choices.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads.") var threads: Int = Parallel.defaultThreads

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        guard validationFraction > 0 && validationFraction < 1 else {
            throw ValidationError("--validation-fraction must be between 0 and 1, found \(validationFraction)")
        }
        for (option, value) in [("--energy-weight", energyWeight), ("--force-weight", forceWeight)]
        where !(value >= 0 && value.isFinite) {
            throw ValidationError("\(option) must be ≥ 0, found \(value)")
        }
        guard energyWeight + forceWeight > 0 else { throw ValidationError("--energy-weight and --force-weight are both 0") }
        guard ["mae", "rmse"].contains(metric) else { throw ValidationError("--metric must be mae or rmse, found '\(metric)'") }
        if let maxTrials, maxTrials < 1 { throw ValidationError("--max-trials must be ≥ 1, found \(maxTrials)") }
        if validation == train { throw ValidationError("--validation \(train) is the training file: give other configurations") }
        _ = try parameters()
    }

    /// The --search names.
    private func parameters() throws -> Set<TuningParameter> {
        var out = Set<TuningParameter>()
        for name in search.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let p = TuningParameter(rawValue: name) else {
                throw ValidationError(
                    "--search: unknown setting '\(name)'; choose among \(TuningParameter.allCases.map(\.rawValue).joined(separator: ","))"
                )
            }
            out.insert(p)
        }
        return out
    }

    func run() throws {
        let names = ["trials.csv", "tune.svg", "index.html", "settings.json", "fit-command.txt"] + (fit ? ["potential.gap"] : [])
        let inputs = [("the training file", train), ("the validation file", validation)]
        try OutputPaths(folders: [("-o", output)], inputs: inputs).check()
        try OutputPaths.createFolder(output, option: "-o")
        try OutputPaths(files: names.map { ("-o", Optional(output + "/" + $0)) }, inputs: inputs).check()

        let (structures, lines) = try readFrames(train, role: "training file")
        let elements = Set(structures.flatMap(\.atomicNumbers))
        let fitting: [Structure], held: [Structure]
        if let validation {
            (fitting, held) = (structures, try readTestFrames(validation, trainingElements: elements, role: "validation file"))
        } else {
            let split = DataSplit(structures, testFraction: validationFraction, seed: seed)
            (fitting, held) = (split.train, split.test)
        }
        guard !held.isEmpty else {
            throw ValidationError("\(train): \(structures.count) configurations leave none for validation; give --validation")
        }
        let base = try baseSettings(structures)
        var search = HyperparameterSearch(
            base: base,
            start: TrialSettings(soap: kernelOptions.soapSettings(soapOptions), kernel: base.kernel, sigmas: base.sigmas),
            parameters: try parameters(), budget: budget.seconds)
        search.maximumTrials = maxTrials
        (search.energyWeight, search.forceWeight, search.scoresMAE) = (energyWeight, forceWeight, metric == "mae")
        var reserved = 0.0
        if fit {
            reserved = try FitEstimate(structures, settings: base).stages.reduce(0) { $0 + $1.seconds }
            search.budget -= reserved
            guard search.budget > 0 else {
                throw ValidationError(
                    String(
                        format: "--budget %.0f s: the final fit (--fit) alone is predicted to take %.0f s", budget.seconds,
                        reserved))
            }
        }
        print(
            "tune: \(fitting.count) configurations fitted, \(held.count) for validation; searching \(search.parameters.count) "
                + String(format: "settings for %.0f s", search.budget)
                + (fit ? String(format: " (%.0f s kept for the final fit)", reserved) : ""))
        print(TuneTable.header)
        fflush(nil)
        let outcome = try search.run(fit: fitting, validation: held) { trial in
            print(TuneTable.row(trial))
            fflush(nil)
        }
        let file = FitSettingsFile(
            outcome: outcome, keys: keyOptions, kernel: kernelOptions, validationTrial: outcome.trials[outcome.bestTrial - 1])
        try AtomicFile.write(Array(TuneTable.csv(outcome.trials).utf8), to: output + "/trials.csv")
        try AtomicFile.write(Array(TunePlot.svg(outcome.trials, best: outcome.bestTrial).utf8), to: output + "/tune.svg")
        try AtomicFile.write(
            Array(TuneTable.html(outcome.trials, best: outcome.bestTrial, train: train).utf8), to: output + "/index.html")
        try AtomicFile.write(try file.json(), to: output + "/settings.json")
        let command = file.commandLine(train: train, output: "potential.gap")
        try AtomicFile.write(Array((command + "\n").utf8), to: output + "/fit-command.txt")
        print("")
        print("best: trial \(outcome.bestTrial) (\(outcome.trials[outcome.bestTrial - 1].phase)); fit it with")
        print("  " + command)
        print("or: swiftgap fit \(train) -o potential.gap --settings \(output)/settings.json")
        print("wrote \(output)/trials.csv, tune.svg, index.html, settings.json, fit-command.txt")
        guard fit else { return }
        print("")
        print("final fit on all \(structures.count) training configurations:")
        var run = FitRun(
            train: train, structures: structures, lines: lines, test: nil, testStructures: nil, keys: keyOptions.keys,
            settings: outcome.settings, output: output + "/potential.gap", metrics: nil, report: nil)
        run.command = command
        try run.run(start: Date())
    }

    /// The fit settings that are not searched, from the options; each element's sparse points capped at its atoms
    /// in `structures` (a note says so).
    private func baseSettings(_ structures: [Structure]) throws -> FitSettings {
        var atoms = [Int: Int]()
        for s in structures { for z in s.atomicNumbers { atoms[z, default: 0] += 1 } }
        let requested = try kernelOptions.nSparse.resolve(elements: Set(atoms.keys))
        var counts = [Int: Int]()
        for (z, n) in atoms.sorted(by: { $0.key < $1.key }) {
            let wanted = requested.byElement[z] ?? requested.all
            counts[z] = min(wanted, n)
            if wanted > n { print("note: \(Element.label(z)) has \(n) atoms: at most \(n) sparse points, not \(wanted)") }
        }
        return FitSettings(
            soap: kernelOptions.soapSettings(soapOptions),
            kernel: PolynomialKernel(delta: kernelOptions.delta, zeta: kernelOptions.zeta),
            sparseCount: counts.values.max() ?? 1, sparseCountByElement: counts, sparseMethod: .cur,
            sigmas: kernelOptions.sigmas, keys: keyOptions.keys, e0: try kernelOptions.e0Mode(), jitter: kernelOptions.jitter,
            seed: seed, threads: threads, useVirials: !kernelOptions.noVirials, storeVariance: true)
    }
}
