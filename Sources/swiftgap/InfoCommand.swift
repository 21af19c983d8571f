import ArgumentParser
import Atoms
import Foundation

/// `swiftgap info FILE...`: what is in a data set, before fitting to it.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Summarise extxyz data sets: sizes, species, periodicity, keys, config types, energy range.")

    @Argument(help: "extxyz or xyz files ('-' reads standard input).")
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
            let reader = try ExtXYZReader(path: file)
            var summary = DatasetSummary(file: file)
            while let s = try reader.next() { summary.add(s, keys: keys) }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(summary), as: UTF8.self))
            } else {
                print(SummaryTable(summary).text)
            }
        }
    }
}
