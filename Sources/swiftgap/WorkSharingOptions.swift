import ArgumentParser
import GAP
import Support

/// How a fit shares its work: worker threads per process, and the parts its least-squares rows are cut into
/// (a fixed number of parts makes the weights independent of the number of MPI ranks).
struct WorkSharingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Worker threads.") var threads: Int = Parallel.defaultThreads
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Cut the training rows into this many fixed parts for the QR, so that the weights are the same on any number "
                + "of ranks (bit for bit at the same --threads); default: one part per rank.", valueName: "parts"))
    var partitions: Int?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        if let partitions, !(1...FitSettings.maximumPartitions).contains(partitions) {
            throw ValidationError("--partitions must be in 1…\(FitSettings.maximumPartitions), found \(partitions)")
        }
    }

    /// `settings` with these threads and parts.
    func apply(to settings: inout FitSettings) {
        settings.threads = threads
        settings.partitions = partitions
    }
}
