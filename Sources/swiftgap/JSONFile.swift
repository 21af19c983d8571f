import Foundation
import Support

/// Writes `--metrics` records: pretty-printed JSON with sorted keys, non-finite numbers as the strings
/// "nan", "inf" and "-inf", written atomically.
enum JSONFile {
    /// Encodes `value` and writes it to `path`.
    /// - Throws: `AtomicFileError` when the file cannot be written.
    static func write(_ value: some Encodable, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(Array(try encoder.encode(value)), to: path)
    }
}
