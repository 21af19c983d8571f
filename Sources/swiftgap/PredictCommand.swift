import ArgumentParser
import Atoms
import Evaluation
import Foundation
import GAP
import Support

/// `swiftgap predict POTENTIAL FILE.xyz -o OUT.xyz`: energies, forces, virials, stresses and local-energy
/// variances of every configuration, written beside the file's own values. Under mpirun the configurations are
/// shared among the ranks and rank 0 writes.
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

    @OptionGroup var keyOptions: KeyOptions

    @Option(parsing: .unconditional, help: "Worker threads.") var threads: Int = Parallel.defaultThreads
    @Option(help: "Write errors, timings and peak memory as JSON.") var metrics: String?
    @Option(help: "Write parity plots, an error histogram and index.html into this folder.") var report: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
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
            let loaded = Date().timeIntervalSince(start)
            let (structures, lines) = try readFrames(file, role: "input file")
            for (k, s) in structures.enumerated() { try gap.checkElements(s, configuration: k, line: lines[k]) }
            return (gap, loaded, structures)
        }
        let keys = keyOptions.keys
        let clock = Date()
        let progress = Progress("predict", total: structures.count)
        var done = 0
        // Each configuration's result and variances as one array (the count of the result's numbers first):
        // the configurations are shared among MPI ranks when there are several, and rank 0 gets them all.
        let flat = try Ranks.world.map(weights: structures.map(\.count)) { k in
            let s = structures[k]
            let r = try gap.calculate(s).flattened
            let variances = noVariance ? nil : try gap.localVariances(s)
            done += 1
            progress.update(done)
            return [Double(r.count)] + r + (variances ?? [])
        }
        guard Ranks.world.isRoot else { return }
        var results = [Calculation](), variances = [[Double]?]()
        for (s, values) in zip(structures, flat) {
            let n = Int(values[0])
            guard let r = Calculation(flattened: Array(values[1...n]), atoms: s.count) else {
                throw DistributedError.transport(operation: "gather predictions", detail: "a result of the wrong length")
            }
            results.append(r)
            variances.append(values.count > n + 1 ? Array(values[(n + 1)...]) : nil)
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
            try out.write(try ExtXYZWriter.format(t, file: output))
        }
        try out.commit()
        let seconds = [
            ("load potential", loaded), ("predict", Date().timeIntervalSince(clock)),
            ("total", Date().timeIntervalSince(start))
        ]
        let table = ErrorTable.render([("predicted", predictions.statistics)])
        if predictions.hasReferences { print(table) }
        let atoms = structures.reduce(0) { $0 + $1.count }
        print(
            String(
                format: "%d configurations, %d atoms in %.2f s (%.1f µs/atom, potential loaded in %.3f s)",
                structures.count, atoms, seconds[1].1, seconds[1].1 / Double(max(atoms, 1)) * 1e6, loaded))
        print("wrote \(output)")
        if let metrics {
            try RunMetrics(sets: predictions.hasReferences ? ["test": predictions.statistics] : [:], seconds: seconds).write(
                to: metrics)
        }
        if let report, predictions.hasReferences {
            let samples = ParityReport.Samples(name: "predicted", structures: structures, predictions: predictions, keys: keys)
            try ParityReport.write([samples], table: table, title: "SwiftGAP predictions: \(file)", to: report)
            print("report: \(report)/index.html")
        }
    }
}
