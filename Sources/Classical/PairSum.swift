import Atoms

/// A sum of pair energies over a half neighbor list, the loop every pair potential shares: each pair's
/// energy φ(r) goes half to each of its atoms, its gradient φ′(r) D/r into forces and virial.
enum PairSum {
    /// Energy, forces, virial and per-atom energies of `structure` from its pairs in `list` (a half list);
    /// `pair(i, j, r)` gives φ and dφ/dr for atoms i and j at distance r, or nil when the pair adds nothing.
    /// - Throws: what `pair` throws.
    @inline(__always)
    static func calculate(
        _ structure: Structure, list: NeighborList,
        pair: (_ i: Int, _ j: Int, _ r: Double) throws -> (energy: Double, derivative: Double)?
    ) rethrows -> Calculation {
        var energies = [Double](repeating: 0, count: structure.count)
        var acc = PairGradientAccumulator(count: structure.count)
        for i in 0..<structure.count {
            for p in list.pairs(of: i) {
                let j = Int(list.neighbors[p]), r = list.distances[p]
                guard let (e, de) = try pair(i, j, r) else { continue }
                energies[i] += 0.5 * e
                energies[j] += 0.5 * e
                let d = list.vectors[p]
                acc.addPairGradient((de / r) * d, vector: d, center: i, neighbor: j)
            }
        }
        return Calculation(energy: energies.reduce(0, +), forces: acc.forces, virial: acc.virial, atomEnergies: energies)
    }
}

/// The value of every element pair present in a structure, in a dense table over its elements, looked up by
/// atom indices (atomic numbers must be 1…118: a neighbor list has validated the structure).
struct StructurePairTable<Value> {
    private let species: [Int]
    private let width: Int
    private var values: [Value?]

    /// The table of `structure`; `value(a, b)` gives the value of atomic numbers a ≤ b in the order first seen
    /// (nil: the pair adds nothing).
    /// - Throws: what `value` throws.
    init(_ structure: Structure, value: (_ a: Int, _ b: Int) throws -> Value?) rethrows {
        var slot = [Int](repeating: -1, count: Element.maximumAtomicNumber + 1)
        var elements = [Int]()
        for z in structure.atomicNumbers where slot[z] < 0 {
            slot[z] = elements.count
            elements.append(z)
        }
        width = elements.count
        values = [Value?](repeating: nil, count: width * width)
        for a in 0..<width {
            for b in a..<width {
                let v = try value(elements[a], elements[b])
                values[a * width + b] = v
                values[b * width + a] = v
            }
        }
        species = structure.atomicNumbers.map { slot[$0] }
    }

    /// The value of the pair of atoms `i` and `j`.
    @inline(__always) subscript(i: Int, j: Int) -> Value? { values[species[i] * width + species[j]] }
}
