import ArgumentParser
import Atoms
import Foundation
import GAP
import Support

/// `swiftgap select POOL.xyz --potential P --count N -o PICKED.xyz`: the configurations of a pool to label next,
/// the most uncertain under the potential and kept diverse (`UncertainDiverseSelection`).
struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Pick the configurations of a pool with the largest predicted uncertainty, kept diverse, to label next.",
        discussion: """
            Each configuration is scored by its predicted uncertainty (--score: the mean standard deviation of its \
            force components, or of its energy per atom). Of the --candidates highest scores (3 × --count unless \
            given), the most uncertain is picked first, then each next pick is the candidate farthest, in the \
            space of mean SOAP vectors, from every pick so far. The picked configurations are written in pool \
            order with their score (select_score) and pool index (select_index).
            """)

    enum Score: String, ExpressibleByArgument, CaseIterable {
        case forces, energy
    }

    @Argument(help: "The pool of unlabelled configurations (extxyz).")
    var pool: String

    @Option(help: "The potential (a .gap file with variance factors).")
    var potential: String

    @Option(help: "How many configurations to pick.")
    var count: Int

    @Option(name: [.short, .long], help: "The picked configurations (extxyz, written atomically).")
    var output: String

    @Option(help: "What scores a configuration: forces (mean force-component σ) or energy (σ of the energy per atom).")
    var score: Score = .forces

    @Option(help: "The variance: full (the sparse GP's whole variance) or projected.")
    var uncertainty: UncertaintyModel = .full

    @Option(help: "How many of the most uncertain configurations the diverse picks come from (default 3 × --count).")
    var candidates: Int?

    @Option(parsing: .unconditional, help: "Worker threads.") var threads: Int = Parallel.defaultThreads

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        guard count >= 1 else { throw ValidationError("--count must be ≥ 1, found \(count)") }
        if let candidates, candidates < count {
            throw ValidationError("--candidates (\(candidates)) must be at least --count (\(count))")
        }
    }

    func run() throws {
        try OutputPaths(files: [("-o", output)], inputs: [("the pool", pool), ("the potential", potential)]).check()
        var (gap, _, _) = try PotentialFiles.load(potential, variances: true)
        gap.threads = threads
        guard gap.variance != nil else {
            throw ValidationError("\(potential) holds no variance factors: select needs a .gap file fitted without --no-variance")
        }
        let (structures, lines) = try readFrames(pool, role: "pool")
        guard count <= structures.count else {
            throw ValidationError("--count \(count) is more than the pool's \(structures.count) configurations")
        }
        for (k, s) in structures.enumerated() { try gap.checkElements(s, configuration: k, line: lines[k]) }

        let progress = Progress("uncertainty", total: structures.count)
        var scores = [Double]()
        for (k, s) in structures.enumerated() {
            guard let sigma = try gap.uncertainty(s, model: uncertainty) else {
                throw ValidationError("\(potential) gave no deviations for configuration \(k)")
            }
            switch score {
            case .forces: scores.append(sigma.meanForce)
            case .energy: scores.append(sigma.energy / Double(max(s.count, 1)))
            }
            progress.update(k + 1)
        }
        let features = try gap.configurationFeatures(structures)
        let picked = try UncertainDiverseSelection.select(
            scores: scores, features: features, count: count, candidates: min(candidates ?? 3 * count, structures.count))

        let out = try AtomicFile(path: output)
        for k in picked {
            var s = structures[k]
            s.info["select_score"] = .double(scores[k])
            s.info["select_index"] = .int(k)
            try out.write(try ExtXYZWriter.format(s, file: output))
        }
        try out.commit()
        let mean = { (list: [Int]) in list.reduce(0) { $0 + scores[$1] } / Double(max(list.count, 1)) }
        print(
            String(
                format: "picked %d of %d configurations: mean score %.4g against the pool's %.4g (%@, %@ variance)", count,
                structures.count, mean(picked), mean(Array(structures.indices)), score.rawValue, uncertainty.rawValue))
        print("pool indices: " + picked.map(String.init).joined(separator: " "))
        print("wrote \(output)")
    }
}
