import Foundation
import Support

/// The one way the CLI turns records into JSON: sorted keys, unescaped slashes, non-finite numbers as the
/// strings "nan", "inf" and "-inf"; files (the `--metrics` records) pretty-printed and written atomically.
enum JSONFile {
    /// The JSON text of `value` (one line unless `pretty`).
    /// - Throws: `EncodingError` when `value` cannot be encoded.
    static func text(_ value: some Encodable, pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting =
            pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Encodes `value` and writes it to `path`.
    /// - Throws: `AtomicFileError` when the file cannot be written.
    static func write(_ value: some Encodable, to path: String) throws {
        try AtomicFile.write(Array(try text(value, pretty: true).utf8), to: path)
    }
}
