import Atoms
import Classical
import FuzzDriver
import Interop

/// The atoms served: three argon atoms in a periodic cubic cell.
private let template = Structure(
    atomicNumbers: [18, 18, 18], positions: [.zero, SIMD3(3.8, 0, 0), SIMD3(1.9, 3.3, 0)], cell: .orthorhombic(SIMD3(8, 8, 8)),
    pbc: .all)
private let potential = try! LennardJones(element: 18, epsilon: 0.0104, sigma: 3.4, cutoff: 6.0)

/// One fuzz input: the bytes a server sends, fed to the client's decoder and state machine as `IPIClient.serve`
/// does, without sockets. Every message must decode to a message or an `IPIError` (never a trap); every decoded
/// message must encode back to bytes that decode to the same message; every reply the session makes must
/// decode as a client message with the template's atom count.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIPIMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var limits = IPILimits()
    limits.atoms = 64
    limits.initializationBytes = 4096
    var source = IPIByteBuffer(Array(UnsafeBufferPointer(start: data, count: size)))
    var decoder = IPIDecoder(limits: limits)
    var session: IPISession
    do {
        session = try IPISession(template: template) { s in (try potential.calculate(s), [Double](repeating: 0.5, count: s.count)) }
    } catch {
        fatalError("the template does not make a session: \(error)")
    }
    while true {
        let message: IPIMessage
        do {
            guard let m = try decoder.nextFromServer(&source) else { return 0 }
            message = m
        } catch {
            return 0
        }
        checkRoundTrip(message, limits: limits)
        let step: IPISession.Step
        do {
            step = try session.handle(message, number: decoder.messageCount)
        } catch {
            return 0
        }
        switch step {
        case .wait: continue
        case .exit: return 0
        case let .reply(reply): checkReply(reply)
        }
    }
}

/// A decoded message, encoded again, must decode to itself.
private func checkRoundTrip(_ message: IPIMessage, limits: IPILimits) {
    var again = IPIByteBuffer(message.encoded)
    var decoder = IPIDecoder(limits: limits)
    do {
        guard let back = try decoder.nextFromServer(&again), back == message, again.isAtEnd else {
            fatalError("\(message.header) does not survive encoding")
        }
    } catch {
        fatalError("\(message.header) encodes to bytes that do not decode: \(error)")
    }
}

/// A reply must read back as a client message, FORCEREADY with one force per atom and finite numbers.
private func checkReply(_ reply: IPIMessage) {
    var bytes = IPIByteBuffer(reply.encoded)
    var decoder = IPIDecoder()
    do {
        guard let back = try decoder.nextFromClient(&bytes, expectedAtoms: template.count), back == reply, bytes.isAtEnd else {
            fatalError("reply \(reply.header) does not read back")
        }
    } catch {
        fatalError("reply \(reply.header) does not decode: \(error)")
    }
}

@_cdecl("FuzzIPIMessage_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzIPIMessage)
}
