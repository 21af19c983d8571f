/// Where an `IPIDecoder` reads bytes from: a socket (`IPIConnection`) or bytes in memory (`IPIByteBuffer`, for
/// tests and fuzzing).
public protocol IPIByteSource {
    /// Up to `count` bytes, fewer only when the stream has ended (none if it ended before this call).
    /// `startingMessage` is true for the first bytes of a message, i.e. the wait between requests, which a
    /// socket may allow to last longer than the wait inside a message.
    mutating func read(_ count: Int, startingMessage: Bool) throws(IPITransportError) -> [UInt8]
}

/// Bytes in memory read front to back: a recorded stream, or what a fuzzer makes.
public struct IPIByteBuffer: IPIByteSource, Sendable {
    /// All the bytes.
    public let bytes: [UInt8]
    /// Bytes read so far.
    public private(set) var position = 0

    /// A source over `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { position == bytes.count }

    public mutating func read(_ count: Int, startingMessage: Bool) throws(IPITransportError) -> [UInt8] {
        let n = min(max(count, 0), bytes.count - position)
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }
}

/// Sizes a message may claim, checked before anything is allocated from them.
public struct IPILimits: Equatable, Sendable {
    /// The largest atom count of POSDATA and FORCEREADY (4 194 304: 100 MB of positions).
    public var atoms: Int = 1 << 22
    /// The longest INIT parameter string, bytes.
    public var initializationBytes: Int = 1 << 20
    /// The longest FORCEREADY extra string, bytes.
    public var extraBytes: Int = 1 << 28

    /// The default limits.
    public init() {}
}
