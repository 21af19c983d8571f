import Atoms
import Classical
import Foundation
import TestSupport
import Testing

@testable import Interop

#if canImport(Glibc)
    import Glibc
#endif

/// Whole sessions against an in-process fake server, over a socket pair and over a unix socket in a temporary
/// folder, with a Lennard-Jones calculator.
@Suite("i-PI client", .serialized)
struct IPIClientTests {
    /// The server's end of a connection: sends server messages, reads the client's replies.
    final class FakeServer {
        let connection: IPIConnection
        var decoder = IPIDecoder()

        init(descriptor: Int32) { connection = IPIConnection(descriptor: descriptor, timeout: 10, idleTimeout: 10) }

        func send(_ message: IPIMessage) throws { try connection.write(message.encoded) }

        func receive(atoms: Int? = nil) throws -> IPIMessage? {
            var source = connection
            return try decoder.nextFromClient(&source, expectedAtoms: atoms)
        }

        /// STATUS, then the reply.
        func status() throws -> IPIMessage? {
            try send(.status)
            return try receive()
        }
    }

    /// A value set on one thread and read on another after `wait`.
    final class Outcome<T>: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var value: Result<T, any Error>?

        func set(_ v: Result<T, any Error>) {
            value = v
            done.signal()
        }

        func wait(seconds: Double = 30) -> Result<T, any Error>? {
            done.wait(timeout: .now() + seconds) == .success ? value : nil
        }
    }

    static func socketPair() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw IPIError.badStructure(reason: "socketpair")
        }
        return (fds[0], fds[1])
    }

    /// Runs `IPIClient.serve` for the argon template on `descriptor` in the background.
    static func serveInBackground(_ descriptor: Int32, timeout: Double = 10) -> Outcome<(IPIEnding, Int)> {
        let outcome = Outcome<(IPIEnding, Int)>()
        Thread.detachNewThread {
            do {
                let lj = try IPISessionTests.lennardJones()
                var session = try IPISession(template: IPISessionTests.argon) { s in (try lj.calculate(s), nil) }
                let connection = IPIConnection(descriptor: descriptor, timeout: timeout, idleTimeout: timeout)
                let ending = try IPIClient.serve(connection, session: &session)
                outcome.set(.success((ending, session.requests)))
            } catch {
                outcome.set(.failure(error))
            }
        }
        return outcome
    }

    /// `steps` force requests as i-PI makes them, each compared with Lennard-Jones on the same structure.
    static func drive(_ server: FakeServer, steps: Int, initialize: Bool = true) throws {
        let lj = try IPISessionTests.lennardJones()
        var s = IPISessionTests.argon
        if initialize {
            #expect(try server.status() == .needInit)
            try server.send(.initialize(IPIInitialization(bead: 0, parameters: Array("swiftgap".utf8))))
        }
        for step in 0..<steps {
            #expect(try server.status() == (initialize || step > 0 ? .ready : .needInit))
            s.positions = s.positions.enumerated().map { i, r in r + 0.01 * Double(step) * SIMD3(1, Double(i % 3), -1) }
            try server.send(.positions(IPIPositions(s)))
            #expect(try server.status() == .haveData)
            try server.send(.getForce)
            guard case let .forceReady(payload) = try server.receive(atoms: s.count) else {
                Issue.record("step \(step): no FORCEREADY")
                return
            }
            let reference = try lj.calculate(s)
            let result = payload.calculation
            #expect(abs(result.energy - reference.energy) <= 1e-12 * abs(reference.energy), "step \(step)")
            #expect(zip(result.forces, reference.forces).allSatisfy { norm($0 - $1) <= 1e-12 * max(1, norm($1)) }, "step \(step)")
            #expect((result.virial - reference.virial).maxAbs <= 1e-12 * reference.virial.maxAbs, "step \(step)")
        }
    }

    @Test func sessionEndsWithExit() throws {
        let (a, b) = try Self.socketPair()
        let outcome = Self.serveInBackground(a)
        let server = FakeServer(descriptor: b)
        try Self.drive(server, steps: 5)
        try server.send(.exit)
        let result = try #require(outcome.wait())
        #expect(try result.get() == (.exit, 5))
    }

    /// ASE's calculator closes the socket without EXIT: a clean end.
    @Test func serverClosesBetweenMessages() throws {
        let (a, b) = try Self.socketPair()
        let outcome = Self.serveInBackground(a)
        do {
            let server = FakeServer(descriptor: b)
            try Self.drive(server, steps: 2, initialize: false)
        }
        let result = try #require(outcome.wait())
        #expect(try result.get() == (.serverClosed, 2))
    }

    /// A server that stops inside a message: the client gives up after its timeout, naming the message.
    @Test func halfMessageTimesOut() throws {
        let (a, b) = try Self.socketPair()
        let outcome = Self.serveInBackground(a, timeout: 0.3)
        let server = FakeServer(descriptor: b)
        #expect(try server.status() == .needInit)
        try server.connection.write(Array(IPIMessage.positions(IPIPositions(IPISessionTests.argon)).encoded.prefix(100)))
        let result = try #require(outcome.wait())
        #expect(throws: IPIError.transport(message: 2, header: "POSDATA", .timedOut(seconds: 0.3))) { try result.get() }
    }

    /// A server that connects and says nothing: the idle timeout (when set) ends the wait.
    @Test func silentServerHitsTheIdleTimeout() throws {
        let (a, b) = try Self.socketPair()
        let outcome = Self.serveInBackground(a, timeout: 0.3)
        let server = FakeServer(descriptor: b)
        let result = try #require(outcome.wait())
        #expect(throws: IPIError.transport(message: 1, header: "waiting for its header", .timedOut(seconds: 0.3))) {
            try result.get()
        }
        _ = server
    }

    /// A server that closes inside a message: `truncated`, naming the field.
    @Test func streamEndsInsideAMessage() throws {
        let (a, b) = try Self.socketPair()
        let outcome = Self.serveInBackground(a)
        do {
            let server = FakeServer(descriptor: b)
            try server.connection.write(Array(IPIMessage.positions(IPIPositions(IPISessionTests.argon)).encoded.prefix(50)))
        }
        let result = try #require(outcome.wait())
        #expect(throws: IPIError.truncated(message: 1, header: "POSDATA", field: "the cell", expected: 72, received: 38)) {
            try result.get()
        }
    }

    @Test func wrongAtomCount() throws {
        let (a, b) = try Self.socketPair()
        let outcome = Self.serveInBackground(a)
        let server = FakeServer(descriptor: b)
        try server.send(.positions(IPIPositions(Crystal.fcc.structure([18], a: 5.3, cubic: true))))
        let result = try #require(outcome.wait())
        #expect(throws: IPIError.atomCountMismatch(message: 1, header: "POSDATA", count: 4, expected: 8)) { try result.get() }
    }

    /// `IPIClient.run` over a unix socket in a temporary folder, through two connections (`reconnect` 1): the
    /// first closed by the server, the second ended by EXIT.
    @Test func runOverAUnixSocketWithReconnect() throws {
        // A short prefix: a unix socket's path has room for about 100 bytes.
        let folder = try TemporaryFolder(prefix: "ipi")
        let path = folder.path("socket")
        let outcome = Outcome<IPIRunSummary>()
        Thread.detachNewThread {
            do {
                let lj = try IPISessionTests.lennardJones()
                var options = IPIClientOptions()
                options.connectWait = 10
                options.reconnect = 1
                options.timeout = 10
                let summary = try IPIClient.run(address: .unix(name: path), structure: IPISessionTests.argon, options: options) {
                    s in (try lj.calculate(s), nil)
                }
                outcome.set(.success(summary))
            } catch {
                outcome.set(.failure(error))
            }
        }
        usleep(200_000)  // the client is already retrying: nothing listens yet
        let listener = try UnixSockets.listen(at: path)
        defer { close(listener) }
        do {
            let server = FakeServer(descriptor: accept(listener, nil, nil))
            try Self.drive(server, steps: 2)
        }
        let server = FakeServer(descriptor: accept(listener, nil, nil))
        try Self.drive(server, steps: 3)
        try server.send(.exit)
        let result = try #require(outcome.wait())
        #expect(try result.get() == IPIRunSummary(requests: 5, connections: 2, ending: .exit))
    }

    @Test func nothingListens() throws {
        var options = IPIClientOptions()
        options.connectWait = 0.3
        let start = Date()
        let folder = try TemporaryFolder(prefix: "ipi-none")
        let path = folder.path("socket")  // never created
        #expect(
            throws: IPIError.connect(address: "unix socket \(path)", reason: "connect: No such file or directory (tried for 0.3 s)")
        ) {
            try IPIClient.run(address: .unix(path: path), structure: IPISessionTests.argon, options: options) { _ in
                throw IPIError.badStructure(reason: "not called")
            }
        }
        #expect(Date().timeIntervalSince(start) >= 0.3)
        #expect(throws: IPIError.self) {
            try IPIClient.run(address: .inet(host: "localhost", port: 0), structure: IPISessionTests.argon, options: options) { _ in
                throw IPIError.badStructure(reason: "not called")
            }
        }
    }

    @Test func unixSocketNames() {
        #expect(IPIAddress.unix(name: "driver") == .unix(path: "/tmp/ipi_driver"))
        #expect(IPIAddress.unix(name: "/run/x.sock") == .unix(path: "/run/x.sock"))
    }
}
