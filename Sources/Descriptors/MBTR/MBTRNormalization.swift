import Atoms
import Foundation

extension MBTR {
    /// DScribe's `normalization` of the whole output row.
    public enum Normalization: String, Sendable, Equatable, CaseIterable {
        /// As computed.
        case none
        /// Divided by its Euclidean length (a zero row stays zero).
        case l2
        /// Divided by the number of atoms in the structure (the cell's atoms for a periodic one).
        case nAtoms = "n_atoms"
        /// Valle and Oganov's: each species pair's block (k = 2) times V/(4π·N_a·N_b), with N_a·N_b halved for
        /// a pair of the same species, and each triplet's block (k = 3) times V/(N_a·N_b·N_c), for the species
        /// present in the cell of volume V; DScribe leaves k = 1 as it is. Periodic structures only.
        case valleOganov = "valle_oganov"
    }

    /// Applies `normalization` to one structure's row and its derivative blocks (3 rows of `layout.count` per atom,
    /// the features `layout` holds: the row is zero elsewhere, so normalizing keeps the blocks within them), but for
    /// n_atoms, a constant factor `spectrum` applies to each contribution.
    func normalize(
        _ row: inout [Double], _ blocks: inout [Double], layout: MBTRBlockLayout, structure s: Structure, index: Int
    ) throws(DescriptorError) {
        switch normalization {
        case .none, .nAtoms: return  // n_atoms is applied to each contribution (`spectrum`)
        case .l2:
            let length = (row.reduce(0) { $0 + $1 * $1 }).squareRoot()
            guard length > 0 else { return }
            // ∂(q/|q|) = (∂q − q̂ (q̂·∂q))/|q|, over the held features (q̂ is zero elsewhere).
            let unit = row.map { $0 / length }
            let held = layout.ranges.flatMap { unit[$0] }
            for start in stride(from: 0, to: blocks.count, by: max(layout.count, 1)) {
                var dot = 0.0
                for f in 0..<layout.count { dot += held[f] * blocks[start + f] }
                for f in 0..<layout.count { blocks[start + f] = (blocks[start + f] - held[f] * dot) / length }
            }
            row = unit
        case .valleOganov:
            guard geometry.degree > 1 else { return }
            let volume = s.cell.volume
            guard volume > 0 else {
                throw .geometry(
                    structure: index, .singularCell(detail: "valle_oganov normalization divides by the cell volume"))
            }
            var counts = [Double](repeating: 0, count: species.count)
            for z in s.atomicNumbers { counts[speciesIndex[z]] += 1 }
            let present = counts.indices.filter { counts[$0] > 0 }
            for a in present {
                for c in present where c >= a {
                    if geometry.degree == 2 {
                        let pairs = a == c ? 0.5 * counts[a] * counts[a] : counts[a] * counts[c]
                        scale(&row, &blocks, layout: layout, by: volume / (pairs * 4 * Double.pi), tuple: tuple(a, c))
                    } else {
                        for b in present {
                            let factor = volume / (counts[a] * counts[b] * counts[c])
                            scale(&row, &blocks, layout: layout, by: factor, tuple: tuple(a, b, c))
                        }
                    }
                }
            }
        }
    }

    /// Multiplies combination `tuple`'s features of the row and of every derivative block (laid out by `layout`,
    /// which holds them) by `factor`.
    private func scale(
        _ row: inout [Double], _ blocks: inout [Double], layout: MBTRBlockLayout, by factor: Double, tuple: Int
    ) {
        for f in location(tuple) { row[f] *= factor }
        let held = layout.offset(tuple)..<(layout.offset(tuple) + grid.n)
        for start in stride(from: 0, to: blocks.count, by: max(layout.count, 1)) {
            for f in held { blocks[start + f] *= factor }
        }
    }
}
