import Foundation
import GAP
import Interop

/// The potential formats every command reads and writes: SwiftGAP's `.gap` files and QUIP's GAP XML (with its
/// sparseX files beside it). Reading goes by content, writing by the name's extension (`.xml` is GAP XML).
enum PotentialFiles {
    /// Whether `path` is written as GAP XML.
    static func writesGapXML(_ path: String) -> Bool { path.lowercased().hasSuffix(".xml") }

    /// Whether the file at `path` is GAP XML: its first non-blank character is `<` (a `.gap` file is a ZIP
    /// archive, starting with `PK`).
    static func isGapXML(_ path: String) -> Bool {
        guard let head = head(path) else { return writesGapXML(path) }
        return head.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) } == UInt8(ascii: "<")
    }

    /// Whether the file at `path` is a potential of either format: a ZIP archive (`.gap`) or GAP XML.
    static func isPotential(_ path: String) -> Bool {
        head(path)?.starts(with: [0x50, 0x4B, 0x03, 0x04]) == true || isGapXML(path)
    }

    /// The first bytes of the file at `path`, nil when it cannot be read.
    private static func head(_ path: String) -> Data? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        return try? handle.read(upToCount: 256)
    }

    /// The potential at `path`, its metadata (for GAP XML: as SwiftGAP would write it, with the import recorded)
    /// and, for GAP XML, what the file says of its format. With `variances: false` a `.gap` file's variance
    /// factors are not unpacked.
    /// - Throws: `GAPError` for `.gap` files, `GapXMLError` for GAP XML.
    static func load(
        _ path: String, variances: Bool
    ) throws -> (potential: GAPPotential, metadata: PotentialMetadata, format: String?) {
        if isGapXML(path) {
            let model = try GapXML.read(path: path)
            let metadata = PotentialMetadata(
                describing: model.potential, fit: model.fitRecord, codeVersion: SwiftGAP.configuration.version)
            let format =
                "GAP XML, gap_version \(model.gapVersion), label \(model.label), \(model.coordinates) gpCoordinates; "
                + "init_args \(model.initArgs)"
            return (model.potential, metadata, format)
        }
        let (potential, metadata) = try GAPPotential.load(path: path, variances: variances)
        return (potential, metadata, nil)
    }

    /// Writes `potential` with its fit record: GAP XML for an `.xml` name, a `.gap` file otherwise.
    /// - Throws: `GapXMLError` or the `.gap` writer's error.
    static func write(_ potential: GAPPotential, to path: String, fit: FitRecord) throws {
        if writesGapXML(path) {
            try GapXMLWriter.write(potential, to: path, fit: fit)
        } else {
            try potential.write(to: path, fit: fit, codeVersion: SwiftGAP.configuration.version)
        }
    }

    /// Checks, before a fit, that a model with `core` can be written to `path`.
    /// - Throws: `GapXMLError.notExportable` for a core QUIP lacks when `path` is GAP XML.
    static func checkWritable(core: CorePotential?, to path: String) throws {
        if writesGapXML(path) { try GapXMLWriter.checkExportable(core: core) }
    }
}
