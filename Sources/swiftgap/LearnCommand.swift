import ArgumentParser
import Atoms
import Classical
import Foundation
import GAP
import Learning
import Support
import TrainingData

/// `swiftgap learn INITIAL.xyz --pool POOL.xyz --oracle sw -o DIR`: active learning (`ActiveLearning`), wired to files.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Active learning: fit, pick the most uncertain candidates (kept diverse), label them, refit.",
        discussion: """
            Round 0 fits the initial labelled set; each further round scores the candidates (what is left of --pool, \
            or the frames of a short Langevin MD run from --md with the current potential) by their mean predicted \
            force σ, picks --per-round of them with select's uncertain-and-diverse rule, labels them with the oracle \
            (--oracle sw|lj in-process, or --oracle-command, run through sh with {in} and {out} replaced by extxyz \
            paths in DIR/oracle) and refits. Stops after --rounds, at the end of the round that passes --budget, or \
            when the mean candidate σ falls below --stop-sigma. The model is fit's: SOAP, 2- and 3-body --gap terms, \
            a --core-zbl or --core-table potential, and --settings files from tune. Writes DIR/learn.csv (a line per round, also \
            printed), DIR/labelled.xyz, DIR/potential.gap and DIR/learn.svg. The same --seed gives the same picks.
            """)

    enum OracleName: String, ExpressibleByArgument, CaseIterable {
        case sw, lj
    }

    @Argument(help: "The initial labelled configurations (extxyz).")
    var initial: String

    @Option(help: "The pool of candidate configurations (extxyz); each is picked at most once.") var pool: String?
    @Option(help: "Make the candidates by MD with the current potential from the first frame of this file.") var md: String?
    @Option(parsing: .unconditional, help: "MD steps per round (with --md).") var mdSteps: Int = 200
    @Option(parsing: .unconditional, help: "Keep an MD frame every this many steps (with --md).") var mdInterval: Int = 10
    @Option(parsing: .unconditional, help: "MD temperature, K (with --md).") var temperature: Double = 300
    @Option(parsing: .unconditional, help: "MD time step, fs (with --md).") var timeStep: Double = 1

    @Option(help: "Label with a classical reference: sw (Stillinger–Weber Si) or lj (Lennard-Jones Ar–Kr).")
    var oracle: OracleName?
    @Option(help: "Label with a command reading {in} and writing {out} (extxyz), e.g. \"./dft.sh {in} {out}\".")
    var oracleCommand: String?

    @Option(parsing: .unconditional, help: "Rounds of labelling.") var rounds: Int = 8
    @Option(parsing: .unconditional, help: "Configurations labelled per round.") var perRound: Int = 10
    @Option(help: "How many of the most uncertain candidates the diverse picks come from (default 3 × --per-round).")
    var candidates: Int?
    @Option(help: "Test set the errors of every round are reported on.") var test: String?
    @Option(parsing: .unconditional, help: "Stop when the mean candidate force σ falls below this, eV/Å.") var stopSigma: Double?
    @Option(help: "Stop at the end of the round that passes this time: 90, 90s, 30m, 1.5h.") var budget: DurationArgument?
    @Option(help: "The variance candidates are scored by: full or projected.") var uncertainty: UncertaintyModel = .full

    @Option(
        help: ArgumentHelp(
            "Fit options from a settings file (what swiftgap tune writes); options given here as well win.",
            valueName: "settings.json"))
    var settings: String?
    @OptionGroup var keyOptions: KeyOptions
    @OptionGroup var soapOptions: SOAPOptions
    @OptionGroup var model: ModelTermOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(parsing: .unconditional, help: "Seed of random choices (sparse points, MD).") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Worker threads.") var threads: Int = Parallel.defaultThreads

    @Option(name: [.short, .long], help: "Output folder (learn.csv, labelled.xyz, potential.gap, learn.svg).")
    var output: String

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        guard (pool == nil) != (md == nil) else { throw ValidationError("give the candidates by one of --pool and --md") }
        guard (oracle == nil) != (oracleCommand == nil) else {
            throw ValidationError(
                "give one oracle: --oracle \(OracleName.allCases.map(\.rawValue).joined(separator: "|")) or --oracle-command")
        }
        do {
            try loop(settings: FitSettings()).validate()
            if let oracleCommand { _ = try CommandOracle(command: oracleCommand, folder: output) }
        } catch { throw ValidationError("\(error)") }
    }

    /// The loop's settings around the fit `settings`.
    private func loop(settings: FitSettings) -> ActiveLearning {
        var loop = ActiveLearning(settings: settings)
        loop.rounds = rounds
        loop.perRound = perRound
        loop.diverseCandidates = candidates
        loop.stopSigma = stopSigma
        loop.budget = budget?.seconds
        loop.uncertainty = uncertainty
        return loop
    }

    /// The MD runs of --md from `start` (nil for a pool).
    private func mdCandidates(start: Structure) -> MDCandidates? {
        guard md != nil else { return nil }
        var candidates = MDCandidates(start: start, steps: mdSteps, interval: mdInterval, temperature: temperature)
        candidates.timeStep = timeStep
        return candidates
    }

    func run() throws {
        let files = ["learn.csv", "labelled.xyz", "potential.gap", "learn.svg"].map { (option: "-o", path: output + "/" + $0) }
        let inputs = [
            ("the initial set", initial), ("the pool", pool), ("the MD start", md), ("the test file", test),
            ("the --core-table", model.coreTable)
        ]
        try OutputPaths(folders: [("-o", output)], inputs: inputs).check()
        try OutputPaths.createFolder(output, option: "-o")
        try OutputPaths(files: files.map { ($0.option, Optional($0.path)) }, inputs: inputs).check()

        let (structures, _) = try readFrames(initial, role: "initial set")
        let elements = Set(structures.flatMap(\.atomicNumbers))
        let source: CandidateSource
        if let pool {
            source = .pool(try readTestFrames(pool, trainingElements: elements, role: "pool"))
        } else if let md, let start = try readTestFrames(md, trainingElements: elements, role: "MD start").first,
            let runs = mdCandidates(start: start)
        {
            source = .dynamics(runs)
        } else {
            throw ValidationError("give the candidates by one of --pool and --md")
        }
        let testStructures = try test.map { try readTestFrames($0, trainingElements: elements) } ?? []
        let labeller: any Oracle
        switch oracle {
        case .sw?: labeller = CalculatorOracle(StillingerWeber(), elements: [14])
        case .lj?: labeller = CalculatorOracle(ReferenceSets.argonKrypton, elements: [18, 36])
        case nil:
            let folder = output + "/oracle"
            try OutputPaths.createFolder(folder, option: "-o")
            labeller = try CommandOracle(command: oracleCommand ?? "", folder: folder, keys: keyOptions.keys)
        }
        let counts = try kernelOptions.nSparse.resolve(elements: elements)
        if let settings { print("settings from \(settings)") }
        let fitSettings = FitSettings(
            soap: model.soapSettings(kernelOptions, soapOptions),
            kernel: PolynomialKernel(delta: kernelOptions.delta, zeta: kernelOptions.zeta), terms: try model.geometricTerms(),
            core: try model.core(), sparseCount: counts.all,
            sparseCountByElement: counts.byElement, sigmas: kernelOptions.sigmas, keys: keyOptions.keys,
            e0: try kernelOptions.e0Mode(), jitter: kernelOptions.jitter, seed: seed, threads: threads,
            useVirials: !kernelOptions.noVirials)

        var csv = LearningRound.csvHeader + "\n"
        let outcome = try loop(settings: fitSettings).run(
            initial: structures, candidates: source, oracle: labeller, test: testStructures
        ) { round in
            csv += round.csvLine + "\n"
            try AtomicFile.write(Array(csv.utf8), to: output + "/learn.csv")
            print(Self.describe(round))
        }

        let labelledPath = output + "/labelled.xyz", potentialPath = output + "/potential.gap"
        try ExtXYZWriter.write(outcome.labelled, to: labelledPath)
        var fit = FitRecord(
            settings: fitSettings, trainingFile: labelledPath, trainingSHA256: try FileDigest.sha256(ofFile: labelledPath),
            trainingConfigurations: outcome.labelled.count, testFile: test, observations: outcome.report.observations,
            reciprocalCondition: outcome.report.reciprocalCondition, warnings: outcome.report.warnings)
        fit.command = "swiftgap learn " + CommandLine.arguments.dropFirst(2).joined(separator: " ")
        try PotentialFiles.write(outcome.potential, to: potentialPath, fit: fit)
        try AtomicFile.write(Array(LearnPlot.svg(outcome.rounds).utf8), to: output + "/learn.svg")
        print("stopped: \(outcome.stop.rawValue); \(outcome.labelled.count) labelled configurations")
        print("wrote \(output)/learn.csv, \(labelledPath), \(potentialPath), \(output)/learn.svg")
    }

    /// One round as a line for the terminal.
    static func describe(_ r: LearningRound) -> String {
        var text = String(format: "round %d: %d labelled", r.round, r.labelled)
        if let e = r.testEnergyRMSE { text += String(format: ", test energy RMSE %.4g meV/atom", 1000 * e) }
        if let f = r.testForceRMSE { text += String(format: ", test force RMSE %.4g eV/Å", f) }
        text += String(
            format: ", force σ mean %.4g max %.4g eV/Å over %d candidates, %.1f s", r.meanSigma, r.maxSigma, r.candidates, r.seconds
        )
        return text + (r.note.map { " (\($0))" } ?? "")
    }
}
