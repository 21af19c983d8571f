import ArgumentParser
import Atoms
import Evaluation
import Foundation
import GAP

/// `swiftgap info FILE...`: what is in a data set before fitting to it, or what a potential file holds.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise extxyz data sets (sizes, species, periodicity, keys, config types, energy range) or potential files.")

    @Argument(help: "extxyz or xyz files ('-' reads standard input), or potentials (.gap files, GAP XML).")
    var files: [String]

    @Flag(help: "Print one JSON object per file instead of a table.")
    var json = false

    @Option(help: "Info key of the reference energy (default: the first of energy, dft_energy, … present).")
    var energyKey: String?

    @Option(help: "Info key of the configuration type.")
    var configTypeKey = "config_type"

    func run() throws {
        let keys = ReferenceKeys(energy: energyKey, configType: configTypeKey)
        for file in files {
            if file != "-", PotentialFiles.isPotential(file) {
                let (_, metadata, format) = try PotentialFiles.load(file, variances: false)
                print(
                    json
                        ? try JSONFile.text(metadata)
                        : PotentialSummary(path: file, metadata: metadata, format: format).text)
                continue
            }
            let reader = try ExtXYZReader(path: file)
            var summary = DatasetSummary(file: file)
            while let s = try reader.next() { summary.add(s, keys: keys) }
            if json {
                print(try JSONFile.text(summary))
            } else {
                print(SummaryTable(summary).text)
            }
        }
    }
}
