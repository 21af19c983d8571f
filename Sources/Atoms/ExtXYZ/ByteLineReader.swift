#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads lines from a byte source through one reusable buffer, so a file is never held in memory whole.
///
/// Lines end as in Python's universal newlines (what ASE reads): at LF, CR LF or a lone CR. A returned
/// line is valid until the next call. The byte after each line's last character is a line terminator or
/// NUL, so C number parsers stop there.
final class ByteLineReader {
    /// The longest line the buffer grows to hold by default (1 GiB).
    static let defaultMaximumLineLength = 1 << 30

    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var end = 0
    private var exhausted = false
    private let source: ByteSource
    private let maximumLineLength: Int
    /// 1-based number of the line last returned.
    private(set) var lineNumber = 0

    init(source: ByteSource, chunkSize: Int = 1 << 20, maximumLineLength: Int = defaultMaximumLineLength) {
        self.source = source
        self.maximumLineLength = maximumLineLength
        capacity = chunkSize
        buffer = .allocate(capacity: capacity + 1)
        buffer[0] = 0
    }

    deinit { buffer.deallocate() }

    /// The number of input bytes after the line last returned, when the source knows its size.
    var remainingBytes: Int? { source.remainingBytes.map { $0 + end - start } }

    /// The next line without its line terminator; nil at end of input.
    /// - Throws: `LineReadFailure` when the source reports an I/O error or a line exceeds the maximum length.
    func nextLine() throws(LineReadFailure) -> UnsafeBufferPointer<UInt8>? {
        var searchFrom = start
        while true {
            let newline = find(0x0A, from: searchFrom, to: end)
            if let cr = find(0x0D, from: searchFrom, to: newline ?? end) {
                // Whether a CR is followed by LF (one terminator) needs the next byte.
                if cr + 1 < end { return takeLine(upTo: cr, skip: buffer[cr + 1] == 0x0A ? 2 : 1) }
                if exhausted { return takeLine(upTo: cr, skip: 1) }
                searchFrom = cr
            } else if let newline {
                return takeLine(upTo: newline, skip: 1)
            } else if exhausted {
                guard start < end else { return nil }
                return takeLine(upTo: end, skip: 0)
            } else {
                searchFrom = end
            }
            searchFrom -= start  // refill moves the unread bytes to the front
            try refill()
        }
    }

    /// The index of the first `byte` in [`from`, `to`), or nil.
    @inline(__always)
    private func find(_ byte: Int32, from: Int, to: Int) -> Int? {
        guard let found = memchr(buffer + from, byte, to - from) else { return nil }
        return buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private func takeLine(upTo stop: Int, skip: Int) -> UnsafeBufferPointer<UInt8> {
        let line = UnsafeBufferPointer(start: buffer + start, count: stop - start)
        start = stop + skip
        lineNumber += 1
        return line
    }

    /// Moves the unread bytes to the front, grows the buffer if a line fills it, and reads more.
    private func refill() throws(LineReadFailure) {
        let pending = end - start
        if start > 0 {
            if pending > 0 { memmove(buffer, buffer + start, pending) }
            start = 0
            end = pending
        }
        if end == capacity {
            guard capacity < maximumLineLength else { throw .tooLong(limit: maximumLineLength) }
            let grown = min(2 * capacity, maximumLineLength)
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown + 1)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity = grown
        }
        let n = source.read(into: buffer + end, count: capacity - end)
        if n < 0 { throw .io(ReadFailure.current) }
        if n == 0 { exhausted = true }
        end += n
        buffer[end] = 0
    }
}

/// Why `ByteLineReader` could not return the next line.
enum LineReadFailure: Error {
    /// The operating system reported an error.
    case io(ReadFailure)
    /// A line is longer than `limit` bytes.
    case tooLong(limit: Int)
}

/// An I/O error from the operating system.
struct ReadFailure: Error {
    let errno: Int32
    /// The failure of the last system call.
    static var current: ReadFailure { ReadFailure(errno: Glibc.errno) }
    var message: String { String(cString: strerror(errno)) }
}
