import ArgumentParser
import Atoms
import Classical
import Evaluation
import Foundation
import GAP
import Interop
import Support

/// `swiftgap fit TRAIN.xyz -o POTENTIAL`: fits a GAP to energies, forces and virials.
struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a GAP (SOAP, and 2- and 3-body terms) to the energies, forces and virials of an extxyz file.",
        discussion: """
            Energies, forces and virials are used wherever a configuration has them. σ for energies and virials
            are per atom and scale with √N (per-configuration info keys energy_sigma, force_sigma, virial_sigma are
            absolute). Prints the predicted peak memory and stage times first (--estimate: only those), then train
            (and test) errors and the time of each stage; writes the potential as a .gap file, or as GAP XML for QUIP, quippy and LAMMPS when its name ends in .xml.
            """)

    @Argument(help: "Training set (extxyz).")
    var train: String

    @Option(
        name: [.short, .long],
        help: "Potential to write: GAP XML (with sparseX files beside it) for a name ending in .xml, else a .gap (.npz) file.")
    var output: String

    @Option(help: "Test set to report errors on (never used for fitting).")
    var test: String?

    @Option(
        help: ArgumentHelp(
            "Validation set (not the test set) on which to calibrate the predicted standard deviations.",
            discussion:
                "The factors √(mean (error/σ)²) of energies and force components are stored in the potential and scale "
                + "predict --uncertainty; with --test the calibrated deviations are compared with the test errors."))
    var calibration: String?

    @Option(help: "The variance --calibration calibrates: full (the sparse GP's whole variance) or projected.")
    var uncertainty: UncertaintyModel = .full

    @Option(
        help: ArgumentHelp(
            "Options from a settings file (what swiftgap tune writes); options given here as well win.",
            valueName: "settings.json"))
    var settings: String?

    @OptionGroup var keyOptions: KeyOptions

    @OptionGroup var soapOptions: SOAPOptions
    @OptionGroup var model: ModelTermOptions
    @OptionGroup var kernelOptions: KernelOptions
    @Option(help: "Sparse point choice.") var sparseMethod: SparseMethodArgument = .cur
    @Option(help: "With --sparse-method file: lines '<element> <index>', index 0-based among that element's atoms in file order.")
    var sparseFile: String?
    @Option(help: "Write the chosen sparse points in the --sparse-file format.") var sparseOutput: String?
    @Option(help: "σ for one config_type, TYPE:E:F:V (repeatable).") var configTypeSigma: [String] = []
    @Flag(help: "Do not store the factors for predictive variances (smaller file).") var noVariance = false
    @Flag(help: "Keep configurations with two atoms closer than 0.5 Å (they are left out by default).") var allowCloseAtoms = false
    @Option(parsing: .unconditional, help: "Seed of random choices.") var seed: UInt64 = 1
    @OptionGroup var sharing: WorkSharingOptions
    @Flag(help: "Print the predicted peak memory and the time of each stage, and exit without fitting.") var estimate = false
    @Option(help: "Write errors, timings and peak memory as JSON.") var metrics: String?
    @Option(help: "Write parity plots, an error histogram and index.html into this folder.") var report: String?

    func validate() throws {
        if let calibration {
            if noVariance { throw ValidationError("--calibration needs the variance factors that --no-variance leaves out") }
            if PotentialFiles.writesGapXML(output) {
                throw ValidationError("--calibration: GAP XML holds neither variance factors nor a calibration; write a .gap file")
            }
            for (option, path) in [("the training file", train), ("--test", test)] where path == calibration {
                throw ValidationError(
                    "--calibration \(calibration) is \(option): calibrate on separate validation data (e.g. 10 % of the "
                        + "training configurations held out of the fit)")
            }
        }
        switch (sparseMethod, sparseFile) {
        case (.file, nil): throw ValidationError("--sparse-method file needs --sparse-file")
        case (.cur, _?), (.random, _?), (.fps, _?):
            throw ValidationError(
                "--sparse-file is read only with --sparse-method file (found --sparse-method \(sparseMethod.rawValue))")
        default: break
        }
        _ = try configTypeSigmas()
        if PotentialFiles.writesGapXML(output) && (model.coreZbl != nil || model.coreTable != nil) {
            throw ValidationError(
                "-o \(output): GAP XML cannot hold a \(model.coreZbl != nil ? "LAMMPS-switched ZBL (--core-zbl)" : "tabulated pair (--core-table)") "
                    + "core: QUIP has IP ZBL with its own cutoff only; write a .gap file, or fit with swiftgap gap_fit and "
                    + "core_ip_args={IP ZBL cutoff=… cutoff_width=…}")
        }
    }

    func run() throws {
        let start = Date()
        let run = try Ranks.prepare {
            try OutputPaths(
                files: [("-o", output), ("--metrics", metrics), ("--sparse-output", sparseOutput)],
                folders: [("--report", report)],
                inputs: [
                    ("the training file", train), ("the test file", test), ("the --sparse-file", sparseFile),
                    ("the --core-table", model.coreTable), ("the calibration file", calibration)
                ]
            ).check()
            let keys = keyOptions.keys
            let (structures, lines) = try readFrames(train, role: "training file")
            let elements = Set(structures.flatMap(\.atomicNumbers))
            let testStructures = try test.map { try readTestFrames($0, trainingElements: elements) }
            var run = FitRun(
                train: train, structures: structures, lines: lines, test: test, testStructures: testStructures, keys: keys,
                settings: try makeSettings(keys: keys, structures: structures), output: output, metrics: metrics,
                report: report)
            run.calibration = try calibration.map {
                FitRun.CalibrationSet(
                    path: $0, structures: try readTestFrames($0, trainingElements: elements, role: "calibration file"),
                    model: uncertainty)
            }
            return run
        }
        if let settings, Ranks.world.isRoot { print("settings from \(settings)") }
        if estimate {
            if Ranks.world.isRoot { print(try run.estimate().summary) }
            return
        }
        try run.run(start: start) { [sparseOutput] fitReport in
            guard let sparseOutput else { return [] }
            var text = ""
            for (z, indices) in fitReport.sparseIndices.sorted(by: { $0.key < $1.key }) {
                for i in indices { text += "\(Element.label(z)) \(i)\n" }
            }
            return [(sparseOutput, text)]
        }
    }

    /// The --config-type-sigma values by config_type.
    private func configTypeSigmas() throws -> [String: Sigmas] {
        var typeSigmas = [String: Sigmas]()
        for item in configTypeSigma {
            let parts = item.split(separator: ":").map(String.init)
            guard parts.count == 4, let e = Double(parts[1]), let f = Double(parts[2]), let v = Double(parts[3]), e > 0, f > 0,
                v > 0
            else {
                throw ValidationError("--config-type-sigma must be TYPE:E:F:V with positive σ, found '\(item)'")
            }
            typeSigmas[parts[0]] = Sigmas(energy: e, force: f, virial: v)
        }
        return typeSigmas
    }

    private func makeSettings(keys: ReferenceKeys, structures: [Structure]) throws -> FitSettings {
        let e0Mode = try kernelOptions.e0Mode(), typeSigmas = try configTypeSigmas()
        let counts = try kernelOptions.nSparse.resolve(elements: Set(structures.flatMap(\.atomicNumbers)))
        let method: SparseMethod
        var indices = [Int: [Int]]()
        switch sparseMethod {
        case .cur: method = .cur
        case .random: method = .random
        case .fps: method = .fps
        case .file:
            guard let sparseFile else { throw ValidationError("--sparse-method file needs --sparse-file") }
            indices = try readSparseFile(sparseFile, structures: structures)
            method = .indices([])
        }
        var settings = FitSettings(
            soap: model.soapSettings(kernelOptions, soapOptions),
            kernel: PolynomialKernel(delta: kernelOptions.delta, zeta: kernelOptions.zeta), terms: try model.geometricTerms(),
            core: try model.core(),
            sparseCount: counts.all,
            sparseCountByElement: counts.byElement,
            sparseMethod: method,
            sparseIndices: indices, sigmas: kernelOptions.sigmas,
            configTypeSigmas: typeSigmas, keys: keys, e0: e0Mode, jitter: kernelOptions.jitter, seed: seed,
            useVirials: !kernelOptions.noVirials, storeVariance: !noVariance, allowCloseAtoms: allowCloseAtoms)
        sharing.apply(to: &settings)
        return settings
    }

    private func readSparseFile(_ path: String, structures: [Structure]) throws -> [Int: [Int]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ValidationError("--sparse-file \(path): cannot be read as text; check the path")
        }
        let elements = Set(structures.flatMap(\.atomicNumbers))
        var out = [Int: [Int]]()
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let parts = line.split(whereSeparator: \.isWhitespace)
            if parts.isEmpty || parts[0].hasPrefix("#") { continue }
            let (element, indexText): (Int?, Substring) =
                parts.count == 2
                ? (Element.atomicNumber(String(parts[0])) ?? Int(parts[0]), parts[1])
                : (elements.count == 1 ? elements.first : nil, parts[0])
            guard let z = element, let index = Int(indexText), parts.count <= 2 else {
                throw ValidationError("\(path):\(k + 1): expected '<element> <index>' (or '<index>' for one element)")
            }
            out[z, default: []].append(index)
        }
        return out
    }
}
