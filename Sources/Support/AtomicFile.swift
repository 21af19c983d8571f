import Foundation

/// Writes a file atomically: bytes go to a temporary file beside the target, which replaces the
/// target by rename only when `commit()` is called. Until then the old file (if any) is untouched;
/// an abandoned writer removes its temporary file.
public final class AtomicFile {
    /// The final path.
    public let path: String
    private let temporaryPath: String
    private var handle: FileHandle?
    private var buffer = [UInt8]()

    /// Starts writing `path`.
    /// - Throws: `AtomicFileError` when the temporary file cannot be created (missing folder, no permission).
    public init(path: String) throws(AtomicFileError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        temporaryPath = folder + "/." + url.lastPathComponent + ".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporaryPath, contents: nil),
              let h = FileHandle(forWritingAtPath: temporaryPath)
        else {
            throw AtomicFileError(path: path, reason: "cannot create a file in '\(folder)' (does the folder exist and is it writable?)")
        }
        handle = h
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if handle != nil {
            try? handle?.close()
            unlink(temporaryPath)
        }
    }

    /// Appends text (UTF-8).
    public func write(_ text: String) throws(AtomicFileError) { try write(bytes: Array(text.utf8)) }

    /// Appends bytes.
    public func write(bytes: some Sequence<UInt8>) throws(AtomicFileError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Appends raw bytes; large blocks go straight to the file without being copied into the buffer.
    public func write(raw: UnsafeRawBufferPointer) throws(AtomicFileError) {
        guard raw.count >= 1 << 20, let base = raw.baseAddress else {
            try write(bytes: raw)
            return
        }
        try flush()
        do {
            try handle?.write(contentsOf: Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: raw.count,
                                               deallocator: .none))
        } catch {
            throw AtomicFileError(path: path, reason: "write failed: \(error.localizedDescription)")
        }
    }

    /// Writes everything buffered so far to the temporary file.
    public func flush() throws(AtomicFileError) {
        guard let handle else { throw AtomicFileError(path: path, reason: "already committed") }
        do {
            try handle.write(contentsOf: buffer)
        } catch {
            throw AtomicFileError(path: path, reason: "write failed: \(error.localizedDescription)")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and moves the temporary file onto `path`.
    public func commit() throws(AtomicFileError) {
        try flush()
        do {
            try handle?.synchronize()
            try handle?.close()
        } catch {
            throw AtomicFileError(path: path, reason: "could not close: \(error.localizedDescription)")
        }
        handle = nil
        guard rename(temporaryPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw AtomicFileError(path: path, reason: "could not move the finished file into place: \(reason)")
        }
    }

    /// Writes `bytes` to `path` atomically in one call.
    public static func write(_ bytes: some Sequence<UInt8>, to path: String) throws(AtomicFileError) {
        let file = try AtomicFile(path: path)
        try file.write(bytes: bytes)
        try file.commit()
    }
}

/// A file could not be written.
public struct AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file being written.
    public let path: String
    /// What failed.
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}
