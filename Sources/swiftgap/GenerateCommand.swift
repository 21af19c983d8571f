import ArgumentParser
import Atoms
import Classical
import TrainingData

/// `swiftgap generate`: reference data sets made by SwiftGAP itself from its classical potentials.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make a labelled training set from a classical reference potential.")

    enum DataSet: String, ExpressibleByArgument, CaseIterable {
        case siSW = "si-sw"
    }

    @Argument(help: "Which set: \(DataSet.allCases.map(\.rawValue).joined(separator: ", ")).")
    var set: DataSet

    @Option(name: [.short, .long], help: "Output extxyz file (written atomically).")
    var output: String

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 2026

    func run() throws {
        switch set {
        case .siSW:
            let sw = StillingerWeber()
            let frames = try SiliconRecipe(seed: seed).structures().map { try $0.labelled(by: sw) }
            try ExtXYZWriter.write(frames, to: output)
            print("wrote \(frames.count) configurations (\(frames.reduce(0) { $0 + $1.count }) atoms) to \(output)")
        }
    }
}
