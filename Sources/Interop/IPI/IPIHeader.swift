/// The 12-byte headers of the i-PI protocol: upper-case ASCII names padded with spaces.
public enum IPIHeader: String, CaseIterable, Sendable {
    /// Server → client: "what is your state?"
    case status = "STATUS"
    /// Client → server: ready for positions.
    case ready = "READY"
    /// Client → server: wants an INIT before positions.
    case needInit = "NEEDINIT"
    /// Client → server: holds a result for GETFORCE.
    case haveData = "HAVEDATA"
    /// Server → client: bead index and an initialisation string follow.
    case initialize = "INIT"
    /// Server → client: cell, inverse cell, atom count and positions follow.
    case positions = "POSDATA"
    /// Server → client: "send the result".
    case getForce = "GETFORCE"
    /// Client → server: energy, forces, virial and the extra string follow.
    case forceReady = "FORCEREADY"
    /// Server → client: the run is over.
    case exit = "EXIT"

    /// Bytes of every header.
    public static let length = 12

    /// The header's 12 bytes on the wire.
    public var bytes: [UInt8] {
        Array(rawValue.utf8) + [UInt8](repeating: UInt8(ascii: " "), count: Self.length - rawValue.utf8.count)
    }

    /// The header these 12 bytes spell (trailing spaces or NULs ignored, as i-PI's C drivers pad either way);
    /// nil for anything else.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == Self.length else { return nil }
        var name = Array(bytes)
        while let last = name.last, last == UInt8(ascii: " ") || last == 0 { name.removeLast() }
        guard let text = String(validating: name, as: UTF8.self), let header = IPIHeader(rawValue: text) else {
            return nil
        }
        self = header
    }

    /// The bytes of an unknown header as text, non-printable ones escaped (`\x00`), for error messages.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { b in
            (0x20..<0x7F).contains(b) && b != UInt8(ascii: "\\")
                ? String(UnicodeScalar(b)) : "\\x" + String(b, radix: 16).leftPadded(to: 2)
        }.joined()
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
