/// A `fit --settings` file that cannot be read or is not what `tune` writes, with the file and what is wrong.
public struct FitSettingsFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path as given.
    public let file: String
    /// The key or value that is wrong, and what to do.
    public let problem: String

    /// An error in `file`.
    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}
