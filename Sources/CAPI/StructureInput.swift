import Atoms
import Descriptors

/// Structures as a C caller passes them: flat arrays of atomic numbers, positions (Å, row per atom), cells (rows
/// are lattice vectors, 9 numbers each) and periodicity flags (3 bytes each), with an atom count per structure.
struct StructureInput {
    /// Atoms per structure.
    let counts: [Int64]
    let numbers: UnsafePointer<Int32>
    let positions: UnsafePointer<Double>
    let cells: UnsafePointer<Double>
    let pbc: UnsafePointer<UInt8>

    /// The structures, after checking every size.
    /// - Throws: `CAPIError` for negative atom counts.
    func structures() throws -> [Structure] {
        var out = [Structure]()
        out.reserveCapacity(counts.count)
        var first = 0
        for s in counts.indices {
            let atoms = try Self.atomCount(counts[s], structure: s)
            var z = [Int](repeating: 0, count: atoms), r = [SIMD3<Double>](repeating: .zero, count: atoms)
            for i in 0..<atoms {
                z[i] = Int(numbers[first + i])
                let p = positions + 3 * (first + i)
                r[i] = SIMD3(p[0], p[1], p[2])
            }
            let c = cells + 9 * s, f = pbc + 3 * s
            let cell = Cell(SIMD3(c[0], c[1], c[2]), SIMD3(c[3], c[4], c[5]), SIMD3(c[6], c[7], c[8]))
            out.append(
                Structure(atomicNumbers: z, positions: r, cell: cell, pbc: Periodicity(f[0] != 0, f[1] != 0, f[2] != 0)))
            first += atoms
        }
        return out
    }
}

extension StructureInput {
    /// Structure `s`'s atom count `n` as a C caller gives it, checked.
    /// - Throws: `CAPIError` for a negative (or absurd) count.
    static func atomCount(_ n: Int64, structure s: Int) throws -> Int {
        guard n >= 0, n <= Int64(Int32.max) else { throw CAPIError("structure \(s) has \(n) atoms") }
        return Int(n)
    }

    /// The structures, each carrying its atoms' `weights` (Σatoms, in atom order) as the per-atom array that
    /// `descriptor` pools by when it pools by site weights.
    /// - Throws: `CAPIError` for weights missing where the descriptor needs them or given where it does not.
    func structures(siteWeights weights: UnsafePointer<Double>?, for descriptor: any Descriptor) throws -> [Structure] {
        var out = try structures()
        guard case let .siteWeighted(name)? = (descriptor as? PooledDescriptor)?.pooling else {
            guard weights == nil else {
                throw CAPIError("siteWeights given, but the descriptor does not pool by site weights: pass NULL")
            }
            return out
        }
        guard let weights else {
            throw CAPIError("the descriptor pools by the site weights '\(name)': pass siteWeights, a number per atom")
        }
        var first = 0
        for k in out.indices {
            let n = out[k].count
            out[k].arrays[name] = .doubles(Array(UnsafeBufferPointer(start: weights + first, count: n)), width: 1)
            first += n
        }
        return out
    }

    /// One structure from a C caller's arrays (`atoms` atoms), checked for NULL arrays and validated.
    /// - Throws: `CAPIError` for a NULL array or a negative count, `GeometryError` for non-finite positions or
    ///   cell, unknown elements or a periodic axis along a zero vector.
    static func one(
        atoms: Int64, numbers: UnsafePointer<Int32>?, positions: UnsafePointer<Double>?, cell: UnsafePointer<Double>?,
        pbc: UnsafePointer<UInt8>?
    ) throws -> Structure {
        let structure = try StructureInput(
            counts: [atoms], numbers: try required(numbers, "numbers"), positions: try required(positions, "positions"),
            cells: try required(cell, "cell"), pbc: try required(pbc, "pbc")
        ).structures()[0]
        try structure.validate()
        return structure
    }
}
