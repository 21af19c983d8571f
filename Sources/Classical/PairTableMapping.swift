import Atoms
import Foundation

/// Which section of a pair-table file each element pair uses, as given on the command line:
/// `Si-Si:SISI,Si-C:SIC` (entries `A-B:KEYWORD`, comma-separated; A-B and B-A are the same pair).
/// Several pairs may share a section.
public struct PairTableMapping: Equatable, Sendable, Codable, CustomStringConvertible {
    /// One element pair and the keyword of its section.
    public struct Entry: Equatable, Sendable, Codable {
        /// The element pair.
        public let pair: ElementPair
        /// The section keyword.
        public let keyword: String

        /// An entry tying `pair` to the section `keyword`.
        public init(pair: ElementPair, keyword: String) {
            self.pair = pair
            self.keyword = keyword
        }
    }

    /// The entries, sorted by element pair.
    public let entries: [Entry]

    /// A mapping from entries.
    /// - Throws: `PairTableError.badMapping` for an empty mapping, a pair given twice, or a keyword that is
    ///   empty or holds whitespace or `#` (a section keyword is the first word of its line).
    public init(_ entries: [Entry]) throws(PairTableError) {
        guard !entries.isEmpty else {
            throw .badMapping(entry: "", message: "the mapping is empty; give at least one element pair")
        }
        var seen = Set<ElementPair>()
        for e in entries {
            let text = "\(e.pair.label):\(e.keyword)"
            guard !e.keyword.isEmpty else { throw .badMapping(entry: text, message: "the section keyword is empty") }
            guard !e.keyword.contains(where: { $0.isWhitespace || $0 == "#" }) else {
                throw .badMapping(entry: text, message: "the section keyword holds whitespace or '#'")
            }
            guard seen.insert(e.pair).inserted else {
                throw .badMapping(entry: text, message: "the pair \(e.pair) is given twice")
            }
        }
        self.entries = entries.sorted { $0.pair < $1.pair }
    }

    /// Parses `Si-Si:SISI,Si-C:SIC`; spaces around entries and symbols are ignored.
    /// - Throws: `PairTableError.badMapping` naming the entry: no `:`, not two element symbols joined by
    ///   `-`, an unknown symbol, an empty keyword, or a pair given twice.
    public init(parsing text: String) throws(PairTableError) {
        var entries = [Entry]()
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            let item = raw.trimmingCharacters(in: .whitespaces)
            guard !item.isEmpty else {
                throw .badMapping(entry: text, message: "an entry is empty (two commas in a row or a trailing comma)")
            }
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw .badMapping(entry: item, message: "expected one ':' between the element pair and the keyword")
            }
            let symbols = parts[0].split(separator: "-", omittingEmptySubsequences: false)
            guard symbols.count == 2 else {
                throw .badMapping(entry: item, message: "expected two element symbols joined by '-', such as Si-C")
            }
            var numbers = [Int]()
            for s in symbols {
                let symbol = s.trimmingCharacters(in: .whitespaces)
                guard let z = Element.atomicNumber(symbol) else {
                    throw .badMapping(entry: item, message: "'\(symbol.prefix(20))' is not an element symbol")
                }
                numbers.append(z)
            }
            let pair = ElementPair(numbers[0], numbers[1])
            entries.append(Entry(pair: pair, keyword: parts[1].trimmingCharacters(in: .whitespaces)))
        }
        try self.init(entries)
    }

    /// The keyword of the section for `pair`, or nil when the mapping has none.
    public func keyword(for pair: ElementPair) -> String? { entries.first { $0.pair == pair }?.keyword }

    /// The keywords used, each once, in entry order.
    public var keywords: [String] {
        var seen = Set<String>()
        return entries.map(\.keyword).filter { seen.insert($0).inserted }
    }

    /// The mapping written as it is parsed, `C-Si:SIC,Si-Si:SISI`.
    public var description: String { entries.map { "\($0.pair.label):\($0.keyword)" }.joined(separator: ",") }

    private enum CodingKeys: String, CodingKey {
        case entries
    }

    /// Decodes `{"entries": [{"pair": "Si-C", "keyword": "SIC"}, …]}` and checks it as `init` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let entries = try container.decode([Entry].self, forKey: .entries)
        do {
            try self.init(entries)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .entries, in: container, debugDescription: error.description)
        }
    }
}
