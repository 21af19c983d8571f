import ArgumentParser
import Distributed
import Foundation
import GAP
import Support

/// The ranks this `swiftgap` process runs among: MPI's under `mpirun -np K swiftgap …`, one process otherwise.
/// Rank 0 prints and writes; the other ranks' standard output and error go to /dev/null (their own failures
/// still reach the terminal, named by rank).
enum Ranks {
    /// This process's communicator, made (and MPI started, when launched by mpirun) on first use.
    static let world: any Communicator = {
        do {
            let world = try MPICommunicator.launch()
            if !world.isRoot { silenceOutput() }
            return world
        } catch {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            exit(1)
        }
    }()

    /// The commands that share their work among ranks; the others run on one process only.
    static let distributedCommands = ["fit", "gap_fit", "predict"]

    /// Standard error as it was before a non-root rank's output was silenced.
    nonisolated(unsafe) private static var terminal: Int32 = STDERR_FILENO

    /// Runs a command's rank-local preparation (reading and checking inputs) so that the ranks agree on its
    /// outcome: a failure on any rank is thrown on every rank, and only rank 0 prints it. On one process its
    /// errors pass through unchanged.
    static func prepare<T>(_ body: () throws -> T) throws -> T {
        guard world.size > 1 else { return try body() }
        return try world.agree(body)
    }

    /// Ends MPI after a successful command.
    static func finish() {
        (world as? MPICommunicator)?.finish()
    }

    /// Settles a failed command on several ranks before rank 0 prints it. A failure the ranks agreed on
    /// (`DistributedError.rankFailed`) ends MPI cleanly on every rank; the other ranks end with status 0, so that
    /// mpirun does not stop rank 0 before it has printed the failure and ended with its own status. Any other
    /// failure is this rank's alone: a non-root rank prints it with its number; the process then ends with status
    /// 1 without ending MPI, which makes mpirun stop every rank, so no rank is left waiting. Non-root ranks end
    /// here; rank 0 returns to print the message.
    static func settle(_ error: Error) {
        guard world.size > 1 else { return }
        let agreed = isAgreed(error)
        if agreed { finish() }
        guard !world.isRoot else { return }
        if !agreed {
            let text = Array("Error: rank \(world.rank) of \(world.size): \(error)\n".utf8)
            _ = text.withUnsafeBufferPointer { write(terminal, $0.baseAddress, $0.count) }
        }
        exit(agreed ? 0 : 1)
    }

    /// Refuses, on several ranks, a command that does not share its work among them.
    static func checkDistributable(_ command: String) throws {
        guard world.size > 1, !distributedCommands.contains(command) else { return }
        try prepare {
            throw ValidationError(
                "'swiftgap \(command)' runs on one process; only \(distributedCommands.joined(separator: ", ")) share "
                    + "their work among MPI ranks: run it without mpirun")
        }
    }

    private static func isAgreed(_ error: Error) -> Bool {
        switch error {
        case DistributedError.rankFailed, GAPError.distributed(.rankFailed): return true
        default: return false
        }
    }

    /// Points this rank's standard output and error at /dev/null, keeping the terminal for its own failures.
    private static func silenceOutput() {
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        terminal = dup(STDERR_FILENO)
        dup2(null, STDOUT_FILENO)
        dup2(null, STDERR_FILENO)
        close(null)
    }
}
