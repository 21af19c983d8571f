import Atoms

/// Scratch space of one worker: the current center's neighbors in contiguous arrays (vector, distance, cutoff
/// factors, species, exp(−η r²) per distinct η) and the derivative slot of each atom the center sees. Reused
/// from center to center: nothing is allocated per neighbor or per pair once the arrays have grown.
struct ACSFWorkspace {
    /// Vector from the center to each neighbor, Å.
    private(set) var vectors: [SIMD3<Double>] = []
    /// Distance of each neighbor, Å.
    private(set) var distances: [Double] = []
    /// 1 / distance of each neighbor.
    private(set) var inverseDistances: [Double] = []
    /// f_c(r) of each neighbor.
    private(set) var cutoffs: [Double] = []
    /// f_c′(r) / r of each neighbor.
    private(set) var slopes: [Double] = []
    /// Species index of each neighbor.
    private(set) var species: [Int] = []
    /// Derivative slot of each neighbor's atom; 0 (the center's slot) for an image of the center itself.
    private(set) var slots: [Int] = []
    /// exp(−η r²) of each neighbor for each distinct angular η, neighbor by neighbor.
    private(set) var exponentials: [Double] = []
    /// The atoms of the current center's derivative blocks, in slot order: the center first.
    private(set) var slotAtoms: [Int] = []
    /// Room for one pair of neighbors' exp(−η r_jk²).
    var scratch: [Double]
    private var slotOfAtom: [Int]

    /// A workspace for structures of `atoms` atoms.
    init(atoms: Int, terms: ACSFTerms) {
        slotOfAtom = [Int](repeating: -1, count: atoms)
        scratch = [Double](repeating: 0, count: terms.distinctEta.count)
    }

    /// Number of neighbors gathered.
    var count: Int { distances.count }

    /// Gathers the neighbors of center `i` (every pair of `list`, whose cutoff is r_c) and gives each atom a slot;
    /// `slopes` only with `gradients`.
    mutating func gather(center i: Int, list: NeighborList, speciesOf: [Int], terms: ACSFTerms, gradients: Bool) {
        for atom in slotAtoms { slotOfAtom[atom] = -1 }
        vectors.removeAll(keepingCapacity: true)
        distances.removeAll(keepingCapacity: true)
        inverseDistances.removeAll(keepingCapacity: true)
        cutoffs.removeAll(keepingCapacity: true)
        slopes.removeAll(keepingCapacity: true)
        species.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
        exponentials.removeAll(keepingCapacity: true)
        slotAtoms.removeAll(keepingCapacity: true)
        slotOfAtom[i] = 0
        slotAtoms.append(i)
        for p in list.pairs(of: i) {
            let j = Int(list.neighbors[p]), r = list.distances[p]
            if slotOfAtom[j] < 0 {
                slotOfAtom[j] = slotAtoms.count
                slotAtoms.append(j)
            }
            vectors.append(list.vectors[p])
            distances.append(r)
            inverseDistances.append(1 / r)
            cutoffs.append(terms.cutoffValue(r))
            slopes.append(gradients ? terms.cutoffSlopeOverR(r) : 0)
            species.append(speciesOf[j])
            slots.append(slotOfAtom[j])
            for eta in terms.distinctEta { exponentials.append(PolynomialElementary.exponential(-eta * r * r)) }
        }
    }
}
