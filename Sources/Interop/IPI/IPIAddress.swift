/// Where an i-PI server listens.
public enum IPIAddress: Equatable, Sendable, CustomStringConvertible {
    /// A unix-domain socket at `path`.
    case unix(path: String)
    /// A TCP socket at `host` (a name or a numeric IPv4/IPv6 address) and `port`.
    case inet(host: String, port: Int)

    /// The unix socket i-PI and ASE make for the name `name`: `/tmp/ipi_NAME`. A name holding a `/` is taken as
    /// the socket's path itself.
    public static func unix(name: String) -> IPIAddress {
        name.contains("/") ? .unix(path: name) : .unix(path: "/tmp/ipi_" + name)
    }

    public var description: String {
        switch self {
        case let .unix(path): "unix socket \(path)"
        case let .inet(host, port): "\(host):\(port)"
        }
    }
}
