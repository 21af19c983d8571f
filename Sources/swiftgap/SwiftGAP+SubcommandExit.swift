import ArgumentParser
import Foundation

extension SwiftGAP {
    /// Prints `error` with the usage line of `subcommand` ("Usage: swiftgap fit <train> …") on standard error
    /// and exits: with status 64 for a `ValidationError`, 1 otherwise. Exit codes and clean exits pass
    /// through unchanged.
    static func exit(withError error: Error, in subcommand: ParsableCommand.Type) -> Never {
        switch error {
        case is ExitCode, is CleanExit:
            exit(withError: error)
        default:
            let message = (error as? ValidationError)?.message ?? String(describing: error)
            let name = "\(configuration.commandName ?? "swiftgap") \(subcommand.configuration.commandName ?? "")"
            let text = "Error: \(message)\nUsage: \(usageString(for: subcommand))\n  See '\(name) --help' for more information.\n"
            FileHandle.standardError.write(Data(text.utf8))
            let status = error is ValidationError ? ExitCode.validationFailure : ExitCode.failure
            Foundation.exit(status.rawValue)
        }
    }
}
