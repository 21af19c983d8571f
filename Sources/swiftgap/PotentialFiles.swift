import Foundation
import GAP
import Interop

/// The potential formats every command reads and writes: SwiftGAP's `.gap` files and QUIP's GAP XML (with its
/// sparseX files beside it). Reading goes by content, writing by the name's extension (`.xml` is GAP XML).
enum PotentialFiles {
    /// Whether `path` is written as GAP XML.
    static func writesGapXML(_ path: String) -> Bool { path.lowercased().hasSuffix(".xml") }

    /// Whether the file at `path` is a potential of either format (see `PotentialReader.isPotential`).
    static func isPotential(_ path: String) -> Bool { PotentialReader.isPotential(path) }

    /// The potential at `path`, its metadata and, for GAP XML, what the file says of its format (see
    /// `PotentialReader.load`).
    /// - Throws: `GAPError` for `.gap` files, `GapXMLError` for GAP XML.
    static func load(
        _ path: String, variances: Bool
    ) throws -> (potential: GAPPotential, metadata: PotentialMetadata, format: String?) {
        let loaded = try PotentialReader.load(path, variances: variances, codeVersion: SwiftGAP.configuration.version)
        return (loaded.potential, loaded.metadata, loaded.format)
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
