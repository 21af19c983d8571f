import Support

/// Common crystal structures, as `ase.build.bulk` makes them.
public enum Crystal: String, CaseIterable, Sendable {
    case simpleCubic = "sc", bcc, fcc, diamond, rocksalt

    /// The conventional cubic cell: fractional positions and which of the two elements sits on each.
    private var cubicBasis: [(SIMD3<Double>, second: Bool)] {
        let fccSites: [SIMD3<Double>] = [SIMD3(0, 0, 0), SIMD3(0, 0.5, 0.5), SIMD3(0.5, 0, 0.5), SIMD3(0.5, 0.5, 0)]
        switch self {
        case .simpleCubic: return [(SIMD3(0, 0, 0), false)]
        case .bcc: return [(SIMD3(0, 0, 0), false), (SIMD3(0.5, 0.5, 0.5), false)]
        case .fcc: return fccSites.map { ($0, false) }
        case .diamond: return fccSites.flatMap { [($0, false), ($0 + 0.25, false)] }
        case .rocksalt: return fccSites.flatMap { [($0, false), ($0 + SIMD3(0.5, 0, 0), true)] }
        }
    }

    /// The primitive cell (rows) and fractional sites, for the lattices that have a smaller one.
    private var primitive: (cell: Matrix3, sites: [(SIMD3<Double>, second: Bool)])? {
        let fcc = Matrix3(SIMD3(0, 0.5, 0.5), SIMD3(0.5, 0, 0.5), SIMD3(0.5, 0.5, 0))
        switch self {
        case .simpleCubic: return nil
        case .bcc: return (Matrix3(SIMD3(-0.5, 0.5, 0.5), SIMD3(0.5, -0.5, 0.5), SIMD3(0.5, 0.5, -0.5)), [(.zero, false)])
        case .fcc: return (fcc, [(.zero, false)])
        case .diamond: return (fcc, [(.zero, false), (SIMD3(repeating: 0.25), false)])
        case .rocksalt: return (fcc, [(.zero, false), (SIMD3(repeating: 0.5), true)])
        }
    }

    /// A bulk crystal of lattice constant `a` (Å), periodic in all directions.
    /// - Parameters:
    ///   - elements: the atomic number, or two for rocksalt (cation, anion).
    ///   - cubic: the conventional cubic cell instead of the primitive one.
    public func structure(_ elements: [Int], a: Double, cubic: Bool = false) -> Structure {
        let first = elements.first ?? 1, second = elements.count > 1 ? elements[1] : first
        let (cell, sites): (Matrix3, [(SIMD3<Double>, second: Bool)])
        if !cubic, let p = primitive {
            (cell, sites) = (a * p.cell, p.sites)
        } else {
            (cell, sites) = (a * Matrix3.identity, cubicBasis.map { ($0.0 * a, $0.second) })
        }
        let positions = sites.map { !cubic && primitive != nil ? Cell(cell).cartesian($0.0) : $0.0 }
        return Structure(
            atomicNumbers: sites.map { $0.second ? second : first }, positions: positions,
            cell: Cell(cell), pbc: .all)
    }
}

extension Structure {
    /// The structure repeated `n.x × n.y × n.z` times along its lattice vectors (ASE's `atoms.repeat`),
    /// per-atom arrays repeated alongside.
    public func repeated(_ n: SIMD3<Int>) -> Structure {
        var indices = [Int](), positions = [SIMD3<Double>]()
        for i in 0..<n.x {
            for j in 0..<n.y {
                for k in 0..<n.z {
                    let shift = cell.cartesian(SIMD3(Double(i), Double(j), Double(k)))
                    for a in 0..<count {
                        indices.append(a)
                        positions.append(self.positions[a] + shift)
                    }
                }
            }
        }
        var out = selecting(indices)
        out.positions = positions
        out.cell = Cell(Matrix3(Double(n.x) * cell[0], Double(n.y) * cell[1], Double(n.z) * cell[2]))
        return out
    }

    /// A copy with every position coordinate displaced by a normal deviate of standard deviation `stdev` (Å).
    public func rattled(stdev: Double, seed: UInt64) -> Structure {
        var rng = SeededGenerator(seed: seed)
        var out = self
        for i in 0..<count {
            out.positions[i] += stdev * SIMD3(rng.normal(), rng.normal(), rng.normal())
        }
        return out
    }

    /// A copy deformed homogeneously by (1 + ε): cell rows and positions multiplied by (I + ε) from the right.
    public func strained(_ epsilon: Matrix3) -> Structure {
        let f = Matrix3.identity + epsilon
        var out = self
        out.cell = Cell(cell.matrix * f)
        out.positions = positions.map { f.transposed * $0 }
        return out
    }
}
