import Atoms

/// Maps keyed by atomic number, stored in JSON keyed by element symbol ({"Si": 500}).
enum ElementKeyed {
    /// `map` keyed by element symbol.
    static func encode<V>(_ map: [Int: V]) -> [String: V] {
        Dictionary(uniqueKeysWithValues: map.map { (Element.label($0.key), $0.value) })
    }

    /// `map` keyed by atomic number.
    /// - Throws: `DecodingError.dataCorrupted` at `codingPath` for a key that is not an element symbol.
    static func decode<V>(_ map: [String: V], codingPath: [any CodingKey]) throws -> [Int: V] {
        var out = [Int: V]()
        for (symbol, value) in map {
            guard let z = Element.atomicNumber(symbol) else {
                throw DecodingError.dataCorrupted(
                    .init(codingPath: codingPath, debugDescription: "'\(symbol)' is not an element symbol"))
            }
            out[z] = value
        }
        return out
    }
}
