import Foundation
import Support

/// The files and folders a command will write, checked before it starts working: an output file is not a
/// folder and its folder exists and takes a new file; a report folder is not a file and exists taking new files
/// or can be created; no output replaces an input; no two outputs share a path. "Takes a new file" is tried by
/// creating and removing one (the permission bits that `access()` reads do not tell: /proc and read-only mounts
/// pass them).
struct OutputPaths {
    /// Output files by option name (nil when not given).
    var files: [(option: String, path: String?)] = []
    /// Output folders by option name (nil when not given), created when missing.
    var folders: [(option: String, path: String?)] = []
    /// Inputs by role ("the training file"), which no output may replace.
    var inputs: [(role: String, path: String?)] = []

    /// Checks every output.
    /// - Throws: `PathError` naming the first option whose path cannot be used.
    func check() throws(PathError) {
        var seen = [String: String]()
        for (option, path) in files + folders {
            guard let path else { continue }
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            if let first = seen[key] { throw .sameOutput(first: first, second: option, path: path) }
            seen[key] = option
        }
        for (option, path) in files {
            guard let path else { continue }
            if path.hasSuffix("/") || Self.isFolder(path) { throw .outputIsFolder(option: option, path: path) }
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard Self.isFolder(folder) else {
                let existing = Self.nearestExisting(folder).path
                if !Self.isFolder(existing) { throw .folderIsFile(option: option, path: path, file: existing) }
                throw .missingFolder(option: option, path: path, folder: folder)
            }
            for (role, input) in inputs {
                if let input, Self.sameFile(path, input) { throw .overwritesInput(option: option, path: path, input: role) }
            }
            try Self.probe(path, option: option, output: path)
        }
        for (option, path) in folders {
            guard let path else { continue }
            try Self.checkFolder(path, option: option)
        }
    }

    /// Creates the folder at `path` (and missing parents) unless it exists.
    /// - Throws: `PathError` naming `option` when it is a file or cannot be created.
    static func createFolder(_ path: String, option: String) throws(PathError) {
        try checkFolder(path, option: option)
        var missing = [URL](), url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" {
            missing.append(url)
            url.deleteLastPathComponent()
        }
        for folder in missing.reversed() {
            guard mkdir(folder.path, 0o755) != 0 else { continue }
            let code = errno
            guard code != EEXIST || !isFolder(folder.path) else { continue }
            throw .cannotWrite(
                option: option, path: path,
                reason: AtomicFile.cannotCreate(in: folder.deletingLastPathComponent().path, errno: code))
        }
    }

    /// A folder output: an existing folder that takes new files, or a missing one whose nearest existing
    /// ancestor is a folder that takes new files.
    private static func checkFolder(_ path: String, option: String) throws(PathError) {
        let url = nearestExisting(path)
        guard isFolder(url.path) else { throw .folderIsFile(option: option, path: path, file: url.path) }
        try probe(url.appendingPathComponent(".swiftgap-write-check").path, option: option, output: path)
    }

    /// Creates and removes the temporary file an atomic write of `file` starts with (`AtomicFile`), so the folder
    /// is known to take this very name.
    /// - Throws: `PathError.cannotWrite` naming `option` and `output` with the system's reason.
    private static func probe(_ file: String, option: String, output: String) throws(PathError) {
        do { _ = try AtomicFile(path: file) } catch { throw .cannotWrite(option: option, path: output, reason: error.reason) }
    }

    /// `path` or its nearest ancestor that exists.
    private static func nearestExisting(_ path: String) -> URL {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" { url.deleteLastPathComponent() }
        return url
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    /// Whether two paths name the same existing file (through links too).
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
