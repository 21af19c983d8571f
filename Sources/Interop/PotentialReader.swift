import Foundation
import GAP

/// Reads a potential of either format SwiftGAP knows, by content: its own `.gap` files (ZIP archives) and QUIP's
/// GAP XML (with the sparseX files beside it). What the command-line tool and the C ABI both load.
public enum PotentialReader {
    /// A potential as read, with what its file says about it.
    public struct Loaded: Sendable {
        /// The model.
        public var potential: GAPPotential
        /// Its metadata (for GAP XML: as SwiftGAP would write it, with the import recorded).
        public var metadata: PotentialMetadata
        /// For GAP XML, what the file says of its format (version, label, coordinates, init_args); nil for `.gap`.
        public var format: String?
    }

    /// Whether the file at `path` is GAP XML: its first non-blank character is `<` (a `.gap` file is a ZIP
    /// archive, starting with `PK`); a file that cannot be read counts as GAP XML when its name ends in `.xml`.
    public static func isGapXML(_ path: String) -> Bool {
        guard let head = head(path) else { return path.lowercased().hasSuffix(".xml") }
        return head.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "<")
    }

    /// Whether the file at `path` is a potential of either format: a ZIP archive (`.gap`) or GAP XML.
    public static func isPotential(_ path: String) -> Bool {
        head(path)?.starts(with: [0x50, 0x4B, 0x03, 0x04]) == true || isGapXML(path)
    }

    /// The first bytes of the file at `path`, nil when it cannot be read.
    private static func head(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: 256)
    }

    /// The potential at `path`. With `variances: false` a `.gap` file's variance factors are not unpacked.
    /// - Parameter codeVersion: the SwiftGAP version recorded in the metadata of an imported GAP XML.
    /// - Throws: `GAPError` for `.gap` files, `GapXMLError` for GAP XML.
    public static func load(_ path: String, variances: Bool, codeVersion: String) throws -> Loaded {
        if isGapXML(path) {
            let model = try GapXML.read(path: path)
            let metadata = PotentialMetadata(describing: model.potential, fit: model.fitRecord, codeVersion: codeVersion)
            let format =
                "GAP XML, gap_version \(model.gapVersion), label \(model.label), \(model.coordinates) gpCoordinates; "
                + "init_args \(model.initArgs)"
            return Loaded(potential: model.potential, metadata: metadata, format: format)
        }
        let (potential, metadata) = try GAPPotential.load(path: path, variances: variances)
        return Loaded(potential: potential, metadata: metadata, format: nil)
    }
}
