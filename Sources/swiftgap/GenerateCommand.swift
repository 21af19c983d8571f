import ArgumentParser
import Atoms
import Classical
import Foundation
import TrainingData

/// `swiftgap generate SET -o DIR`: reference data sets made by SwiftGAP itself from its classical potentials.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Make a labelled training set (train.xyz and test.xyz) from a classical reference potential.",
        discussion: """
            si-sw: silicon with Stillinger–Weber (strained and rattled diamond, vacancies, interstitials, (100)
            and (111) slabs, hot crystal, liquid and quenched amorphous snapshots from Langevin MD).
            ar-kr-lj: argon–krypton Lennard-Jones alloys, hot crystal and liquid.
            The same seed gives the same files.
            """)

    enum DataSet: String, ExpressibleByArgument, CaseIterable {
        case siSW = "si-sw"
        case arKrLJ = "ar-kr-lj"
    }

    @Argument(help: "Which set: \(DataSet.allCases.map(\.rawValue).joined(separator: ", ")).")
    var set: DataSet

    @Option(name: [.short, .long], help: "Output folder (train.xyz and test.xyz are written atomically).")
    var output: String

    @Option(parsing: .unconditional, help: "Seed of every random choice.")
    var seed: UInt64 = 2026

    @Flag(help: "A small si-sw set without MD snapshots (24 configurations), for quick trials and tests.")
    var quick = false

    func run() throws {
        try OutputPaths.createFolder(output, option: "-o")
        let split: DataSplit
        switch (set, quick) {
        case (.siSW, true):
            let sw = StillingerWeber()
            split = DataSplit(
                try SiliconRecipe(seed: seed).structures().map { try $0.labelled(by: sw) }, testFraction: 0.2, seed: seed)
        case (.siSW, false): split = try ReferenceSets.siliconStillingerWeber(seed: seed)
        case (.arKrLJ, _): split = try ReferenceSets.argonKryptonLennardJones(seed: seed)
        }
        try ExtXYZWriter.write(split.train, to: output + "/train.xyz")
        try ExtXYZWriter.write(split.test, to: output + "/test.xyz")
        for (name, list) in [("train", split.train), ("test", split.test)] {
            print("wrote \(list.count) configurations (\(list.reduce(0) { $0 + $1.count }) atoms) to \(output)/\(name).xyz")
        }
    }
}
