/// Derivatives of descriptor rows, stored sparsely: one block ∂q_row/∂r_atom (3 × D) per (row, atom) pair whose
/// position moves the row (the center included), never a dense rows × atoms × 3 × D array, and within a block
/// only the features the atom can change.
///
/// Block k keeps the features of its pattern `patterns[pattern[k]]`, a list of feature ranges (pattern 0 is every
/// feature): its stored values, from `start[k]`, are the x, y and z rows one after another, each holding the pattern's
/// features in order. A descriptor that appends dense blocks (`append(row:atom:dense:)`) leaves `pattern` and `start`
/// empty: then every block is 3 × D values at k · 3D. A normalised descriptor q̂ = p/‖p‖ has dense blocks even when ∂p
/// is sparse, but ∂q̂ = ∂p/‖p‖ − q̂ (q̂ · ∂p)/‖p‖ is a sparse part plus a rank-one term, kept apart in `rankOne`.
/// `block(_:)` and `addBlock(_:scaledBy:to:)` give the dense block whatever the storage.
public struct SparseDerivatives: Equatable, Sendable {
    /// Rank-one terms of normalised descriptors: component α of block k is its stored part plus
    /// `coefficients[3k + α]` times row(k)'s vector `vectors[row(k)·D ..< (row(k)+1)·D]`.
    public struct RankOne: Equatable, Sendable {
        /// Per block, the three coefficients (x, y, z).
        public internal(set) var coefficients: [Double]
        /// Per descriptor row, its vector of D values (for SOAP the normalised row q̂ itself).
        public internal(set) var vectors: [Double]
    }

    /// Length of each descriptor row (D).
    public let featureCount: Int
    /// The descriptor row of each block.
    public internal(set) var row: [Int]
    /// The atom (index in the row's structure) of each block.
    public internal(set) var atom: [Int]
    /// Stored values, block after block (see the type's description).
    public internal(set) var values: [Double]
    /// Feature-range lists the blocks refer to; the first is every feature, 0..<D.
    public internal(set) var patterns: [[Range<Int>]]
    /// Per block, its index in `patterns`; empty when every block is dense.
    public internal(set) var pattern: [Int32]
    /// Per block, where its values start in `values`, and one last entry `values.count`; empty when every block is
    /// dense.
    public internal(set) var start: [Int]
    /// The rank-one terms, when the descriptor is normalised and its blocks are stored before the normalisation's
    /// projection.
    public internal(set) var rankOne: RankOne?
    /// When requested, per descriptor row ∂q/∂ε_ab (a, b = x, y, z) under a homogeneous strain ε of
    /// cell and positions, as 9 rows of D in row-major (a, b) order. The virial of an energy
    /// E = Σ_rows e(q_row) is W_ab = −Σ_rows ∂e/∂q · ∂q/∂ε_ab.
    public internal(set) var strain: [Double]?

    /// Number of blocks.
    public var count: Int { row.count }

    /// The feature ranges block `k` stores.
    public func features(ofBlock k: Int) -> [Range<Int>] { patterns[pattern.isEmpty ? 0 : Int(pattern[k])] }

    /// Where block `k`'s stored values lie in `values`.
    public func storedRange(ofBlock k: Int) -> Range<Int> {
        start.isEmpty ? (k * 3 * featureCount)..<((k + 1) * 3 * featureCount) : start[k]..<start[k + 1]
    }

    /// Doubles held for the blocks: stored values plus rank-one coefficients and vectors (the strain
    /// derivatives, always dense, apart).
    public var storedDoubles: Int { values.count + (rankOne.map { $0.coefficients.count + $0.vectors.count } ?? 0) }

    /// Block `k` as 3 × D values (x, y, z rows), expanded from its storage.
    public func block(_ k: Int) -> ArraySlice<Double> {
        var out = [Double](repeating: 0, count: 3 * featureCount)
        out.withUnsafeMutableBufferPointer { addBlock(k, to: $0.baseAddress!) }
        return out[...]
    }

    /// Adds block `k`, times `factor`, to the 3 × D values at `target` (x, y, z rows of D).
    public func addBlock(_ k: Int, scaledBy factor: Double = 1, to target: UnsafeMutablePointer<Double>) {
        let D = featureCount
        let ranges = features(ofBlock: k)
        values.withUnsafeBufferPointer { v in
            var source = v.baseAddress! + storedRange(ofBlock: k).lowerBound
            for alpha in 0..<3 {
                let out = target + alpha * D
                for r in ranges {
                    for f in r { out[f] += factor * source[f - r.lowerBound] }
                    source += r.count
                }
            }
        }
        guard let rankOne else { return }
        let c = (
            factor * rankOne.coefficients[3 * k], factor * rankOne.coefficients[3 * k + 1],
            factor * rankOne.coefficients[3 * k + 2]
        )
        guard c != (0, 0, 0) else { return }
        rankOne.vectors.withUnsafeBufferPointer { u in
            let vector = u.baseAddress! + row[k] * D
            for f in 0..<D {
                target[f] += c.0 * vector[f]
                target[D + f] += c.1 * vector[f]
                target[2 * D + f] += c.2 * vector[f]
            }
        }
    }

    /// Appends a dense 3 × D block (x, y, z rows) of `row` and `atom`.
    public mutating func append(row: Int, atom: Int, dense block: some Collection<Double>) {
        precondition(block.count == 3 * featureCount, "a dense block holds 3 × \(featureCount) values")
        self.row.append(row)
        self.atom.append(atom)
        values += block
        if !start.isEmpty {
            pattern.append(0)
            start.append(values.count)
        }
        rankOne?.coefficients += [0, 0, 0]
    }

    init(featureCount: Int, strain: Bool) {
        self.featureCount = featureCount
        row = []
        atom = []
        values = []
        patterns = [[0..<featureCount]]
        pattern = []
        start = []
        rankOne = nil
        self.strain = strain ? [] : nil
    }
}
