import Atoms
import Support

/// Random test geometries from a seed.
public enum RandomStructures {
    /// A random triclinic cell: lattice vectors of length in `lengths`, angles between 60° and 120°.
    public static func triclinicCell(lengths: ClosedRange<Double>, rng: inout SeededGenerator) -> Cell {
        while true {
            var rows = [SIMD3<Double>]()
            for axis in 0..<3 {
                var base = SIMD3<Double>.zero
                base[axis] = lengths.lowerBound + rng.uniform() * (lengths.upperBound - lengths.lowerBound)
                let tilt = 0.35 * base[axis] * SIMD3(rng.uniform() - 0.5, rng.uniform() - 0.5, rng.uniform() - 0.5)
                rows.append(base + tilt)
            }
            let cell = Cell(rows[0], rows[1], rows[2])
            if cell.perpendicularWidths.min() > 0.5 * lengths.lowerBound { return cell }
        }
    }

    /// `count` atoms at random fractional positions in `cell` (some outside it along periodic axes when
    /// `spill` > 0), no two closer than `minimumDistance`, nearest periodic images included.
    public static func atoms(
        count: Int, cell: Cell, pbc: Periodicity, elements: [Int], spill: Double = 0, minimumDistance: Double = 0.7,
        rng: inout SeededGenerator
    ) -> Structure {
        var positions = [SIMD3<Double>]()
        while positions.count < count {
            let s = SIMD3(rng.uniform(), rng.uniform(), rng.uniform()) * (1 + 2 * spill) - spill
            let r = cell.cartesian(s)
            var images = [SIMD3<Double>]()
            for a in -1...1 {
                for b in -1...1 {
                    for c in -1...1 {
                        let shift = SIMD3(Double(a), Double(b), Double(c))
                        if (0..<3).allSatisfy({ pbc[$0] || shift[$0] == 0 }) { images.append(cell.cartesian(shift)) }
                    }
                }
            }
            if positions.allSatisfy({ p in images.allSatisfy { norm(p + $0 - r) >= minimumDistance } }) { positions.append(r) }
        }
        let numbers = (0..<count).map { elements[$0 % elements.count] }
        return Structure(atomicNumbers: numbers, positions: positions, cell: cell, pbc: pbc)
    }
}
