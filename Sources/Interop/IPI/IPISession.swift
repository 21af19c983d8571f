import Atoms

/// What an i-PI client computes for one structure: the calculation (eV, Å) and, when the model has them, the
/// per-atom local-energy variances (eV²).
public typealias IPICalculate = (Structure) throws -> (calculation: Calculation, variances: [Double]?)

/// The client side of the i-PI protocol as a state machine over messages, without sockets: it answers STATUS
/// with its state, takes INIT, computes on POSDATA and answers GETFORCE with the result.
///
/// It starts in NEEDINIT, as i-PI's own drivers do: i-PI then sends INIT (with the bead index and the
/// forcefield's parameters), and ASE's server sends an INIT it ignores. POSDATA is also taken before any INIT,
/// as servers that skip initialisation expect.
public struct IPISession {
    /// Where the client is in the exchange.
    public enum State: String, Sendable {
        /// Waiting for INIT (answers STATUS with NEEDINIT).
        case needInit = "NEEDINIT"
        /// Waiting for positions (answers READY).
        case ready = "READY"
        /// Holding a result for GETFORCE (answers HAVEDATA).
        case haveData = "HAVEDATA"
    }

    /// What the session does after a message.
    public enum Step: Equatable, Sendable {
        /// Send this message back.
        case reply(IPIMessage)
        /// Nothing to send; wait for the next message.
        case wait
        /// The server said EXIT.
        case exit
    }

    /// The atoms served: species, periodicity, and the cell used when the server sends a zero cell.
    public let template: Structure
    /// The state.
    public private(set) var state = State.needInit
    /// Structures computed so far (POSDATA messages).
    public private(set) var requests = 0
    /// The bead index of the last INIT, if any.
    public private(set) var bead: Int32?
    /// The result waiting for GETFORCE.
    private var result: IPIForces?
    private let calculate: IPICalculate

    /// A session serving the atoms of `template` with `calculate`.
    /// - Throws: `IPIError.badStructure` when the template has no atoms or is not a valid structure.
    public init(template: Structure, calculate: @escaping IPICalculate) throws(IPIError) {
        guard template.count > 0 else { throw .badStructure(reason: "it has no atoms") }
        do throws(GeometryError) { try template.validate() } catch { throw .badStructure(reason: "\(error)") }
        self.template = template
        self.calculate = calculate
    }

    /// Handles `message`, the `number`-th of the stream (for errors).
    /// - Throws: `IPIError` for a message the state does not allow, a batched INIT, positions for another number
    ///   of atoms than the template's, or a failed or non-finite calculation.
    public mutating func handle(_ message: IPIMessage, number: Int) throws(IPIError) -> Step {
        switch message {
        case .status:
            return .reply(state == .needInit ? .needInit : state == .ready ? .ready : .haveData)
        case let .initialize(payload):
            guard state != .haveData else { throw unexpected(message, number, "a result waits for GETFORCE") }
            if let batch = payload.batchSize, batch > 1 {
                throw .unsupported(
                    message: number, header: message.header.rawValue, what: "batched requests (batch_size:\(batch))",
                    hint: "remove batch_size from the i-PI forcefield (or set it to 1)")
            }
            bead = payload.bead
            state = .ready
            return .wait
        case let .positions(payload):
            guard state != .haveData else { throw unexpected(message, number, "the previous result waits for GETFORCE") }
            guard payload.positions.count == template.count else {
                throw .atomCountMismatch(
                    message: number, header: message.header.rawValue, count: payload.positions.count, expected: template.count)
            }
            requests += 1
            let structure = payload.structure(for: template)
            let output: (calculation: Calculation, variances: [Double]?)
            do { output = try calculate(structure) } catch {
                throw .calculation(request: requests, reason: String(describing: error))
            }
            result = try IPIForces(output.calculation, variances: output.variances, request: requests)
            state = .haveData
            return .wait
        case .getForce:
            guard state == .haveData, let result else { throw unexpected(message, number, "no positions have been sent") }
            self.result = nil
            state = .ready
            return .reply(.forceReady(result))
        case .exit:
            return .exit
        case .ready, .needInit, .haveData, .forceReady:
            throw unexpected(message, number, "\(message.header.rawValue) is sent by a client, not a server")
        }
    }

    private func unexpected(_ message: IPIMessage, _ number: Int, _ reason: String) -> IPIError {
        .unexpectedHeader(message: number, header: message.header.rawValue, reason: "the client is \(state.rawValue): \(reason)")
    }
}
