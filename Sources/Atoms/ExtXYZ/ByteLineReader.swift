#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads lines from a byte source through one reusable buffer, so a file is never held in memory whole.
///
/// A returned line is valid until the next call. The byte after each line's last character is a
/// newline or NUL, so C number parsers stop there.
final class ByteLineReader {
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var exhausted = false
    private let source: ByteSource
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        capacity = chunkSize
        buffer = .allocate(capacity: capacity + 1)
        buffer[0] = 0
    }

    deinit { buffer.deallocate() }

    /// The next line without its line terminator (LF or CRLF); nil at end of input.
    /// - Throws: `ReadFailure` when the source reports an I/O error.
    func nextLine() throws(ReadFailure) -> UnsafeBufferPointer<UInt8>? {
        var searchFrom = start
        while true {
            if let found = memchr(buffer + searchFrom, 0x0A, end - searchFrom) {
                let newline = buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
                return takeLine(upTo: newline, skip: 1)
            }
            if exhausted {
                guard start < end else { return nil }
                buffer[end] = 0
                return takeLine(upTo: end, skip: 0)
            }
            searchFrom = end - start
            try refill()
        }
    }

    private func takeLine(upTo stop: Int, skip: Int) -> UnsafeBufferPointer<UInt8> {
        var last = stop
        if last > start && buffer[last - 1] == 0x0D { last -= 1 }
        let line = UnsafeBufferPointer(start: buffer + start, count: last - start)
        start = stop + skip
        lineNumber += 1
        return line
    }

    /// Moves the unread bytes to the front, grows the buffer if a line fills it, and reads more.
    private func refill() throws(ReadFailure) {
        let pending = end - start
        if start > 0 {
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * capacity + 1)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let n = source.read(into: buffer + end, count: capacity - end)
        if n < 0 { throw ReadFailure(errno: errno) }
        if n == 0 { exhausted = true }
        end += n
        buffer[end] = 0
    }
}

/// An I/O error from the operating system.
struct ReadFailure: Error {
    let errno: Int32
    /// The failure of the last system call.
    static var current: ReadFailure { ReadFailure(errno: Glibc.errno) }
    var message: String { String(cString: strerror(errno)) }
}
