import ArgumentParser
import Atoms
import Evaluation
import Foundation
import GAP
import Support

/// `swiftgap predict POTENTIAL FILE.xyz -o OUT.xyz`: energies, forces, virials, stresses and local-energy
/// variances of every configuration, written beside the file's own values, and with `--uncertainty` the
/// standard deviations of energies and forces (compared with the errors when the file has reference values).
/// Under mpirun the configurations are shared among the ranks and rank 0 writes.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a fitted potential; prints errors when the file has reference values.")

    @Argument(help: "Potential: a .gap file written by 'swiftgap fit', or a GAP XML (gap_fit, published models).")
    var potential: String

    @Argument(help: "Configurations (extxyz).")
    var file: String

    @Option(name: [.short, .long], help: "Output extxyz (written atomically), with the input's values kept.")
    var output: String

    @Option(
        help:
            "Prefix of the predicted keys: <prefix>energy, <prefix>forces, <prefix>virial, <prefix>stress, <prefix>variance, <prefix>energies."
    )
    var prefix = "gap_"

    @Flag(help: "Skip the per-atom predictive variance.")
    var noVariance = false

    @Option(
        help: ArgumentHelp(
            "Also write the standard deviation of each energy (<prefix>energy_std) and force component (<prefix>force_std).",
            discussion:
                "full: the sparse GP's whole variance, as GAP's local-energy variance; projected: only the part from the "
                + "posterior of the sparse points' weights. Scaled by the potential's calibration when it has one "
                + "(fit --calibration)."))
    var uncertainty: UncertaintyModel?

    @OptionGroup var keyOptions: KeyOptions

    @Option(parsing: .unconditional, help: "Worker threads.") var threads: Int = Parallel.defaultThreads
    @Option(help: "Write errors, timings and peak memory as JSON.") var metrics: String?
    @Option(help: "Write parity plots, an error histogram and index.html into this folder.") var report: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        if uncertainty != nil && noVariance {
            throw ValidationError("--uncertainty needs the variance factors that --no-variance skips: give one of them")
        }
    }

    func run() throws {
        let start = Date()
        let (gap, loaded, structures) = try Ranks.prepare {
            try OutputPaths(
                files: [("-o", output), ("--metrics", metrics)], folders: [("--report", report)],
                inputs: [("the potential", potential), ("the input file", file)]
            ).check()
            var (gap, _, _) = try PotentialFiles.load(potential, variances: !noVariance)
            gap.threads = threads
            if uncertainty != nil && gap.variance == nil {
                throw ValidationError(
                    "--uncertainty: \(potential) holds no variance factors (a GAP XML never does; a .gap file unless it was "
                        + "fitted with --no-variance): refit, or convert the fit's .gap file instead")
            }
            let loaded = Date().timeIntervalSince(start)
            let (structures, lines) = try readFrames(file, role: "input file")
            for (k, s) in structures.enumerated() {
                try gap.checkElements(s, configuration: k, line: lines[k])
                // Predicted all the same (a deliberate probe is allowed), but never silently: no training data
                // has atoms this close.
                if Ranks.world.isRoot, let close = try CloseAtoms.closestPair(in: s, index: k) {
                    let note = close.description(configuration: k, line: lines[k])
                    FileHandle.standardError.write(Data("warning: \(note); predicted, but no fit has data there\n".utf8))
                }
            }
            return (gap, loaded, structures)
        }
        let keys = keyOptions.keys
        let clock = Date()
        let progress = Progress("predict", total: structures.count)
        var done = 0
        // Each configuration's result, variances and standard deviations as one record (the count of the result's
        // numbers first, then the lengths of the other two), a batch of consecutive configurations at a time (their
        // atoms' local energies computed together): the batches are shared among MPI ranks when there are several,
        // and rank 0 gets them all.
        let batches = Predictions.batches(of: structures)
        let perBatch = try Ranks.world.map(weights: batches.map { structures[$0].reduce(0) { $0 + $1.count } }) { b in
            let part = Array(structures[batches[b]])
            var records = [Double]()
            let batchVariances = noVariance ? nil : try gap.localVariances(batch: part)
            for (k, (s, result)) in zip(part, try gap.calculate(batch: part)).enumerated() {
                let r = result.flattened
                let variances = batchVariances?[k] ?? []
                let sigma = try uncertainty.flatMap { try gap.uncertainty(s, model: $0) }
                let deviations = sigma.map { [$0.energy] + $0.forces.flatMap { [$0.x, $0.y, $0.z] } } ?? []
                records += [Double(r.count), Double(variances.count), Double(deviations.count)] + r + variances + deviations
            }
            done += part.count
            progress.update(done)
            return records
        }
        guard Ranks.world.isRoot else { return }
        // The records one after another, each checked as it is read (it may have come from another rank).
        func wrong(_ detail: String) -> DistributedError { .transport(operation: "gather predictions", detail: detail) }
        var results = [Calculation](), variances = [[Double]?](), deviations = [PredictiveUncertainty?]()
        for records in perBatch {
            var start = 0
            while start < records.count {
                guard results.count < structures.count else { throw wrong("more records than configurations") }
                let s = structures[results.count]
                let header = records[start..<min(start + 3, records.count)].compactMap { Int(exactly: $0) }
                guard header.count == 3, header.allSatisfy({ $0 >= 0 }) else { throw wrong("a record of the wrong length") }
                let (n, v, d) = (header[0], header[1], header[2])
                let first = start + 3, end = first + n + v + d
                guard end <= records.count, d == 0 || d == 1 + 3 * s.count,
                    let r = Calculation(flattened: Array(records[first..<(first + n)]), atoms: s.count)
                else { throw wrong("a result of the wrong length") }
                results.append(r)
                variances.append(v > 0 ? Array(records[(first + n)..<(first + n + v)]) : nil)
                let std = Array(records[(first + n + v)..<end])
                deviations.append(
                    d > 0
                        ? PredictiveUncertainty(
                            energy: std[0], forces: (0..<s.count).map { SIMD3(std[1 + 3 * $0], std[2 + 3 * $0], std[3 + 3 * $0]) })
                        : nil)
                start = end
            }
        }
        guard results.count == structures.count else {
            throw wrong("\(results.count) records for \(structures.count) configurations")
        }
        let predictions = Predictions(structures, results: results, keys: keys)
        let out = try AtomicFile(path: output)
        for (k, (s, r)) in zip(structures, predictions.results).enumerated() {
            var t = s
            t.info[prefix + "energy"] = .double(r.energy)
            t.info[prefix + "virial"] = .doubles(r.virial.columnMajor)
            if s.pbc.isAnyPeriodic && s.cell.volume > 0 {
                t.info[prefix + "stress"] = .doubles(r.stress(volume: s.cell.volume).columnMajor)
            }
            t.arrays[prefix + "forces"] = .vectors(r.forces)
            if let e = r.atomEnergies { t.arrays[prefix + "energies"] = .doubles(e, width: 1) }
            if let v = variances[k] { t.arrays[prefix + "variance"] = .doubles(v, width: 1) }
            if let d = deviations[k] {
                t.info[prefix + "energy_std"] = .double(d.energy)
                t.arrays[prefix + "force_std"] = .vectors(d.forces)
            }
            try out.write(try ExtXYZWriter.format(t, file: output))
        }
        try out.commit()
        let seconds = [
            ("load potential", loaded), ("predict", Date().timeIntervalSince(clock)),
            ("total", Date().timeIntervalSince(start))
        ]
        let table = ErrorTable.render([("predicted", predictions.statistics)])
        if predictions.hasReferences { print(table) }
        // Every configuration's deviations (with --uncertainty), compared with its errors.
        let deviated = deviations.compactMap { $0 }
        let sigmas = deviated.count == structures.count ? deviated : nil
        let calibration = sigmas.map {
            UncertaintyReport(
                structures, results: results, energySigmas: $0.map(\.energy), forceSigmas: $0.map(\.forces), keys: keys)
        }
        if let calibration, let uncertainty, !calibration.isEmpty {
            print(calibration.render(title: "predicted standard deviations (\(uncertainty.rawValue)) against the errors:"))
        }
        let atoms = structures.reduce(0) { $0 + $1.count }
        print(
            String(
                format: "%d configurations, %d atoms in %.2f s (%.1f µs/atom, potential loaded in %.3f s)",
                structures.count, atoms, seconds[1].1, seconds[1].1 / Double(max(atoms, 1)) * 1e6, loaded))
        print("wrote \(output)")
        if let metrics {
            var run = RunMetrics(sets: predictions.hasReferences ? ["test": predictions.statistics] : [:], seconds: seconds)
            if let calibration, !calibration.isEmpty { run.uncertainty["test"] = calibration }
            try run.write(to: metrics)
        }
        if let report, predictions.hasReferences {
            let samples = ParityReport.Samples(
                name: "predicted", structures: structures, predictions: predictions, keys: keys,
                forceSigmas: sigmas?.map(\.forces))
            try ParityReport.write([samples], table: table, title: "SwiftGAP predictions: \(file)", to: report)
            print("report: \(report)/index.html")
        }
    }
}
