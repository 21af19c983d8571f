/// Parameters per unordered pair of atomic numbers, looked up in O(1) by a dense table.
struct SpeciesPairTable<Value: Sendable>: Sendable {
    private let index: [Int: Int]
    private let values: [Value?]
    private let width: Int

    /// A table from parameters keyed by (Z1, Z2); (Z1, Z2) and (Z2, Z1) are the same pair.
    init(_ entries: [(Int, Int, Value)]) {
        var index = [Int: Int]()
        for (a, b, _) in entries {
            for z in [a, b] where index[z] == nil { index[z] = index.count }
        }
        width = index.count
        var values = [Value?](repeating: nil, count: width * width)
        for (a, b, v) in entries {
            let i = index[a]!, j = index[b]!
            values[i * width + j] = v
            values[j * width + i] = v
        }
        self.index = index
        self.values = values
    }

    /// The dense species index of each atom, or the first atomic number without parameters.
    func speciesIndices(_ atomicNumbers: [Int]) -> Result<[Int], MissingSpecies> {
        var out = [Int]()
        out.reserveCapacity(atomicNumbers.count)
        for z in atomicNumbers {
            guard let i = index[z] else { return .failure(MissingSpecies(atomicNumber: z)) }
            out.append(i)
        }
        return .success(out)
    }

    /// The value for dense species indices (i, j), nil when the pair has no parameters.
    @inline(__always) subscript(i: Int, j: Int) -> Value? { values[i * width + j] }

    /// All values present.
    var allValues: [Value] { values.compactMap { $0 } }
}

/// An atomic number a pair table has no entry for.
struct MissingSpecies: Error {
    let atomicNumber: Int
}
