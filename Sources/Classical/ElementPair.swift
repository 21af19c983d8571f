import Atoms
import Foundation

/// An unordered pair of elements, such as Si–C, stored with the smaller atomic number first.
///
/// Encoded in JSON as its label, `"C-Si"` (symbols joined by a hyphen).
public struct ElementPair: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The smaller atomic number of the pair.
    public let first: Int
    /// The larger atomic number of the pair.
    public let second: Int

    /// The pair of atomic numbers `a` and `b`, in either order.
    public init(_ a: Int, _ b: Int) {
        first = min(a, b)
        second = max(a, b)
    }

    /// The pair written `A-B` with element symbols (`"Si-C"`, `"C-Si"` or `"Si-Si"`), or nil when a
    /// symbol is not an element or the text has no single hyphen between two symbols.
    public init?(label: some StringProtocol) {
        let parts = label.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
            let a = Element.atomicNumber(parts[0].trimmingCharacters(in: .whitespaces)),
            let b = Element.atomicNumber(parts[1].trimmingCharacters(in: .whitespaces))
        else { return nil }
        self.init(a, b)
    }

    /// The pair's label with element symbols, `"C-Si"` (smaller atomic number first).
    public var label: String { "\(Element.label(first))-\(Element.label(second))" }

    /// The pair's label with an en dash, `"C–Si"`, for messages.
    public var description: String { "\(Element.label(first))–\(Element.label(second))" }

    /// Orders pairs by their first, then their second atomic number.
    public static func < (x: ElementPair, y: ElementPair) -> Bool { (x.first, x.second) < (y.first, y.second) }

    /// Decodes the label `"A-B"`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let pair = ElementPair(label: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an element pair; write it as two symbols, e.g. Si-C")
        }
        self = pair
    }

    /// Encodes the label `"A-B"`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(label)
    }
}
