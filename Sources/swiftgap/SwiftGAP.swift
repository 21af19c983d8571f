import ArgumentParser
import LinearAlgebra
import Support
import Tuning

/// The `swiftgap` command-line tool.
@main
struct SwiftGAP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgap",
        abstract: "Gaussian Approximation Potentials: inspect data, compute descriptors, fit, predict, run MD.",
        version: swiftGAPVersion,
        subcommands: [
            InfoCommand.self, DescribeCommand.self, FitCommand.self, GapFitCommand.self, PredictCommand.self, MDCommand.self,
            ConvertCommand.self, GenerateCommand.self, ServeCommand.self, SelectCommand.self, LearnCommand.self,
            TuneCommand.self
        ])

    /// Runs the command line; OpenBLAS starts single-threaded because SwiftGAP parallelises its own loops.
    /// `fit --settings FILE` and `learn --settings FILE` get the file's options first (`FitSettingsFile`).
    /// Under `mpirun`, MPI starts first and `fit`, `gap_fit` and `predict` share their work among the ranks.
    /// An error from a subcommand ends with that subcommand's usage line.
    static func main() {
        BLASThreads.set(1)
        _ = Ranks.world
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(try FitSettingsFile.expanding(Array(CommandLine.arguments.dropFirst())))
        } catch {
            exit(withError: error)
        }
        do {
            try Ranks.checkDistributable(type(of: command).configuration.commandName ?? "")
            try command.run()
            Ranks.finish()
        } catch {
            Ranks.settle(error)
            // ArgumentParser's own commands (`help`, which `--help` runs) report through ArgumentParser.
            guard configuration.subcommands.contains(where: { $0 == type(of: command) }) else { exit(withError: error) }
            exit(withError: error, in: type(of: command))
        }
    }
}
