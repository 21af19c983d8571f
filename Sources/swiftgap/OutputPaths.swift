import Foundation

/// The files and folders a command will write, checked before it starts working: an output file is not a
/// folder and its folder exists and is writable; a report folder is not a file and exists writable or can
/// be created; no output replaces an input; no two outputs share a path.
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
            guard Self.isFolder(folder) else { throw .missingFolder(option: option, path: path, folder: folder) }
            guard Self.isWritable(folder) else { throw .folderNotWritable(option: option, path: path, folder: folder) }
            for (role, input) in inputs {
                if let input, Self.sameFile(path, input) { throw .overwritesInput(option: option, path: path, input: role) }
            }
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
        guard !isFolder(path) else { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code
            throw .cannotCreateFolder(
                option: option, path: path, reason: code.map { String(cString: strerror(Int32($0))) } ?? "unknown reason")
        }
    }

    /// A folder output: an existing writable folder, or a missing one whose nearest existing ancestor is a
    /// writable folder.
    private static func checkFolder(_ path: String, option: String) throws(PathError) {
        var url = URL(fileURLWithPath: path).standardizedFileURL
        while !FileManager.default.fileExists(atPath: url.path) && url.path != "/" { url.deleteLastPathComponent() }
        guard isFolder(url.path) else { throw .folderIsFile(option: option, path: path, file: url.path) }
        guard isWritable(url.path) else { throw .folderNotWritable(option: option, path: path, folder: url.path) }
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    private static func isWritable(_ folder: String) -> Bool { access(folder, W_OK | X_OK) == 0 }

    /// Whether two paths name the same existing file (through links too).
    private static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat(), sb = stat()
        guard stat(a, &sa) == 0, stat(b, &sb) == 0 else { return false }
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino
    }
}
