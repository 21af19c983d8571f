import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a file atomically: bytes go to a temporary file beside the target, which replaces the
/// target by rename only when `commit()` is called. Until then the old file (if any) is untouched;
/// an abandoned writer removes its temporary file. Failures are `AtomicFileError`s naming the path, what
/// went wrong (from the system's error code) and what to do.
public final class AtomicFile {
    /// The final path.
    public let path: String
    private let folder: String
    private let temporaryPath: String
    private var descriptor: Int32
    private var buffer = [UInt8]()

    /// Starts writing `path`.
    /// - Throws: `AtomicFileError` when `path` is a folder or the temporary file cannot be created (missing
    ///   folder, no permission).
    public init(path: String) throws(AtomicFileError) {
        self.path = path
        let url = URL(fileURLWithPath: path)
        folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue) {
            throw AtomicFileError(path: path, reason: "is a folder; give a file name")
        }
        temporaryPath = folder + "/." + url.lastPathComponent + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw AtomicFileError(path: path, reason: Self.cannotCreate(in: folder, errno: errno))
        }
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        if descriptor >= 0 {
            close(descriptor)
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
        guard raw.count >= 1 << 20 else {
            try write(bytes: raw)
            return
        }
        try flush()
        try writeAll(raw)
    }

    /// Writes everything buffered so far to the temporary file.
    public func flush() throws(AtomicFileError) {
        guard descriptor >= 0 else { throw AtomicFileError(path: path, reason: "already committed") }
        var failure: AtomicFileError?
        buffer.withUnsafeBytes { bytes in
            do throws(AtomicFileError) { try writeAll(bytes) } catch { failure = error }
        }
        if let failure { throw failure }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and moves the temporary file onto `path`.
    public func commit() throws(AtomicFileError) {
        try flush()
        let synced = fsync(descriptor) == 0 ? 0 : errno
        let closed = close(descriptor) == 0 ? 0 : errno
        descriptor = -1
        if synced != 0 || closed != 0 {
            unlink(temporaryPath)
            throw AtomicFileError(path: path, reason: "could not be saved: " + Self.failure(synced != 0 ? synced : closed, folder))
        }
        guard rename(temporaryPath, path) == 0 else {
            let code = errno
            unlink(temporaryPath)
            let reason =
                code == EISDIR || code == ENOTEMPTY || code == EEXIST
                ? "is a folder; give a file name"
                : "could not replace the file: \(Self.message(code)); check the permissions of '\(folder)'"
            throw AtomicFileError(path: path, reason: reason)
        }
    }

    /// Writes `bytes` to `path` atomically in one call.
    public static func write(_ bytes: some Sequence<UInt8>, to path: String) throws(AtomicFileError) {
        let file = try AtomicFile(path: path)
        try file.write(bytes: bytes)
        try file.commit()
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(AtomicFileError) {
        guard var next = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(descriptor, next, left)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw AtomicFileError(path: path, reason: "write failed: " + Self.failure(errno, folder)) }
            next += n
            left -= n
        }
    }

    /// Why a file cannot be created in `folder` (`code` the `errno` of the failed `open` or `mkdir`), and what
    /// to do: the folder's own state for a missing path, the system's reason otherwise.
    public static func cannotCreate(in folder: String, errno code: Int32) -> String {
        switch code {
        case ENOENT, ENOTDIR:
            var url = URL(fileURLWithPath: folder).standardizedFileURL
            while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" { url.deleteLastPathComponent() }
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
            if !isFolder.boolValue { return "'\(url.path)' is a file, not a folder; choose another place" }
            if url.path != URL(fileURLWithPath: folder).standardizedFileURL.path {
                return "the folder '\(folder)' does not exist; create it first"
            }
            return "the folder '\(folder)' does not accept new files (\(message(code))); choose another place"
        case EACCES, EPERM: return "the folder '\(folder)' is not writable (\(message(code))); choose another place"
        case EROFS: return "the folder '\(folder)' is on a read-only file system; choose another place"
        case ENOSPC, EDQUOT: return "no space left in '\(folder)' (\(message(code))); free some or choose another place"
        case ENAMETOOLONG: return "the name is too long (\(message(code))); choose a shorter one"
        default: return "cannot create a file in '\(folder)': \(message(code))"
        }
    }

    /// A failed write or save: the system's reason, and the advice that fits it.
    private static func failure(_ code: Int32, _ folder: String) -> String {
        code == ENOSPC || code == EDQUOT
            ? "\(message(code)); free some space in '\(folder)' or choose another place" : message(code)
    }

    private static func message(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// A file could not be written.
public struct AtomicFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file being written.
    public let path: String
    /// What failed, and what to do.
    public let reason: String

    /// "path: reason".
    public var description: String { "\(path): \(reason)" }
}
