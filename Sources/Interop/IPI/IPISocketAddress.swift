#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why one connection attempt failed, and whether trying again may help (nothing listens yet).
struct IPIConnectFailure: Error {
    let reason: String
    let isRetryable: Bool

    /// The failure of `call` with `errno` value `e`.
    static func system(_ call: String, _ e: Int32) -> IPIConnectFailure {
        IPIConnectFailure(
            reason: "\(call): \(String(cString: strerror(e)))", isRetryable: [ECONNREFUSED, ENOENT, EAGAIN, EINTR].contains(e))
    }
}

/// Opening a connected stream socket to an `IPIAddress` through POSIX sockets.
enum IPISocketAddress {
    /// A connected socket's descriptor.
    /// - Throws: `IPIConnectFailure` saying why, and whether a retry may succeed.
    static func open(_ address: IPIAddress) throws(IPIConnectFailure) -> Int32 {
        switch address {
        case let .unix(path): try openUnix(path)
        case let .inet(host, port): try openInet(host, port)
        }
    }

    private static func openUnix(_ path: String) throws(IPIConnectFailure) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity, !bytes.contains(0) else {
            throw IPIConnectFailure(
                reason: "the socket path is empty or longer than \(capacity - 1) bytes: \(path)", isRetryable: false)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let fd = socket(AF_UNIX, socketStream, 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        let r = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard r == 0 else {
            let e = errno
            close(fd)
            throw .system("connect", e)
        }
        return fd
    }

    private static func openInet(_ host: String, _ port: Int) throws(IPIConnectFailure) -> Int32 {
        guard (1...65535).contains(port) else {
            throw IPIConnectFailure(reason: "port \(port) is not in 1…65535", isRetryable: false)
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = socketStream
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw IPIConnectFailure(
                reason: "cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))", isRetryable: status == EAI_AGAIN)
        }
        defer { freeaddrinfo(list) }
        var failure = IPIConnectFailure(reason: "no address for '\(host)'", isRetryable: false)
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry?.pointee {
            entry = info.ai_next
            let fd = socket(info.ai_family, info.ai_socktype, info.ai_protocol)
            guard fd >= 0 else {
                failure = .system("socket", errno)
                continue
            }
            if connect(fd, info.ai_addr, info.ai_addrlen) == 0 {
                var one: Int32 = 1
                _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            failure = .system("connect", errno)
            close(fd)
        }
        throw failure
    }

    /// `SOCK_STREAM` as the socket calls take it.
    private static var socketStream: Int32 {
        #if canImport(Glibc)
            Int32(SOCK_STREAM.rawValue)
        #else
            SOCK_STREAM
        #endif
    }
}
