import CMPI
import Foundation
import Support

/// The ranks of an `mpirun` launch: MPI_COMM_WORLD through the C layer in `CMPI`. Made once per process with
/// `launch()`, which also decides whether this process was started by an MPI launcher at all.
public final class MPICommunicator: Communicator, @unchecked Sendable {
    public let rank: Int
    public let size: Int

    /// Environment variables that MPI launchers (OpenMPI's mpirun, PMIx, Hydra/PMI) set in every rank.
    static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"]

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// MPI's ranks when this process was started by an MPI launcher (`mpirun -np K swiftgap …`), else a
    /// `SingleProcess`: a plain `swiftgap` run never initialises MPI.
    /// - Throws: `DistributedError.transport` when MPI cannot start.
    public static func launch(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DistributedError)
        -> any Communicator
    {
        guard launcherVariables.contains(where: { environment[$0] != nil }) else { return SingleProcess() }
        try check(swiftgap_mpi_init(), "MPI_Init")
        var rank: Int32 = 0, size: Int32 = 0
        try check(swiftgap_mpi_rank(&rank), "MPI_Comm_rank")
        try check(swiftgap_mpi_size(&size), "MPI_Comm_size")
        return MPICommunicator(rank: Int(rank), size: Int(size))
    }

    /// Ends MPI cleanly (every rank calls it once, after its last collective).
    public func finish() {
        _ = swiftgap_mpi_finalize()
    }

    /// Ends every rank at once with `status`: only for a failure the ranks could not agree on.
    public func abort(status: Int32) -> Never {
        swiftgap_mpi_abort(status)
        exit(status)
    }

    public func send(_ values: [Double], to destination: Int, tag: Int) throws(DistributedError) {
        try Self.check(
            values.withUnsafeBufferPointer {
                swiftgap_mpi_send_doubles($0.baseAddress, Int64($0.count), Int32(destination), Int32(tag))
            }, "send to rank \(destination)")
    }

    public func receive(count: Int, from source: Int, tag: Int) throws(DistributedError) -> [Double] {
        var values = [Double](repeating: 0, count: count)
        try Self.check(
            values.withUnsafeMutableBufferPointer {
                swiftgap_mpi_receive_doubles($0.baseAddress, Int64(count), Int32(source), Int32(tag))
            }, "receive from rank \(source)")
        return values
    }

    public func broadcast(_ bytes: inout [UInt8], root: Int) throws(DistributedError) {
        try Self.check(
            bytes.withUnsafeMutableBytes { swiftgap_mpi_broadcast_bytes($0.baseAddress, Int64($0.count), Int32(root)) },
            "broadcast from rank \(root)")
    }

    public func minimum(_ value: Int) throws(DistributedError) -> Int {
        var result: Int64 = 0
        try Self.check(swiftgap_mpi_allreduce_min_int64(Int64(value), &result), "reduction")
        return Int(result)
    }

    /// Turns MPI's error code into a typed error with MPI's own text.
    private static func check(_ code: Int32, _ operation: String) throws(DistributedError) {
        guard code != 0 else { return }
        var text = [CChar](repeating: 0, count: 512)
        swiftgap_mpi_error_string(code, &text, Int32(text.count))
        throw .transport(
            operation: operation, detail: String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
