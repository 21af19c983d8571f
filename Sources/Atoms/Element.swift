/// Chemical elements Z = 1…118: symbols and standard atomic masses.
public enum Element {
    /// The largest atomic number known to the table.
    public static let maximumAtomicNumber = 118

    /// The symbol of element `z` ("Si" for 14), or nil outside 1…118.
    public static func symbol(_ z: Int) -> String? {
        (1...maximumAtomicNumber).contains(z) ? table[z - 1].symbol : nil
    }

    /// The standard atomic mass of element `z` in amu, or nil outside 1…118.
    public static func mass(_ z: Int) -> Double? {
        (1...maximumAtomicNumber).contains(z) ? table[z - 1].mass : nil
    }

    /// The atomic number of an element symbol (exact spelling, "Si" not "SI"), or nil if unknown.
    public static func atomicNumber(_ symbol: String) -> Int? { numbersBySymbol[symbol] }

    /// The symbol of `z`, or "Z<z>" when `z` is outside the table (for messages only).
    public static func label(_ z: Int) -> String { symbol(z) ?? "Z\(z)" }

    private static let numbersBySymbol: [String: Int] = {
        var map = [String: Int]()
        for (index, row) in table.enumerated() { map[row.symbol] = index + 1 }
        return map
    }()
}
