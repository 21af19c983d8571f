#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a line reader gets its bytes: a file descriptor or a byte array.
protocol ByteSource: AnyObject {
    /// Reads up to `count` bytes into `buffer`; returns the number read, 0 at end of input, −1 on error.
    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int
    /// The number of bytes not yet read, when knowable (nil for pipes and terminals).
    var remainingBytes: Int? { get }
}

/// Bytes from a file opened read-only (or standard input for "-").
final class FileByteSource: ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool

    /// Opens `path`; nil (with errno set) when it cannot be opened.
    init?(path: String) {
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else { return nil }
            descriptor = fd
            ownsDescriptor = true
        }
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer, count)
            if n < 0 && errno == EINTR { continue }
            return n
        }
    }

    /// Size minus read offset of a regular file (standard input redirected from a file counts); nil for
    /// anything else, and for regular files reporting size 0 (such as those under /proc).
    var remainingBytes: Int? {
        var info = stat()
        guard fstat(descriptor, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        let offset = lseek(descriptor, 0, SEEK_CUR)
        guard offset >= 0 else { return nil }
        return max(0, Int(info.st_size) - Int(offset))
    }
}

/// Bytes from memory (text given directly, for tests, fuzzing and small inputs).
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> Int {
        let n = min(count, bytes.count - offset)
        bytes.withUnsafeBufferPointer { src in
            if n > 0, let base = src.baseAddress { buffer.update(from: base + offset, count: n) }
        }
        offset += n
        return n
    }

    var remainingBytes: Int? { bytes.count - offset }
}
