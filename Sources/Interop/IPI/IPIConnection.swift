import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open stream socket to an i-PI server, read with time limits: a message must arrive whole within
/// `timeout` seconds of its first byte; the wait for a message's first byte is bounded by `idleTimeout` (nil:
/// no bound, as a server may think for long between requests). Closes the socket when released.
public final class IPIConnection: IPIByteSource {
    /// The socket's file descriptor.
    public let descriptor: Int32
    /// Seconds a message (its rest, once its first byte came) or a write may take.
    public var timeout: Double
    /// Seconds to wait for a message's first byte; nil waits as long as the server stays connected.
    public var idleTimeout: Double?

    /// A connection over an open stream socket `descriptor` (for instance one end of a `socketpair`); it is
    /// closed when the connection is released.
    public init(descriptor: Int32, timeout: Double = 600, idleTimeout: Double? = nil) {
        self.descriptor = descriptor
        self.timeout = timeout
        self.idleTimeout = idleTimeout
    }

    deinit { close(descriptor) }

    /// Connects to `address`, retrying every 0.1 s while nothing listens there yet (refused, or no socket
    /// file) until `wait` seconds have passed.
    /// - Throws: `IPIError.connect` with the last reason.
    public static func connect(
        to address: IPIAddress, wait: Double, timeout: Double = 600, idleTimeout: Double? = nil
    ) throws(IPIError) -> IPIConnection {
        let deadline = Date().addingTimeInterval(wait)
        while true {
            do throws(IPIConnectFailure) {
                let fd = try IPISocketAddress.open(address)
                return IPIConnection(descriptor: fd, timeout: timeout, idleTimeout: idleTimeout)
            } catch {
                guard error.isRetryable, Date() < deadline else {
                    let waited = error.isRetryable ? " (tried for \(wait) s)" : ""
                    throw .connect(address: address.description, reason: error.reason + waited)
                }
                usleep(100_000)
            }
        }
    }

    public func read(_ count: Int, startingMessage: Bool) throws(IPITransportError) -> [UInt8] {
        guard count > 0 else { return [] }
        var out = [UInt8](repeating: 0, count: count)
        var filled = 0
        var deadline = startingMessage ? idleTimeout.map { Date().addingTimeInterval($0) } : Date().addingTimeInterval(timeout)
        while filled < count {
            try waitUntil(readable: true, deadline: deadline, limit: filled == 0 && startingMessage ? idleTimeout : timeout)
            let n = out.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + filled, count - filled, 0) }
            if n > 0 {
                if filled == 0 && startingMessage { deadline = Date().addingTimeInterval(timeout) }
                filled += n
            } else if n == 0 {
                break
            } else {
                let e = errno
                if e == EINTR || e == EAGAIN || e == EWOULDBLOCK { continue }
                if e == ECONNRESET { break }
                throw .system(call: "recv", errno: e, reason: String(cString: strerror(e)))
            }
        }
        return Array(out[0..<filled])
    }

    /// Sends all of `bytes` within `timeout` seconds; never raises SIGPIPE (a closed peer is an EPIPE error).
    /// - Throws: `IPITransportError` when the socket fails or the peer does not take the bytes in time.
    public func write(_ bytes: [UInt8]) throws(IPITransportError) {
        var sent = 0
        let deadline = Date().addingTimeInterval(timeout)
        while sent < bytes.count {
            try waitUntil(readable: false, deadline: deadline, limit: timeout)
            let n = bytes.withUnsafeBytes {
                send(descriptor, $0.baseAddress! + sent, bytes.count - sent, Self.sendFlags)
            }
            if n >= 0 {
                sent += n
            } else {
                let e = errno
                if e == EINTR || e == EAGAIN || e == EWOULDBLOCK { continue }
                throw .system(call: "send", errno: e, reason: String(cString: strerror(e)))
            }
        }
    }

    /// Non-blocking sends that never raise SIGPIPE.
    private static var sendFlags: Int32 {
        #if canImport(Glibc)
            Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        #else
            Int32(MSG_DONTWAIT)
        #endif
    }

    /// Waits until the socket can be read (or written), or `deadline` passes (nil: no deadline).
    private func waitUntil(readable: Bool, deadline: Date?, limit: Double?) throws(IPITransportError) {
        while true {
            var milliseconds: Int32 = -1
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { throw .timedOut(seconds: limit ?? 0) }
                milliseconds = Int32(clamping: Int((left * 1000).rounded(.up)))
            }
            var p = pollfd(fd: descriptor, events: Int16(readable ? POLLIN : POLLOUT), revents: 0)
            let r = poll(&p, 1, milliseconds)
            if r > 0 { return }
            if r < 0 {
                let e = errno
                if e == EINTR { continue }
                throw .system(call: "poll", errno: e, reason: String(cString: strerror(e)))
            }
        }
    }
}
