import Atoms
import LinearAlgebra
import Support

/// A global descriptor made of one symmetric matrix of pairwise atomic terms per structure — DScribe's
/// Coulomb, sine and Ewald sum matrices. A conforming type builds the matrix of a structure (`pairMatrix`);
/// this protocol orders it by `permutation`, zero-pads it to `nAtomsMax`, flattens it (or gives its
/// eigenspectrum) and differentiates all of these with respect to the atom positions, with the ordering held
/// at the structure's.
public protocol InteractionMatrix: Descriptor {
    /// The size the matrix is padded to.
    var nAtomsMax: Int { get }
    /// The ordering of rows and columns.
    var permutation: MatrixPermutation { get }

    /// The unordered matrix of structure `s` (number `index` in the batch), with its gradients when `gradients`.
    /// - Throws: `DescriptorError` for a geometry the matrix cannot describe.
    func pairMatrix(of s: Structure, index: Int, gradients: Bool) throws(DescriptorError) -> PairMatrix
}

extension InteractionMatrix {
    /// The ordering options, shared by all matrix descriptors.
    public typealias Permutation = MatrixPermutation

    /// Length of each output row: n² for matrices, n for the eigenspectrum (n = `nAtomsMax`).
    public var numberOfFeatures: Int { permutation == .eigenspectrum ? nAtomsMax : nAtomsMax * nAtomsMax }

    /// One row per structure (center −1).
    /// - Parameters:
    ///   - centers: must be nil: matrix descriptors describe whole structures.
    ///   - threads: worker threads (default all cores); work is split over structures.
    /// - Throws: `DescriptorError` for centers, structures larger than `nAtomsMax` or geometry the matrix cannot
    ///   describe.
    public func create(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        try compute(structures, centers: centers, gradients: false, threads: threads).rows
    }

    /// Rows and their derivatives with respect to every atom position (one 3 × D block per atom), with the
    /// ordering held at each structure's.
    /// - Parameters: as `create`.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        let out = try compute(structures, centers: centers, gradients: true, threads: threads)
        return (out.rows, out.derivatives)
    }

    /// Checks the settings every matrix descriptor shares.
    /// - Throws: `DescriptorError.invalidSetting` for nAtomsMax outside 1…`DescriptorLimits.coulombAtoms` or a
    ///   noise width that is negative or not finite.
    static func checkShared(nAtomsMax: Int, permutation: MatrixPermutation) throws(DescriptorError) {
        guard (1...DescriptorLimits.coulombAtoms).contains(nAtomsMax) else {
            throw .invalidSetting(
                name: "n_atoms_max", value: "\(nAtomsMax)", hint: "must be between 1 and \(DescriptorLimits.coulombAtoms)")
        }
        if case let .random(sigma, _) = permutation, !(sigma >= 0 && sigma.isFinite) {
            throw .invalidSetting(name: "sigma", value: "\(sigma)", hint: "the noise width must be ≥ 0")
        }
    }

    /// The inverse of the cell matrix (lattice vectors as rows) of a structure that a matrix of periodic cells
    /// (sine, Ewald) takes as periodic along all three axes, as DScribe does whatever `pbc` says.
    /// - Throws: `DescriptorError.geometry` for non-finite positions or cell, unknown elements, or lattice vectors
    ///   that are not linearly independent.
    static func periodicCellInverse(of s: Structure, index: Int) throws(DescriptorError) -> Matrix3 {
        do { try s.validate() } catch { throw .geometry(structure: index, error) }
        guard let inverse = s.cell.matrix.inverse else {
            throw .geometry(
                structure: index,
                .singularCell(detail: "sine and Ewald sum matrices take every cell as periodic, whatever its pbc flags"))
        }
        return inverse
    }

    private func compute(_ structures: [Structure], centers: [[Int]]?, gradients: Bool, threads: Int) throws(DescriptorError)
        -> (rows: DescriptorRows, derivatives: SparseDerivatives)
    {
        guard centers == nil else {
            throw .invalidSetting(
                name: "centers", value: "\(centers?.count ?? 0) lists",
                hint: "matrix descriptors describe whole structures; give no centers")
        }
        let results = Parallel.map(structures.count, threads: threads) { k in
            Result { () throws(DescriptorError) in try single(structures[k], index: k, gradients: gradients) }
        }
        var rows = DescriptorRows(featureCount: numberOfFeatures)
        var derivatives = SparseDerivatives(featureCount: numberOfFeatures, strain: false)
        for (k, result) in results.enumerated() {
            let (row, blocks) = try result.get()
            rows.values += row
            rows.structure.append(k)
            rows.center.append(-1)
            for (atom, block) in blocks.enumerated() { derivatives.append(row: k, atom: atom, dense: block) }
        }
        return (rows, derivatives)
    }

    /// The row of one structure and, with `gradients`, one 3 × D block per atom.
    private func single(_ s: Structure, index: Int, gradients: Bool) throws(DescriptorError) -> ([Double], [[Double]]) {
        guard s.count <= nAtomsMax else { throw .tooManyAtoms(structure: index, atoms: s.count, maximum: nAtomsMax) }
        let m = try pairMatrix(of: s, index: index, gradients: gradients)
        if permutation == .eigenspectrum { return try eigenspectrum(m, index: index, gradients: gradients) }
        return ordered(m, order: permutation.rowOrder(m.values, n: m.count, structure: index), gradients: gradients)
    }

    /// The matrix with rows and columns in `order`, zero-padded and flattened, and its derivative blocks.
    private func ordered(_ m: PairMatrix, order: [Int], gradients: Bool) -> ([Double], [[Double]]) {
        let n = m.count, D = numberOfFeatures
        var row = [Double](repeating: 0, count: D)
        for a in 0..<n { for b in 0..<n { row[a * nAtomsMax + b] = m.values[order[a] * n + order[b]] } }
        guard gradients else { return (row, []) }
        var position = [Int](repeating: 0, count: n)
        for (a, atom) in order.enumerated() { position[atom] = a }
        var blocks = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                // Entry (i, j) moves with r_i by g_ij and with r_j by −g_ij.
                let g = m.gradients[i * n + j]
                let f = position[i] * nAtomsMax + position[j]
                for axis in 0..<3 {
                    blocks[i][axis * D + f] += g[axis]
                    blocks[j][axis * D + f] -= g[axis]
                }
            }
        }
        return (row, blocks)
    }

    /// The eigenvalues by descending absolute value, zero-padded, and their derivative blocks:
    /// ∂λ/∂r_a = vᵀ (∂M/∂r_a) v = 2 v_a Σ_j g_aj v_j, one product G_axis · V per axis.
    private func eigenspectrum(_ m: PairMatrix, index: Int, gradients: Bool) throws(DescriptorError) -> ([Double], [[Double]]) {
        let n = m.count, D = numberOfFeatures
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(Matrix(rows: n, columns: n, elements: m.values)) } catch {
            throw .invalidSetting(name: "matrix", value: "structure \(index)", hint: "no eigenspectrum: \(error)")
        }
        // Descending |λ|, ties in ascending-λ order as NumPy's stable sort of −|λ| gives.
        let order = (0..<n).sorted { abs(eigen.values[$0]) > abs(eigen.values[$1]) }
        var row = [Double](repeating: 0, count: D)
        for (k, e) in order.enumerated() { row[k] = eigen.values[e] }
        guard gradients, n > 0 else { return (row, []) }
        var blocks = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: n)
        var g = Matrix(rows: n, columns: n)
        for axis in 0..<3 {
            for p in 0..<(n * n) { g.elements[p] = m.gradients[p][axis] }
            let w = Matrix.productWithTranspose(g, ofSameShape: eigen.vectors.transposed)
            for a in 0..<n {
                for (k, e) in order.enumerated() {
                    blocks[a][axis * D + k] = 2 * eigen.vectors[a, e] * w[a, e]
                }
            }
        }
        return (row, blocks)
    }
}
