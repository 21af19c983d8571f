import Atoms

/// Reads i-PI messages from a byte stream, numbering them (the first is 1) so that every error says which
/// message was wrong. Every size read is checked against `limits` (and the expected atom count) before
/// anything is allocated; every number against NaN and infinity.
public struct IPIDecoder: Sendable {
    /// Sizes a message may claim.
    public var limits: IPILimits
    /// Messages read so far (whole or begun).
    public private(set) var messageCount = 0

    /// A decoder at the start of a stream.
    public init(limits: IPILimits = IPILimits()) { self.limits = limits }

    /// The next message a server sends (STATUS, INIT, POSDATA, GETFORCE or EXIT); nil when the stream ended
    /// cleanly before a header. `expectedAtoms`, when given, is the only atom count POSDATA may carry.
    /// - Throws: `IPIError` naming the message: unknown or client-side header, truncated payload, bad atom
    ///   count or string length, non-finite number, or the source's failure.
    public mutating func nextFromServer(
        _ source: inout some IPIByteSource, expectedAtoms: Int? = nil
    ) throws(IPIError) -> IPIMessage? {
        guard let header = try readHeader(&source) else { return nil }
        var field = FieldReader(message: messageCount, header: header, limits: limits)
        switch header {
        case .status: return .status
        case .getForce: return .getForce
        case .exit: return .exit
        case .initialize:
            let bead = try field.int32(&source, "the bead index")
            let length = try field.length(&source, "the INIT string", limit: limits.initializationBytes)
            return .initialize(IPIInitialization(bead: bead, parameters: try field.bytes(&source, length, "the INIT string")))
        case .positions:
            let cell = try field.matrix(&source, "the cell")
            let inverse = try field.matrix(&source, "the inverse cell")
            let count = try field.atomCount(&source, expected: expectedAtoms)
            return .positions(
                IPIPositions(cell: cell, inverseCell: inverse, positions: try field.vectors(&source, count, "the positions")))
        case .ready, .needInit, .haveData, .forceReady:
            throw .unexpectedHeader(
                message: messageCount, header: header.rawValue, reason: "\(header.rawValue) is sent by a client, not a server")
        }
    }

    /// The next message a client sends (READY, NEEDINIT, HAVEDATA or FORCEREADY); nil when the stream ended
    /// cleanly before a header. `expectedAtoms`, when given, is the only atom count FORCEREADY may carry.
    /// - Throws: `IPIError` as `nextFromServer`.
    public mutating func nextFromClient(
        _ source: inout some IPIByteSource, expectedAtoms: Int? = nil
    ) throws(IPIError) -> IPIMessage? {
        guard let header = try readHeader(&source) else { return nil }
        var field = FieldReader(message: messageCount, header: header, limits: limits)
        switch header {
        case .ready: return .ready
        case .needInit: return .needInit
        case .haveData: return .haveData
        case .forceReady:
            let energy = try field.doubles(&source, 1, "the energy")[0]
            let count = try field.atomCount(&source, expected: expectedAtoms)
            let forces = try field.vectors(&source, count, "the forces")
            let virial = try field.matrix(&source, "the virial")
            let length = try field.length(&source, "the extra string", limit: limits.extraBytes)
            let extra = try field.bytes(&source, length, "the extra string")
            return .forceReady(IPIForces(energy: energy, forces: forces, virial: virial, extra: extra))
        case .status, .initialize, .positions, .getForce, .exit:
            throw .unexpectedHeader(
                message: messageCount, header: header.rawValue, reason: "\(header.rawValue) is sent by a server, not a client")
        }
    }

    /// The next header, nil at a clean end of the stream.
    private mutating func readHeader(_ source: inout some IPIByteSource) throws(IPIError) -> IPIHeader? {
        messageCount += 1
        let bytes: [UInt8]
        do throws(IPITransportError) {
            bytes = try source.read(IPIHeader.length, startingMessage: true)
        } catch {
            throw .transport(message: messageCount, header: "waiting for its header", error)
        }
        if bytes.isEmpty { return nil }
        guard bytes.count == IPIHeader.length else {
            throw .truncated(
                message: messageCount, header: IPIHeader.printable(bytes), field: "the header", expected: IPIHeader.length,
                received: bytes.count)
        }
        guard let header = IPIHeader(bytes: bytes) else {
            throw .unknownHeader(message: messageCount, text: IPIHeader.printable(bytes))
        }
        return header
    }
}

/// Reads the fields of one message, turning short reads, bad sizes and non-finite numbers into errors that
/// name the message and the field.
private struct FieldReader {
    let message: Int
    let header: IPIHeader
    let limits: IPILimits

    /// Exactly `count` bytes of `field`.
    mutating func bytes(_ source: inout some IPIByteSource, _ count: Int, _ field: String) throws(IPIError) -> [UInt8] {
        let bytes: [UInt8]
        do throws(IPITransportError) {
            bytes = try source.read(count, startingMessage: false)
        } catch {
            throw .transport(message: message, header: header.rawValue, error)
        }
        guard bytes.count == count else {
            throw .truncated(message: message, header: header.rawValue, field: field, expected: count, received: bytes.count)
        }
        return bytes
    }

    /// One little-endian int32.
    mutating func int32(_ source: inout some IPIByteSource, _ field: String) throws(IPIError) -> Int32 {
        let b = try bytes(&source, 4, field)
        return Int32(bitPattern: UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24)
    }

    /// A byte length in 0…`limit`.
    mutating func length(_ source: inout some IPIByteSource, _ field: String, limit: Int) throws(IPIError) -> Int {
        let n = Int(try int32(&source, "the length of " + field))
        guard n >= 0, n <= limit else {
            throw .badLength(message: message, header: header.rawValue, field: field, length: n, limit: limit)
        }
        return n
    }

    /// An atom count in 1…`limits.atoms`, equal to `expected` when given.
    mutating func atomCount(_ source: inout some IPIByteSource, expected: Int?) throws(IPIError) -> Int {
        let n = Int(try int32(&source, "the atom count"))
        guard n >= 1, n <= limits.atoms else {
            throw .badAtomCount(message: message, header: header.rawValue, count: n, limit: limits.atoms)
        }
        if let expected, n != expected {
            throw .atomCountMismatch(message: message, header: header.rawValue, count: n, expected: expected)
        }
        return n
    }

    /// `count` finite little-endian float64 values.
    mutating func doubles(_ source: inout some IPIByteSource, _ count: Int, _ field: String) throws(IPIError) -> [Double] {
        let raw = try bytes(&source, 8 * count, field)
        let values = raw.withUnsafeBytes { buffer in
            (0..<count).map { k in
                Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(message: message, header: header.rawValue, field: field, index: bad)
        }
        return values
    }

    /// A 3 × 3 matrix, row by row.
    mutating func matrix(_ source: inout some IPIByteSource, _ field: String) throws(IPIError) -> Matrix3 {
        let v = try doubles(&source, 9, field)
        return Matrix3(SIMD3(v[0], v[1], v[2]), SIMD3(v[3], v[4], v[5]), SIMD3(v[6], v[7], v[8]))
    }

    /// `count` vectors of 3 values.
    mutating func vectors(_ source: inout some IPIByteSource, _ count: Int, _ field: String) throws(IPIError) -> [SIMD3<Double>] {
        let v = try doubles(&source, 3 * count, field)
        return (0..<count).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
    }
}
