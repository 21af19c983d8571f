/// A problem reading or writing an extended-XYZ file, with the file and line it was found at.
public struct ExtXYZError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Equatable, Sendable {
        /// The file could not be opened, read or written.
        case io
        /// The first line of a frame is not a non-negative atom count.
        case badAtomCount
        /// The file ended inside a frame.
        case truncated
        /// An atom line has more or fewer columns than `Properties` declares.
        case wrongColumnCount
        /// A token that should be a number, integer or logical is not.
        case badValue
        /// A species symbol is not an element.
        case unknownElement
        /// The comment line is malformed (unbalanced quotes, a bad `Lattice`, `pbc` or `Properties`).
        case badHeader
        /// Positions are missing or not finite.
        case badPositions
        /// A line is longer than the reader accepts (no extxyz line needs that many bytes).
        case lineTooLong
    }

    /// The file name as given to the reader or writer.
    public let file: String
    /// 1-based line number (0 when not tied to a line).
    public let line: Int
    /// The category of the problem.
    public let kind: Kind
    /// What was expected and what was found.
    public let message: String

    /// An error at `file:line`.
    public init(file: String, line: Int, kind: Kind, message: String) {
        self.file = file
        self.line = line
        self.kind = kind
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
