/// An `.npz` archive could not be read.
public struct NPZError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The archive (a path, or the name given to bytes in memory).
    public let path: String
    /// The entry (array file inside the archive) at fault, nil when the archive as a whole is.
    public let entry: String?
    /// What is wrong, with the offending value.
    public let problem: String

    /// An error about `path`, or about `entry` inside it.
    public init(path: String, entry: String? = nil, problem: String) {
        self.path = path
        self.entry = entry
        self.problem = problem
    }

    public var description: String { "\(path)\(entry.map { " entry \($0)" } ?? "") \(problem)" }
}
