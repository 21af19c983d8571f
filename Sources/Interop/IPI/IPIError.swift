/// A failure of the socket under an i-PI exchange: what the system call said, or that the peer was silent too long.
public enum IPITransportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No byte arrived within `seconds`.
    case timedOut(seconds: Double)
    /// A system call failed with `errno` (`reason` is its `strerror` text).
    case system(call: String, errno: Int32, reason: String)

    public var description: String {
        switch self {
        case let .timedOut(seconds): "nothing arrived within \(seconds) s"
        case let .system(call, errno, reason): "\(call) failed: \(reason) (errno \(errno))"
        }
    }
}

/// A problem with an i-PI protocol exchange. Every case about a message names it by its number in the stream
/// (1 for the first message the peer sent) and its header, and says what was wrong.
public enum IPIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A header that is not one of the protocol's (`text` shows its 12 bytes, non-printable ones escaped).
    case unknownHeader(message: Int, text: String)
    /// A known header that must not come now (`reason` says why: what the state expects).
    case unexpectedHeader(message: Int, header: String, reason: String)
    /// The stream ended inside a message: `field` needed `expected` bytes and only `received` came.
    case truncated(message: Int, header: String, field: String, expected: Int, received: Int)
    /// An atom count outside 1…`limit`.
    case badAtomCount(message: Int, header: String, count: Int, limit: Int)
    /// An atom count other than the structure's.
    case atomCountMismatch(message: Int, header: String, count: Int, expected: Int)
    /// A byte length outside 0…`limit` (the INIT string, the extra string).
    case badLength(message: Int, header: String, field: String, length: Int, limit: Int)
    /// A NaN or infinite number in `field` (its flat index `index`).
    case nonFinite(message: Int, header: String, field: String, index: Int)
    /// A request SwiftGAP does not serve (a batched i-PI forcefield, …); `hint` says what to change.
    case unsupported(message: Int, header: String, what: String, hint: String)
    /// Reading or writing the socket failed inside a message (or while waiting for one).
    case transport(message: Int, header: String, IPITransportError)
    /// No connection could be made to `address`.
    case connect(address: String, reason: String)
    /// The calculator failed on the structure of force request `request` (1 for the first).
    case calculation(request: Int, reason: String)
    /// The calculator returned a NaN or infinite `what` for request `request`; nothing was sent.
    case nonFiniteResult(request: Int, what: String)
    /// The structure that gives the species cannot serve (no atoms, …).
    case badStructure(reason: String)

    public var description: String {
        switch self {
        case let .unknownHeader(message, text):
            "i-PI message \(message): unknown header '\(text)'; expected STATUS, INIT, POSDATA, GETFORCE or EXIT"
        case let .unexpectedHeader(message, header, reason):
            Self.about(message, header, "not expected here: \(reason)")
        case let .truncated(message, header, field, expected, received):
            Self.about(message, header, "the stream ended in \(field): \(received) of \(expected) bytes arrived")
        case let .badAtomCount(message, header, count, limit):
            Self.about(message, header, "the atom count is \(count); it must be between 1 and \(limit)")
        case let .atomCountMismatch(message, header, count, expected):
            Self.about(
                message, header,
                "\(count) atoms sent, but the structure has \(expected); give --structure the atoms in the order the server uses")
        case let .badLength(message, header, field, length, limit):
            Self.about(message, header, "\(field) is \(length) bytes long; it must be between 0 and \(limit)")
        case let .nonFinite(message, header, field, index):
            Self.about(message, header, "\(field) holds a NaN or infinite number at index \(index)")
        case let .unsupported(message, header, what, hint):
            Self.about(message, header, "\(what) is not supported; \(hint)")
        case let .transport(message, header, error):
            Self.about(message, header, "\(error)")
        case let .connect(address, reason):
            "cannot connect to the i-PI server at \(address): \(reason)"
        case let .calculation(request, reason):
            "force request \(request): the calculation failed: \(reason)"
        case let .nonFiniteResult(request, what):
            "force request \(request): the calculation gave a NaN or infinite \(what); nothing was sent"
        case let .badStructure(reason):
            "the structure that gives the species cannot be served: \(reason)"
        }
    }

    /// The text of an error in message `message` (header `header`).
    private static func about(_ message: Int, _ header: String, _ detail: String) -> String {
        "i-PI message \(message) (\(header)): \(detail)"
    }
}
