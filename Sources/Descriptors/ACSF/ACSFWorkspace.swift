import Atoms
import LinearAlgebra

/// Scratch space of one worker: the current center's neighbors, grouped by species, in contiguous rows (one per
/// coordinate and per quantity, so that loops over a run of neighbors vectorize), the derivative slot of each atom
/// the center sees, and rows for the angular functions' per-pair values and gradient sums. Every row lives in one
/// allocation that grows with the largest neighbor count seen and is reused from center to center.
final class ACSFWorkspace {
    /// Rows of the arena before the exponentials: x, y, z, distance, inverse distance, cutoff, slope.
    private static let neighborRows = 7
    /// The angular functions fill their per-pair rows this many lanes at a time (`ACSFAngular.add`): every row has
    /// this many entries past the neighbors, which `gather` sets to zero in the neighbor rows.
    static let lanePadding = Lanes.scalarCount

    private let etas: Int, pairRows: Int, gradientRows: Int, functions: Int, speciesCount: Int
    private var arena: UnsafeMutablePointer<Double>
    /// Length of each row of the arena (at least the neighbor count).
    private var rowLength = 0
    /// The current center's bookkeeping, in one value so that `gather` works on it as a local (reached through the
    /// class, every access in its pair loop would cost an exclusivity check).
    private struct Bookkeeping {
        /// Derivative slot of each neighbor's atom; 0 (the center's slot) for an image of the center itself.
        var slots: [Int] = []
        /// Neighbors of species s are `speciesStart[s]..<speciesStart[s + 1]`.
        var speciesStart: [Int]
        /// The atoms of the current center's derivative blocks, in slot order: the center first.
        var slotAtoms: [Int] = []
        var slotOfAtom: [Int]
        /// Pair indices of the current center, bucketed by species.
        var bySpecies: [[Int]]
    }
    private var current: Bookkeeping

    /// Derivative slot of each neighbor's atom; 0 (the center's slot) for an image of the center itself.
    var slots: [Int] { current.slots }
    /// Neighbors of species s are `speciesStart[s]..<speciesStart[s + 1]`.
    var speciesStart: [Int] { current.speciesStart }
    /// The atoms of the current center's derivative blocks, in slot order: the center first.
    var slotAtoms: [Int] { current.slotAtoms }

    /// A workspace for structures of `atoms` atoms with `species` species and `terms`' functions.
    init(atoms: Int, species: Int, terms: ACSFTerms) {
        current = Bookkeeping(
            speciesStart: [Int](repeating: 0, count: species + 1), slotOfAtom: [Int](repeating: -1, count: atoms),
            bySpecies: [[Int]](repeating: [], count: species))
        etas = terms.angular.distinctEta.count
        pairRows = terms.angular.rowCount
        functions = terms.angularCount
        speciesCount = species
        gradientRows = 3 * species * functions
        arena = .allocate(capacity: 0)
    }

    deinit { arena.deallocate() }

    /// The arena's rows for the current center, as plain pointers (reading them through the class in loops
    /// would cost an exclusivity check per access).
    var rows: ACSFRows {
        ACSFRows(
            base: arena, rowLength: rowLength, exponentials: Self.neighborRows, pairs: Self.neighborRows + etas,
            gradients: Self.neighborRows + etas + pairRows, functions: functions, species: speciesCount)
    }

    /// Gathers the neighbors of center `i` (every pair of `list`, whose cutoff is r_c) grouped by species (in list
    /// order within a species) and gives each atom a slot in order of first appearance in the list; `slopes` only
    /// with `gradients`, and then the gradient sums zeroed.
    func gather(center i: Int, list: NeighborList, speciesOf: [Int], terms: ACSFTerms, gradients: Bool) {
        // Moved out for the pair loops and back at the end (see `Bookkeeping`).
        var c = Bookkeeping(speciesStart: [], slotOfAtom: [], bySpecies: [])
        swap(&c, &current)
        defer { swap(&c, &current) }
        for atom in c.slotAtoms { c.slotOfAtom[atom] = -1 }
        c.slotAtoms.removeAll(keepingCapacity: true)
        c.slotOfAtom[i] = 0
        c.slotAtoms.append(i)
        for s in c.bySpecies.indices { c.bySpecies[s].removeAll(keepingCapacity: true) }
        for p in list.pairs(of: i) {
            let j = Int(list.neighbors[p])
            if c.slotOfAtom[j] < 0 {
                c.slotOfAtom[j] = c.slotAtoms.count
                c.slotAtoms.append(j)
            }
            c.bySpecies[speciesOf[j]].append(p)
        }
        let count = list.pairs(of: i).count
        if count + Self.lanePadding > rowLength {
            arena.deallocate()
            rowLength = max(count + Self.lanePadding, 2 * rowLength)
            arena = .allocate(capacity: (Self.neighborRows + etas + pairRows + gradientRows) * rowLength)
        }
        c.slots.removeAll(keepingCapacity: true)
        let rows = self.rows
        let distinctEta = terms.angular.distinctEta
        var k = 0
        for (s, pairs) in c.bySpecies.enumerated() {
            c.speciesStart[s] = k
            for p in pairs {
                let d = list.vectors[p], r = list.distances[p]
                rows.x[k] = d.x
                rows.y[k] = d.y
                rows.z[k] = d.z
                rows.distances[k] = r
                rows.inverseDistances[k] = 1 / r
                rows.cutoffs[k] = terms.cutoff.value(r)
                rows.slopes[k] = gradients ? terms.cutoff.slopeOverR(squared: r * r) : 0
                c.slots.append(c.slotOfAtom[Int(list.neighbors[p])])
                for (u, eta) in distinctEta.enumerated() {
                    rows.exponentials(u)[k] = PolynomialElementary.exponential(-eta * r * r)
                }
                k += 1
            }
        }
        c.speciesStart[c.bySpecies.count] = k
        for row in 0..<(Self.neighborRows + etas) {
            (rows.x + row * rowLength + k).update(repeating: 0, count: Self.lanePadding)
        }
        rows.pairs(ACSFAngular.ones).update(repeating: 1, count: count + Self.lanePadding)
        if gradients {
            rows.gradients(axis: 0, partner: 0, function: 0).update(repeating: 0, count: gradientRows * rowLength)
        }
    }
}

/// The rows of an `ACSFWorkspace`'s arena, each `rowLength` long and indexed by neighbor: the neighbors' vectors,
/// distances, cutoff values and slopes, exp(−η r²) per distinct angular η, the per-pair rows (`ACSFAngular`)
/// and the angular gradient sums.
struct ACSFRows {
    let base: UnsafeMutablePointer<Double>
    let rowLength: Int
    /// First row of the exponentials, of the per-pair rows and of the gradient sums.
    let exponentials: Int, pairs: Int, gradients: Int
    /// Angular functions and species.
    let functions: Int, species: Int

    /// Coordinates of the vector from the center to each neighbor, Å.
    var x: UnsafeMutablePointer<Double> { base }
    var y: UnsafeMutablePointer<Double> { base + rowLength }
    var z: UnsafeMutablePointer<Double> { base + 2 * rowLength }
    /// Distance of each neighbor, Å, and its inverse.
    var distances: UnsafeMutablePointer<Double> { base + 3 * rowLength }
    var inverseDistances: UnsafeMutablePointer<Double> { base + 4 * rowLength }
    /// f_c(r) of each neighbor.
    var cutoffs: UnsafeMutablePointer<Double> { base + 5 * rowLength }
    /// f_c′(r) / r of each neighbor (zero without gradients).
    var slopes: UnsafeMutablePointer<Double> { base + 6 * rowLength }
    /// exp(−η r²) of each neighbor for the distinct angular η number `u`.
    func exponentials(_ u: Int) -> UnsafeMutablePointer<Double> { base + (exponentials + u) * rowLength }
    /// Per-pair row `row` (`ACSFAngular`) for one neighbor j against a run of neighbors k.
    func pairs(_ row: Int) -> UnsafeMutablePointer<Double> { base + (pairs + row) * rowLength }
    /// Gradient sums (axis 0, 1, 2) of angular function `function` over the pairs whose partner has species
    /// `partner`, per neighbor.
    func gradients(axis: Int, partner: Int, function: Int) -> UnsafeMutablePointer<Double> {
        base + (gradients + (axis * species + partner) * functions + function) * rowLength
    }
}
