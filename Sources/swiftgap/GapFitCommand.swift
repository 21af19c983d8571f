import ArgumentParser
import Atoms
import Foundation
import GAP
import Interop
import Support

/// `swiftgap gap_fit at_file=… gap={…} default_sigma={…} …`: a gap_fit command line, run unchanged.
struct GapFitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gap_fit",
        abstract: "Run a gap_fit command line (QUIP's syntax and meanings) with SwiftGAP's trainer.",
        discussion: """
            Takes gap_fit's own arguments: at_file, gap={soap … : distance_2b … : angle_3b …}, default_sigma,
            config_type_sigma, e0, e0_method, e0_offset, sparse_jitter, *_parameter_name, gp_file, rnd_seed,
            print_sparse_index, sparse_file, config_file=FILE, as gap_fit reads them (arguments joined by spaces,
            braces and quotes kept together, keys in any case). A key SwiftGAP does not support is an error that
            names it and says what to use instead; keys that only shape gap_fit's own output are reported.
            gp_file=NAME.xml writes GAP XML with its sparseX files, as gap_fit does (the default, gap_new.xml); any
            other name a SwiftGAP .gap file.
            """)

    @Argument(parsing: .allUnrecognized, help: "gap_fit's arguments, e.g. at_file=train.xyz gap={soap …} …")
    var arguments: [String] = []

    @Option(help: "Test set to report errors on (never used for fitting).") var test: String?
    @OptionGroup var sharing: WorkSharingOptions
    @Flag(help: "Print the predicted peak memory and the time of each stage, and exit without fitting.") var estimate = false
    @Option(help: "Write errors, timings and peak memory as JSON.") var metrics: String?
    @Option(help: "Write parity plots, an error histogram and index.html into this folder.") var report: String?

    func validate() throws {
        guard !arguments.isEmpty else { throw ValidationError("give gap_fit's arguments, e.g. at_file=train.xyz gap={…} …") }
    }

    func run() throws {
        let start = Date()
        let (line, job, elements, settings, prepared) = try Ranks.prepare {
            let line = try GapFitCommandLine(arguments: arguments)
            let job = try GapFitJob(line)
            for note in job.notes { print("note: \(note)") }
            let indexFiles = Array(Set(job.sparseIndexFiles.compactMap { $0 })).sorted()
            try OutputPaths(
                files: [("gp_file", job.outputFile), ("--metrics", metrics)] + indexFiles.map { ("print_sparse_index", $0) },
                folders: [("--report", report)],
                inputs: [("the training file (at_file)", job.trainingFile), ("the test file", test)]
                    + job.sparseFiles.compactMap { $0 }.map { ("a sparse_file", $0) }
            ).check()
            let (structures, lines) = try readFrames(job.trainingFile, role: "training file (at_file)")
            var elements = [Int]()
            for s in structures { for z in s.atomicNumbers where !elements.contains(z) { elements.append(z) } }
            let testStructures = try test.map { try readTestFrames($0, trainingElements: Set(elements)) }
            var settings = try job.settings(elements: elements)
            sharing.apply(to: &settings)
            for warning in Self.missingReferenceData(structures, keys: settings.keys) { print("warning: \(warning)") }
            let run = FitRun(
                train: job.trainingFile, structures: structures, lines: lines, test: test, testStructures: testStructures,
                keys: settings.keys, settings: settings, output: job.outputFile, metrics: metrics, report: report)
            return (line, job, elements, settings, run)
        }
        var run = prepared
        run.command = "gap_fit " + line.text
        if estimate {
            print(try run.estimate().summary)
            return
        }
        do {
            try run.run(start: start) { report in
                Self.sparseIndexOutputs(job, settings: settings, elements: elements, report: report)
            }
        } catch GAPError.missingIsolatedAtom(let z) {
            // The library's advice names fit's options; say it in gap_fit's keys.
            throw ValidationError(
                "\(job.trainingFile) has no isolated-atom configuration of \(Element.label(z)) (one atom, energy, no "
                    + "neighbors), which e0_method=isolated needs: give e0={\(Element.label(z)):…} or e0_method=average")
        }
    }

    /// gap_fit's `print_sparse_index` files: per term, one line per sparse set (per element for SOAP, per
    /// element combination for an add_species term) of 1-based indices into the term's training instances.
    static func sparseIndexOutputs(
        _ job: GapFitJob, settings: FitSettings, elements: [Int], report: FitReport
    ) -> [(path: String, text: String)] {
        var texts = [String: String](), geometric = 0, expanded = 0
        for (kind, file) in zip(job.termKinds, job.sparseIndexFiles) {
            var sets = [[Int]]()
            switch kind {
            case .soap:
                sets = elements.compactMap { report.sparseIndices[$0] }
            case .geometric:
                let count = settings.terms[geometric].expanded(elements: elements).count
                sets = Array(report.termSparseIndices.dropFirst(expanded).prefix(count))
                expanded += count
                geometric += 1
            }
            if let file {
                texts[file, default: ""] += sets.map { $0.map { String($0 + 1) }.joined(separator: " ") + "\n" }.joined()
            }
        }
        return texts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Warnings for reference data gap_fit's parameter names do not find (gap_fit fits without them, silently).
    static func missingReferenceData(_ structures: [Structure], keys: ReferenceKeys) -> [String] {
        var out = [String]()
        let checks: [(String, String?, (Structure) -> Bool, (Structure) -> [String])] = [
            ("energy_parameter_name", keys.energy, { keys.energyKey(in: $0) != nil }, { Array($0.info.keys) }),
            ("force_parameter_name", keys.forces, { keys.forcesKey(in: $0) != nil }, { Array($0.arrays.keys) })
        ]
        for (name, key, found, available) in checks where !structures.contains(where: found) {
            let present = Set(structures.flatMap(available)).sorted().joined(separator: ", ")
            out.append(
                "no configuration has \(name)=\(key ?? "") (present: \(present)); it is fitted without them, as gap_fit would")
        }
        return out
    }
}
