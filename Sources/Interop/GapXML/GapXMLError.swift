import GAP

/// A problem with a GAP XML potential (QUIP's format) or its sparseX files, read or written. Every case names
/// the file and, where there is one, the line, and says what to do.
public enum GapXMLError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be read (missing, a folder, unreadable) or is larger than `GapXMLLimits.fileBytes`.
    case unreadable(file: String, reason: String)
    /// The text is not well-formed XML.
    case malformed(file: String, line: Int, detail: String)
    /// A required element or attribute is absent.
    case missing(file: String, line: Int, what: String)
    /// An attribute or element text that does not read as what it must be.
    case badValue(file: String, line: Int, what: String, value: String, expected: String)
    /// Something QUIP has but SwiftGAP does not implement; `hint` says what would work.
    case unsupported(file: String, line: Int, what: String, hint: String)
    /// A descriptor string (`<descriptor>` text or `init_args`) that does not read.
    case descriptor(file: String, line: Int, GapFitSyntaxError)
    /// A sparseX file that is missing, short, long, not numbers or not the file the XML's md5 sum names.
    case sparseFile(file: String, sparseFile: String, detail: String)
    /// The numbers read do not make a consistent potential.
    case inconsistent(file: String, detail: String)
    /// A potential that GAP XML cannot express, so it cannot be exported.
    case notExportable(detail: String)
    /// Writing the XML or a sparseX file failed.
    case write(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            "\(file): cannot be read as a GAP XML potential: \(reason)"
        case let .malformed(file, line, detail):
            "\(file):\(line): not well-formed XML: \(detail)"
        case let .missing(file, line, what):
            "\(file):\(line): \(what) is missing; the file is not a complete GAP XML potential as gap_fit writes it"
        case let .badValue(file, line, what, value, expected):
            "\(file):\(line): \(what) is '\(value)'; expected \(expected)"
        case let .unsupported(file, line, what, hint):
            "\(file):\(line): \(what) is not supported by SwiftGAP; \(hint)"
        case let .descriptor(file, line, error):
            "\(file):\(line): in a descriptor string: \(error)"
        case let .sparseFile(file, sparseFile, detail):
            "\(file): its sparseX file \(sparseFile) \(detail)"
        case let .inconsistent(file, detail):
            "\(file): the model is inconsistent: \(detail)"
        case let .notExportable(detail):
            "cannot write this potential as GAP XML: \(detail)"
        case let .write(path, reason):
            "\(path): cannot be written: \(reason)"
        }
    }
}

/// Sizes a GAP XML file may claim, checked before anything is allocated from them.
public enum GapXMLLimits {
    /// The largest XML file read (published models with inline sparse points reach a few hundred MB).
    public static let fileBytes = 4 << 30
    /// Sparse points of one `gpCoordinates`.
    public static let sparsePoints = 1_000_000
    /// Dimensions of one `gpCoordinates` (a SOAP vector of 8 species, n_max 12, l_max 12 has 60 000).
    public static let dimensions = 1 << 20
    /// Values of one sparseX block (points × dimensions).
    public static let values = 1 << 31
}
