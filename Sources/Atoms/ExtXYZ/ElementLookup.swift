/// Maps the bytes of an element symbol (or a decimal atomic number) to an atomic number in O(1).
enum ElementLookup {
    /// Index b0 | b1 << 8 of a one- or two-letter symbol → atomic number (0 = not an element).
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 1 << 16)
        for z in 1...Element.maximumAtomicNumber {
            let bytes = Array(Element.symbol(z)!.utf8)
            t[Int(bytes[0]) | (bytes.count > 1 ? Int(bytes[1]) << 8 : 0)] = UInt8(z)
        }
        return t
    }()

    /// The atomic number spelled by the token, or nil.
    @inline(__always)
    static func atomicNumber(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> Int? {
        let n = end - start
        if n >= 1 && start[0] &- 48 < 10 {
            guard let z = parseInt(start, end), (1...Element.maximumAtomicNumber).contains(z) else { return nil }
            return z
        }
        guard n == 1 || n == 2 else { return nil }
        let z = table[Int(start[0]) | (n == 2 ? Int(start[1]) << 8 : 0)]
        return z == 0 ? nil : Int(z)
    }
}
