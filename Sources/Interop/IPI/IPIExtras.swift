import Foundation

/// The extra string SwiftGAP sends with every result: a JSON object, which i-PI parses into its `extras`.
///
/// Keys: "energies" (each atom's energy, eV, summing to the total) and "variances" (each atom's
/// local-energy predictive variance, eV², only when the potential has variance factors). Numbers are written
/// with the shortest text that reads back to the same double.
public enum IPIExtras {
    /// The JSON text of the per-atom lists given (an empty object when neither is).
    public static func json(energies: [Double]?, variances: [Double]?) -> [UInt8] {
        var fields = [String]()
        if let energies { fields.append(#""energies": ["# + energies.map(\.description).joined(separator: ", ") + "]") }
        if let variances { fields.append(#""variances": ["# + variances.map(\.description).joined(separator: ", ") + "]") }
        return Array(("{" + fields.joined(separator: ", ") + "}").utf8)
    }

    /// The list of numbers under `key` in an extra string as `json` writes it, read exactly; nil when there is
    /// no such list or it holds something other than numbers.
    public static func values(_ key: String, in extra: [UInt8]) -> [Double]? {
        let text = String(decoding: extra, as: UTF8.self)
        guard let start = text.range(of: "\"\(key)\"") else { return nil }
        var rest = text[start.upperBound...].drop { $0 == " " || $0 == ":" }
        guard rest.first == "[", let end = rest.firstIndex(of: "]") else { return nil }
        rest = rest[rest.index(after: rest.startIndex)..<end]
        if rest.allSatisfy({ $0 == " " }) { return [] }
        var values = [Double]()
        for token in rest.split(separator: ",") {
            guard let x = Double(token.trimmingCharacters(in: .whitespaces)) else { return nil }
            values.append(x)
        }
        return values
    }
}
