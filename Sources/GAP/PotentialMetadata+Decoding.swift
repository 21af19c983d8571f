import Foundation

extension PotentialMetadata {
    /// The format and version, read before the rest so that foreign and newer files get a clear error.
    private struct Header: Decodable {
        let format: String?
        let formatVersion: Int?

        enum CodingKeys: String, CodingKey { case format, formatVersion = "format_version" }
    }

    /// The metadata in the JSON `text` of the file `path`.
    /// - Throws: `GAPError.badPotentialFile` for a foreign or newer file, `GAPError.badPotentialEntry` naming
    ///   the field that is missing or of the wrong type.
    static func decode(_ text: Data, path: String) throws(GAPError) -> PotentialMetadata {
        let decoder = JSONDecoder()
        let header: Header
        do { header = try decoder.decode(Header.self, from: text) } catch {
            throw .badPotentialEntry(path: path, entry: "metadata", detail: "is not a JSON object (\(describe(error)))")
        }
        guard header.format == formatName else {
            throw .badPotentialFile(path: path, detail: "is a '\(header.format ?? "unnamed")' file, not a SwiftGAP potential")
        }
        guard let version = header.formatVersion, version <= currentVersion else {
            throw .badPotentialFile(
                path: path,
                detail: "was written by a newer SwiftGAP (format \(header.formatVersion.map(String.init) ?? "unknown"), "
                    + "this one reads up to \(currentVersion)); update SwiftGAP")
        }
        do { return try decoder.decode(PotentialMetadata.self, from: text) } catch {
            let field = (error as? DecodingError).map(codingPath)?.map(\.stringValue).joined(separator: ".") ?? ""
            throw .badPotentialEntry(path: path, entry: field.isEmpty ? "metadata" : "metadata \(field)", detail: describe(error))
        }
    }

    /// Where a decoding error happened (the missing key included).
    private static func codingPath(_ error: DecodingError) -> [any CodingKey] {
        switch error {
        case let .keyNotFound(key, context): return context.codingPath + [key]
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context): return context.codingPath
        @unknown default: return []
        }
    }

    /// What a decoding error says.
    private static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound?: return "is missing"
        case let .typeMismatch(type, _)?: return "is not of type \(type)"
        case let .valueNotFound(type, _)?: return "is null, expected \(type)"
        case let .dataCorrupted(context)?: return "is unreadable: \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
