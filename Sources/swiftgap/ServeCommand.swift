import ArgumentParser
import Atoms
import Foundation
import GAP
import Interop
import Support

/// `swiftgap serve POTENTIAL --structure FILE (--unix NAME | --port P)`: an i-PI protocol client that answers
/// the force requests of i-PI or ASE's `SocketIOCalculator` until told to EXIT.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve forces to an i-PI-protocol server (i-PI, ASE's SocketIOCalculator).",
        discussion: """
            The server sends positions and cell only (in Bohr); the species, the periodicity and the cell used when \
            the server sends a zero cell (ASE, non-periodic systems) come from the first frame of --structure, whose \
            atoms must be in the server's order. Replies are in Hartree and Bohr: energy, forces, the virial, and a \
            JSON extra string with per-atom energies ("energies", eV) and, when the potential has variance factors, \
            per-atom local-energy variances ("variances", eV²).

            The run ends with status 0 when the server sends EXIT or closes the connection between messages (ASE's \
            calculator does so when closed; --reconnect N then waits for up to N further connections). A malformed \
            message, a message not whole within --timeout seconds, or a failed calculation ends it with an error.
            """)

    @Argument(help: "Potential: a .gap file written by 'swiftgap fit', or a GAP XML (gap_fit, published models).")
    var potential: String

    @Option(help: "The atoms served (extxyz; the first frame), in the order the server sends them.")
    var structure: String

    @Option(help: "Unix socket name: connects to /tmp/ipi_NAME as i-PI and ASE name it (a NAME with '/' is a path).")
    var unix: String?

    @Option(help: "Host of a TCP server (with --port).") var host = "localhost"
    @Option(parsing: .unconditional, help: "Port of a TCP server.") var port: Int?
    @Option(parsing: .unconditional, help: "Worker threads of the potential.") var threads: Int = Parallel.defaultThreads
    @Option(parsing: .unconditional, help: "Seconds a message may take to arrive whole once begun, and a reply to be sent.")
    var timeout: Double = 600
    @Option(parsing: .unconditional, help: "Seconds to wait for the next request (default: as long as the server is connected).")
    var idleTimeout: Double?
    @Option(parsing: .unconditional, help: "Seconds to retry while nothing listens at the address yet.") var wait: Double = 10
    @Option(parsing: .unconditional, help: "Connections to wait for again after the server closes one.") var reconnect = 0
    @Flag(help: "Skip the per-atom predictive variances in the extra string.") var noVariance = false

    func validate() throws {
        guard (unix == nil) != (port == nil) else { throw ValidationError("give exactly one of --unix and --port") }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port must be in 1…65535, found \(port)") }
        if let unix, unix.isEmpty { throw ValidationError("--unix needs a socket name") }
        guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, found \(threads)") }
        guard timeout > 0 && timeout.isFinite else { throw ValidationError("--timeout must be positive (s), found \(timeout)") }
        if let idleTimeout, !(idleTimeout > 0 && idleTimeout.isFinite) {
            throw ValidationError("--idle-timeout must be positive (s), found \(idleTimeout)")
        }
        guard wait >= 0 && wait.isFinite else { throw ValidationError("--wait must be ≥ 0 (s), found \(wait)") }
        guard reconnect >= 0 else { throw ValidationError("--reconnect must be ≥ 0, found \(reconnect)") }
    }

    func run() throws {
        try OutputPaths(inputs: [("the potential", potential), ("the structure", structure)]).check()
        var (gap, _, _) = try PotentialFiles.load(potential, variances: !noVariance)
        gap.threads = threads
        let (frames, lines) = try readFrames(structure, role: "structure file")
        try gap.checkElements(frames[0], configuration: 0, line: lines[0])
        var options = IPIClientOptions()
        options.timeout = timeout
        options.idleTimeout = idleTimeout
        options.connectWait = wait
        options.reconnect = reconnect
        let address = unix.map { IPIAddress.unix(name: $0) } ?? .inet(host: host, port: port ?? 0)
        let summary = try IPIClient.run(
            address: address, structure: frames[0], potential: gap, variances: !noVariance, options: options,
            log: { FileHandle.standardError.write(Data("serve: \($0)\n".utf8)) })
        print(
            "served \(summary.requests) force requests over \(summary.connections) connection(s); ended by \(summary.ending.rawValue)"
        )
    }
}
