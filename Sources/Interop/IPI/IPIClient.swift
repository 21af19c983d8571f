import Atoms
import Foundation
import GAP

/// How an `IPIClient` connects and how long it waits.
public struct IPIClientOptions: Sendable {
    /// Seconds a message may take once its first byte came (and a reply may take to be sent).
    public var timeout: Double = 600
    /// Seconds to wait for the next message; nil waits as long as the server stays connected.
    public var idleTimeout: Double?
    /// Seconds to keep retrying while nothing listens at the address yet.
    public var connectWait: Double = 10
    /// Connections to try again after the server closed one (0: end with the first).
    public var reconnect = 0
    /// Sizes a message may claim.
    public var limits = IPILimits()

    /// The default options.
    public init() {}
}

/// How a served run ended.
public enum IPIEnding: String, Equatable, Sendable {
    /// The server sent EXIT.
    case exit
    /// The server closed the connection between messages (ASE's `SocketIOCalculator` ends so).
    case serverClosed
}

/// What a served run did.
public struct IPIRunSummary: Equatable, Sendable {
    /// Force requests answered, over all connections.
    public var requests: Int
    /// Connections served.
    public var connections: Int
    /// How the last connection ended.
    public var ending: IPIEnding
}

/// An i-PI protocol client: connects to a server (i-PI, ASE's `SocketIOCalculator`) and answers its force
/// requests with a calculator until the server sends EXIT or closes the connection.
public enum IPIClient {
    /// Serves the atoms of `structure` (species, periodicity, and the cell for servers that send a zero cell)
    /// with `calculate`, connecting to `address`; with `options.reconnect` > 0 it connects again after the
    /// server closed a connection. `log` receives one line per connection and its end.
    /// - Throws: `IPIError` for no server at the address, a malformed or unexpected message, a timeout, a socket
    ///   failure or a failed calculation. A server that closes between messages is a normal end, not an error.
    public static func run(
        address: IPIAddress, structure: Structure, options: IPIClientOptions = IPIClientOptions(),
        log: (String) -> Void = { _ in }, calculate: @escaping IPICalculate
    ) throws(IPIError) -> IPIRunSummary {
        _ = try IPISession(template: structure, calculate: calculate)
        var summary = IPIRunSummary(requests: 0, connections: 0, ending: .serverClosed)
        while true {
            let connection: IPIConnection
            do throws(IPIError) {
                connection = try IPIConnection.connect(
                    to: address, wait: options.connectWait, timeout: options.timeout, idleTimeout: options.idleTimeout)
            } catch {
                guard summary.connections > 0 else { throw error }
                log("no server to reconnect to at \(address): \(error)")
                return summary
            }
            summary.connections += 1
            log("connected to \(address)")
            var session = try IPISession(template: structure, calculate: calculate)
            summary.ending = try serve(connection, session: &session, limits: options.limits)
            summary.requests += session.requests
            log(
                summary.ending == .exit
                    ? "the server sent EXIT after \(session.requests) force requests"
                    : "the server closed the connection after \(session.requests) force requests")
            if summary.ending == .exit || summary.connections > options.reconnect { return summary }
        }
    }

    /// Serves `structure` with a fitted potential: forces, virial, per-atom energies and, when `variances` is set
    /// and the potential has variance factors, per-atom local-energy variances.
    /// - Throws: `IPIError` as `run(address:structure:options:log:calculate:)`.
    public static func run(
        address: IPIAddress, structure: Structure, potential: GAPPotential, variances: Bool = true,
        options: IPIClientOptions = IPIClientOptions(), log: (String) -> Void = { _ in }
    ) throws(IPIError) -> IPIRunSummary {
        try run(address: address, structure: structure, options: options, log: log) { s in
            (try potential.calculate(s), variances ? try potential.localVariances(s) : nil)
        }
    }

    /// Serves one open connection with `session` until EXIT or the server closes it between messages.
    /// - Throws: `IPIError` for a malformed or unexpected message, a timeout, a socket failure or a failed
    ///   calculation.
    public static func serve(
        _ connection: IPIConnection, session: inout IPISession, limits: IPILimits = IPILimits()
    ) throws(IPIError) -> IPIEnding {
        var decoder = IPIDecoder(limits: limits)
        var source = connection
        while let message = try decoder.nextFromServer(&source, expectedAtoms: session.template.count) {
            switch try session.handle(message, number: decoder.messageCount) {
            case .wait:
                continue
            case .exit:
                return .exit
            case let .reply(reply):
                do throws(IPITransportError) { try connection.write(reply.encoded) } catch {
                    throw .transport(message: decoder.messageCount, header: "reply \(reply.header.rawValue)", error)
                }
            }
        }
        return .serverClosed
    }
}
