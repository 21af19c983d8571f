import ArgumentParser

/// The `swiftgap` command-line tool.
@main
struct SwiftGAP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftgap",
        abstract: "Gaussian Approximation Potentials: inspect data, compute descriptors, fit, predict, run MD.",
        version: "0.1.0",
        subcommands: [InfoCommand.self, DescribeCommand.self, GenerateCommand.self])
}
