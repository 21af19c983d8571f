import ArgumentParser
import LinearAlgebra

/// The `swiftgap` command-line tool.
@main
struct SwiftGAP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgap",
        abstract: "Gaussian Approximation Potentials: inspect data, compute descriptors, fit, predict, run MD.",
        version: "0.1.0",
        subcommands: [InfoCommand.self, DescribeCommand.self, FitCommand.self, PredictCommand.self, MDCommand.self, GenerateCommand.self])

    /// Runs the command line; OpenBLAS starts single-threaded because SwiftGAP parallelises its own loops.
    static func main() {
        BLASThreads.set(1)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}
