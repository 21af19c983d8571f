/// An output path given on the command line that cannot be used, found before any work is done (or when a
/// report folder is created).
enum PathError: Error, Equatable, CustomStringConvertible {
    /// An output file names an existing folder.
    case outputIsFolder(option: String, path: String)
    /// The folder an output goes into does not exist.
    case missingFolder(option: String, path: String, folder: String)
    /// No file can be created where an output goes (in its folder, or in the nearest existing folder of a
    /// report folder), for the system's `reason`.
    case cannotWrite(option: String, path: String, reason: String)
    /// A report folder, or a folder on the way to an output, is an existing file.
    case folderIsFile(option: String, path: String, file: String)
    /// An output would replace one of the command's inputs.
    case overwritesInput(option: String, path: String, input: String)
    /// Two outputs name the same path.
    case sameOutput(first: String, second: String, path: String)

    var description: String {
        switch self {
        case let .outputIsFolder(option, path):
            return "\(option) \(path): is a folder; give a file name inside it"
        case let .missingFolder(option, path, folder):
            return "\(option) \(path): the folder '\(folder)' does not exist; create it first or choose another place"
        case let .cannotWrite(option, path, reason):
            return "\(option) \(path): \(reason)"
        case let .folderIsFile(option, path, file):
            return "\(option) \(path): '\(file)' is a file, not a folder; choose another place"
        case let .overwritesInput(option, path, input):
            return "\(option) \(path): is \(input); writing it would destroy the input, choose another name"
        case let .sameOutput(first, second, path):
            return "\(first) and \(second) both name \(path); give each output its own path"
        }
    }
}
