/// An atom a contribution depends on, with the gradients of its geometry value and weight along r_atom.
struct Leg {
    let atom: Int
    let value: SIMD3<Double>
    let weight: SIMD3<Double>

    init(_ atom: Int, _ value: SIMD3<Double>, _ weight: SIMD3<Double>) {
        self.atom = atom
        self.value = value
        self.weight = weight
    }
}

/// The running sum of one structure's MBTR: the row, the derivative blocks (3 × `layout.count` per atom, x, y and z
/// rows of the features `layout` holds; none when not wanted) and the scratch bins of one broadened contribution.
struct SpectrumSum {
    let grid: MBTR.Grid
    let features: Int
    /// The factor of every contribution: 1 for unit-area Gaussians, σ√(2π) for unit-peak ones, times 1/N for
    /// the n_atoms normalization.
    let scale: Double
    /// The features each derivative block holds.
    let layout: MBTRBlockLayout
    var row: [Double]
    var blocks: [Double]
    private var values: [Double]
    private var slopes: [Double]

    init(grid: MBTR.Grid, features: Int, atoms: Int, scale: Double, layout: MBTRBlockLayout) {
        self.grid = grid
        self.features = features
        self.scale = scale
        self.layout = layout
        row = [Double](repeating: 0, count: features)
        blocks = [Double](repeating: 0, count: atoms * 3 * layout.count)
        values = [Double](repeating: 0, count: grid.n)
        slopes = [Double](repeating: 0, count: atoms > 0 ? grid.n : 0)
    }

    /// Whether derivative blocks are summed (a k1 MBTR's never are: atom counts do not move).
    var hasBlocks: Bool { !blocks.isEmpty }

    /// Adds a contribution of geometry value `value` and weight `weight` to combination `tuple`'s grid.
    mutating func add(_ tuple: Int, value: Double, weight: Double) {
        addRow(grid.broaden(value, values: &values, slopes: &slopes), tuple: tuple, weight: weight)
    }

    /// Adds a pair's contribution and its derivatives with respect to its two atoms.
    mutating func add(_ tuple: Int, value: Double, weight: Double, _ a: Leg, _ b: Leg) {
        let bins = grid.broaden(value, values: &values, slopes: &slopes)
        addRow(bins, tuple: tuple, weight: weight)
        scatter(a, bins: bins, tuple: tuple, weight: weight)
        scatter(b, bins: bins, tuple: tuple, weight: weight)
    }

    /// Adds a triplet's contribution and its derivatives with respect to its three atoms.
    mutating func add(_ tuple: Int, value: Double, weight: Double, _ a: Leg, _ b: Leg, _ c: Leg) {
        let bins = grid.broaden(value, values: &values, slopes: &slopes)
        addRow(bins, tuple: tuple, weight: weight)
        scatter(a, bins: bins, tuple: tuple, weight: weight)
        scatter(b, bins: bins, tuple: tuple, weight: weight)
        scatter(c, bins: bins, tuple: tuple, weight: weight)
    }

    /// Adds the scratch bins, times the weight, to the row.
    private mutating func addRow(_ bins: Range<Int>, tuple: Int, weight: Double) {
        let base = tuple * grid.n, w = scale * weight
        for b in bins { row[base + b] += w * values[b] }
    }

    /// Adds ∂(w·B(μ))/∂r_atom = w·B′(μ)·∂μ + B(μ)·∂w of the scratch bins to the leg's atom block.
    private mutating func scatter(_ leg: Leg, bins: Range<Int>, tuple: Int, weight: Double) {
        let g = values, dg = slopes
        let w = scale * weight
        for axis in 0..<3 {
            let a = w * leg.value[axis], c = scale * leg.weight[axis]
            let start = (leg.atom * 3 + axis) * layout.count + layout.offset(tuple)
            for b in bins { blocks[start + b] += a * dg[b] + c * g[b] }
        }
    }
}
