/// Descriptor vectors of many centers: one row per center (or per structure when averaged).
public struct DescriptorRows: Equatable, Sendable {
    /// Length of each row.
    public let featureCount: Int
    /// The rows, one after another.
    public internal(set) var values: [Double]
    /// Index of each row's structure in the input.
    public internal(set) var structure: [Int]
    /// Atom index of each row's center in its structure, −1 for an averaged row or a point center.
    public internal(set) var center: [Int]

    /// Number of rows.
    public var count: Int { structure.count }

    /// Row `k`.
    public func row(_ k: Int) -> ArraySlice<Double> { values[(k * featureCount)..<((k + 1) * featureCount)] }

    init(featureCount: Int) {
        self.featureCount = featureCount
        values = []
        structure = []
        center = []
    }
}

/// Derivatives of descriptor rows, stored sparsely: one 3 × D block per (row, atom) pair whose position
/// moves the row (the center included), never a dense rows × atoms × 3 × D array.
public struct SparseDerivatives: Equatable, Sendable {
    /// Length of each descriptor row (D).
    public let featureCount: Int
    /// The descriptor row of each block.
    public internal(set) var row: [Int]
    /// The atom (index in the row's structure) of each block.
    public internal(set) var atom: [Int]
    /// Blocks one after another: ∂q_row/∂r_atom as 3 rows (x, y, z) of D.
    public internal(set) var values: [Double]
    /// When requested, per descriptor row ∂q/∂ε_ab (a, b = x, y, z) under a homogeneous strain ε of
    /// cell and positions, as 9 rows of D in row-major (a, b) order. The virial of an energy
    /// E = Σ_rows e(q_row) is W_ab = −Σ_rows ∂e/∂q · ∂q/∂ε_ab.
    public internal(set) var strain: [Double]?

    /// Number of blocks.
    public var count: Int { row.count }

    /// Block `k` as 3 × D values.
    public func block(_ k: Int) -> ArraySlice<Double> {
        values[(k * 3 * featureCount)..<((k + 1) * 3 * featureCount)]
    }

    init(featureCount: Int, strain: Bool) {
        self.featureCount = featureCount
        row = []
        atom = []
        values = []
        self.strain = strain ? [] : nil
    }
}
