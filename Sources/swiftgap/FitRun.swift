import Atoms
import Evaluation
import Foundation
import GAP
import Support

/// What `fit` and `gap_fit` share once their settings are made: the fit with progress, train and test
/// errors, the parity report, extra outputs, the metrics, the fit record and the potential file — written last,
/// so that a failure anywhere leaves no new potential behind and a written potential means success (every
/// output path was tried before the fit, `OutputPaths`). Under mpirun the fit and the errors are shared among
/// the ranks (`Ranks`), and rank 0 writes.
struct FitRun {
    let train: String
    let structures: [Structure]
    let lines: [Int]
    let test: String?
    let testStructures: [Structure]?
    let keys: ReferenceKeys
    let settings: FitSettings
    let output: String
    let metrics: String?
    let report: String?
    /// The command line that asked for the fit, kept in the fit record.
    var command: String?
    /// The validation set the predicted deviations are calibrated on (`fit --calibration`).
    var calibration: CalibrationSet?

    /// Validation configurations and the variance whose deviations they calibrate.
    struct CalibrationSet {
        let path: String
        let structures: [Structure]
        let model: UncertaintyModel
    }

    /// Runs the fit; `extraOutputs` gives further files (path, text) from the fit report, written before the
    /// potential. The `--metrics` stage times end where the potential starts to be written (the printed ones
    /// add "write potential" and the whole run's total).
    func run(start: Date, extraOutputs: (FitReport) -> [(path: String, text: String)] = { _ in [] }) throws {
        try PotentialFiles.checkWritable(core: settings.core, to: output)
        if Ranks.world.isRoot {
            print(try estimate().summary)
            fflush(nil)  // every output stream: the line is seen before the fit starts, also in a file
        }
        let stages = Progress.StageReporter()
        let world = Ranks.world
        var (potential, fitReport) = try GAPTrainer.fit(structures, lines: lines, settings: settings, communicator: world) {
            stage, done, total in stages.update(stage, done, total)
        }
        for warning in fitReport.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        var seconds = fitReport.seconds.map { ($0.stage, $0.seconds) }

        var clock = Date()
        let trainErrors = try Predictions(
            structures, calculator: potential, keys: keys, communicator: world,
            progress: Progress("train errors", total: structures.count).update)
        seconds.append(("train errors", Date().timeIntervalSince(clock)))
        var sets = [("train", trainErrors)]
        var samples = [ParityReport.Samples(name: "train", structures: structures, predictions: trainErrors, keys: keys)]
        if let testStructures {
            clock = Date()
            let testErrors = try Predictions(
                testStructures, calculator: potential, keys: keys, communicator: world,
                progress: Progress("test errors", total: testStructures.count).update)
            seconds.append(("test errors", Date().timeIntervalSince(clock)))
            sets.append(("test", testErrors))
            samples.append(ParityReport.Samples(name: "test", structures: testStructures, predictions: testErrors, keys: keys))
        }
        // Rank 0 holds every error and the variance factors: it alone writes and prints.
        guard world.isRoot else { return }
        var uncertainty = [String: UncertaintyReport]()
        if let calibration {
            clock = Date()
            let report = try UncertaintyCalibrationRun.report(
                potential, on: calibration.structures, keys: keys, model: calibration.model,
                progress: Progress("calibration", total: calibration.structures.count)
            ).report
            potential.calibration = UncertaintyCalibrationRun.calibration(from: report, model: calibration.model)
            uncertainty["calibration"] = report
            if let testStructures, let testPredictions = sets.first(where: { $0.0 == "test" })?.1 {
                let (testReport, sigmas) = try UncertaintyCalibrationRun.report(
                    potential, on: testStructures, predicted: testPredictions.results, keys: keys, model: calibration.model,
                    progress: Progress("test deviations", total: testStructures.count))
                uncertainty["test"] = testReport
                samples[samples.count - 1] = ParityReport.Samples(
                    name: "test", structures: testStructures, predictions: testPredictions, keys: keys, forceSigmas: sigmas)
            }
            seconds.append(("calibration", Date().timeIntervalSince(clock)))
        }
        let table = ErrorTable.render(sets.map { ($0.0, $0.1.statistics) })
        for (path, text) in extraOutputs(fitReport) { try AtomicFile.write(Array(text.utf8), to: path) }
        if let report { try ParityReport.write(samples, table: table, title: "SwiftGAP fit: \(train)", to: report) }

        var fit = FitRecord(
            settings: settings, trainingFile: train, trainingSHA256: try FileDigest.sha256(ofFile: train),
            trainingConfigurations: structures.count, testFile: test, observations: fitReport.observations,
            reciprocalCondition: fitReport.reciprocalCondition, trainErrors: ErrorMetrics(trainErrors.statistics.overall),
            testErrors: sets.first { $0.0 == "test" }.map { ErrorMetrics($0.1.statistics.overall) },
            stageSeconds: Dictionary(seconds, uniquingKeysWith: +), warnings: fitReport.warnings)
        fit.command = command
        if let metrics {
            var run = RunMetrics(
                sets: Dictionary(sets, uniquingKeysWith: { a, _ in a }).mapValues(\.statistics),
                seconds: seconds + [("total", Date().timeIntervalSince(start))])
            run.uncertainty = uncertainty
            try run.write(to: metrics)
        }
        clock = Date()
        try PotentialFiles.write(potential, to: output, fit: fit)
        seconds.append(("write potential", Date().timeIntervalSince(clock)))
        seconds.append(("total", Date().timeIntervalSince(start)))

        print(table)
        print("")
        if let calibration, let factors = potential.calibration {
            let model = calibration.model.rawValue
            print(
                uncertainty["calibration"]!.render(
                    title: "\(model) standard deviations on \(calibration.path), before calibration:"))
            print(
                String(
                    format: "stored calibration factors (\(model)): energy %.4g, forces %.4g", factors.energy, factors.force))
            if let test = uncertainty["test"] { print(test.render(title: "calibrated standard deviations on the test set:")) }
            print("")
        }
        print("stage times: " + seconds.map { String(format: "%@ %.2f s", $0.0, $0.1) }.joined(separator: ", "))
        print(Self.sparseSummary(potential))
        print("wrote \(output)")
        if PotentialFiles.writesGapXML(output) && potential.variance != nil {
            print("note: GAP XML holds no variance factors; write a .gap file as well for predictive variances")
        }
        if let report { print("report: \(report)/index.html") }
    }

    /// The fit's peak memory and stage times, predicted before any work (rates calibrated in under a second).
    func estimate() throws -> FitEstimate { try FitEstimate(structures, settings: settings, ranks: Ranks.world.size) }

    /// The sparse points of every term and e0, one line.
    static func sparseSummary(_ potential: GAPPotential) -> String {
        let soap = (potential.soap?.models ?? [:]).sorted { $0.key < $1.key }.map {
            "SOAP \(Element.label($0.key)) \($0.value.points.rows)"
        }
        let terms = potential.terms.map {
            "\($0.sparse.descriptor.name) \($0.sparse.descriptor.species.map { $0 == 0 ? "*" : Element.label($0) }.joined(separator: "–")) \($0.sparse.count)"
        }
        let e0 = potential.e0.sorted { $0.key < $1.key }.map { String(format: "%@ %.6f eV", Element.label($0.key), $0.value) }
        return "sparse points: " + (soap + terms).joined(separator: ", ") + "; e0: " + e0.joined(separator: ", ")
    }

}
