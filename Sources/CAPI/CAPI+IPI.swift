import Atoms
import GAP
import Interop

/// Serves a potential to an i-PI-protocol server (i-PI, ASE's `SocketIOCalculator`) until it sends EXIT or
/// closes the connection; blocks the calling thread (the Python package runs it in a thread of its own).
///
/// The structure (`atoms`, `numbers`, `positions`, `cell`, `pbc`) gives the species in the server's order, the
/// periodicity and the cell for servers that send none. `unixName` non-NULL connects to the unix socket
/// `/tmp/ipi_NAME` (a name with a `/` is the path itself), else to `host`:`port`. `variances` ≠ 0 adds per-atom
/// local-energy variances to each reply's extras when the potential has them; `timeout` (s) bounds each message;
/// `connectWait` (s) is how long to retry while nothing listens yet; `reconnect` connections are tried again
/// after the server closed one. `*requests` receives the force requests answered.
@_cdecl("swiftgap_ipi_serve")
public func swiftgapIPIServe(
    _ handle: UnsafeMutableRawPointer?, _ unixName: UnsafePointer<CChar>?, _ host: UnsafePointer<CChar>?,
    _ port: Int32, _ atoms: Int64, _ numbers: UnsafePointer<Int32>?, _ positions: UnsafePointer<Double>?,
    _ cell: UnsafePointer<Double>?, _ pbc: UnsafePointer<UInt8>?, _ threads: Int32, _ variances: Int32,
    _ timeout: Double, _ connectWait: Double, _ reconnect: Int32, _ requests: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let potential = try Handle.object(handle, as: PotentialBox.self).potential(threads: threads)
        guard timeout > 0, connectWait >= 0, reconnect >= 0 else {
            throw CAPIError("timeout must be positive, connectWait and reconnect at least 0")
        }
        let structure = try StructureInput.one(
            atoms: atoms, numbers: numbers, positions: positions, cell: cell, pbc: pbc)
        let address: IPIAddress
        if let unixName {
            address = .unix(name: String(cString: unixName))
        } else {
            guard (1...65535).contains(port) else { throw CAPIError("port must be in 1…65535 (got \(port))") }
            address = .inet(host: String(cString: try required(host, "host")), port: Int(port))
        }
        var options = IPIClientOptions()
        options.timeout = timeout
        options.connectWait = connectWait
        options.reconnect = Int(reconnect)
        let summary = try IPIClient.run(
            address: address, structure: structure, potential: potential,
            variances: variances != 0 && potential.variance != nil, options: options)
        requests?.pointee = Int64(summary.requests)
    }
}
