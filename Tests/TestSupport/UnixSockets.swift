#if canImport(Glibc)
    import Glibc
#endif

/// Unix-domain sockets for tests that play a server (i-PI's, ASE's).
public enum UnixSockets {
    /// A socket could not be made to listen at `path`.
    public struct ListenError: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "cannot listen at \(path)" }
    }

    /// A socket listening at `path` (one pending connection), as its file descriptor.
    /// - Throws: `ListenError` when the socket cannot be made, bound or put to listen.
    public static func listen(at path: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard fd >= 0, bound == 0, Glibc.listen(fd, 1) == 0 else { throw ListenError(path: path) }
        return fd
    }
}
