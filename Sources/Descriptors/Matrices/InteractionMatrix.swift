import Atoms
import LinearAlgebra
import Support

/// A global descriptor made of one symmetric matrix of pairwise atomic terms per structure — DScribe's
/// Coulomb, sine and Ewald sum matrices. A conforming type builds the matrix of a structure (`pairMatrix`);
/// this protocol orders it by `permutation`, zero-pads it to `nAtomsMax`, flattens it (or gives its
/// eigenspectrum) and differentiates all of these with respect to the atom positions: with the ordering held at the
/// structure's, and where rows tie, as DScribe's central differences break the tie (see `ordered`).
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
    /// ordering held at each structure's (rows whose norms tie: as DScribe's central differences, see the protocol).
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
        let norms = MatrixPermutation.rowNorms(m.values, n: m.count)
        return ordered(
            m, norms: norms, order: permutation.rowOrder(norms: norms, structure: index), gradients: gradients)
    }

    /// The matrix with rows and columns in `order`, zero-padded and flattened, and its derivative blocks; `norms` are its
    /// rows' L2 norms.
    ///
    /// Rows whose norms tie (`MatrixPermutation.tiedRuns`: symmetry-equivalent atoms, the two H of water) have no one
    /// order once an atom moves: a displacement that changes their norms at different rates sorts them one way for a
    /// step forward and the other way for a step back. DScribe differentiates these matrices by central differences,
    /// which at such a tie give the mean of the derivatives in the two orders; so do the blocks here. Where the tied
    /// norms move together, or nothing ties, the derivative is that of the order at the structure.
    private func ordered(_ m: PairMatrix, norms: [Double], order: [Int], gradients: Bool) -> ([Double], [[Double]]) {
        let n = m.count, D = numberOfFeatures
        var row = [Double](repeating: 0, count: D)
        for a in 0..<n { for b in 0..<n { row[a * nAtomsMax + b] = m.values[order[a] * n + order[b]] } }
        guard gradients else { return (row, []) }
        var position = [Int](repeating: 0, count: n)
        for (a, atom) in order.enumerated() { position[atom] = a }
        // Each tied run's atoms (in their order at the structure) and the rate below which a step does not sort them.
        let ties = permutation.tiedRuns(norms: norms, order: order).map { run in
            (run: run, atoms: Array(order[run]), tolerance: 1e-9 * norms[order[run.lowerBound]])
        }
        var blocks = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: n)
        // Entry (a, j) moves with r_a by g_aj, entry (j, a) by −g_ja: the block of atom a along `axis` with rows and
        // columns at `at`, times `weight`.
        func add(atom a: Int, axis: Int, at: [Int], weight: Double) {
            for j in 0..<n where j != a {
                blocks[a][axis * D + at[a] * nAtomsMax + at[j]] += weight * m.gradients[a * n + j][axis]
                blocks[a][axis * D + at[j] * nAtomsMax + at[a]] -= weight * m.gradients[j * n + a][axis]
            }
        }
        var forward = position, backward = position
        for a in 0..<n {
            for axis in 0..<3 {
                for (run, atoms, tolerance) in ties {
                    // ∂‖M_i‖ = Σ_j M_ij ∂M_ij / ‖M_i‖ for each tied row i as atom a moves along the axis.
                    let rates = atoms.map { i in
                        let change =
                            i == a
                            ? (0..<n).reduce(0.0) { $1 == a ? $0 : $0 + m.values[a * n + $1] * m.gradients[a * n + $1][axis] }
                            : -m.values[i * n + a] * m.gradients[i * n + a][axis]
                        return change / norms[i]
                    }
                    Self.place(atoms, rates: rates, first: run.lowerBound, forward: true, tolerance: tolerance, into: &forward)
                    Self.place(atoms, rates: rates, first: run.lowerBound, forward: false, tolerance: tolerance, into: &backward)
                }
                if forward == backward {
                    add(atom: a, axis: axis, at: forward, weight: 1)
                } else {
                    add(atom: a, axis: axis, at: forward, weight: 0.5)
                    add(atom: a, axis: axis, at: backward, weight: 0.5)
                }
            }
        }
        return (row, blocks)
    }

    /// Gives the `atoms` of a tied run (in their order at the structure) the positions from `first` on in the order a
    /// small step sorts them: fastest-growing norm first for a step `forward`, slowest first for a step back. Rates
    /// within `tolerance` (below what a finite difference resolves) keep the order at the structure.
    private static func place(
        _ atoms: [Int], rates: [Double], first: Int, forward: Bool, tolerance: Double, into position: inout [Int]
    ) {
        let sign = forward ? 1.0 : -1.0
        var placed = [Int]()  // indices into `atoms`, in the order of the step
        for k in atoms.indices {
            var at = placed.count
            while at > 0 && sign * (rates[k] - rates[placed[at - 1]]) > tolerance { at -= 1 }
            placed.insert(k, at: at)
        }
        for (offset, k) in placed.enumerated() { position[atoms[k]] = first + offset }
    }

    /// The eigenvalues by descending absolute value, zero-padded, and their derivative blocks:
    /// ∂λ/∂r_a = vᵀ (∂M/∂r_a) v = 2 v_a Σ_j g_aj v_j, one product G_axis · V per axis.
    ///
    /// A degenerate eigenvalue (a symmetric molecule's: methane's) has no one eigenvector per copy. A displacement
    /// splits a cluster of m copies by the eigenvalues μ of V_Cᵀ ∂M V_C over the cluster's eigenvectors V_C, sorted
    /// one way for a step forward and the other way for a step back. DScribe's central differences then give the
    /// cluster's k-th output the mean of the k-th largest and the k-th smallest of sgn(λ) μ, times sgn(λ); so do these
    /// blocks.
    private func eigenspectrum(_ m: PairMatrix, index: Int, gradients: Bool) throws(DescriptorError) -> ([Double], [[Double]]) {
        let n = m.count, D = numberOfFeatures
        func failed(_ error: LinearAlgebraError) -> DescriptorError {
            .invalidSetting(name: "matrix", value: "structure \(index)", hint: "no eigenspectrum: \(error)")
        }
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(Matrix(rows: n, columns: n, elements: m.values)) } catch { throw failed(error) }
        // Descending |λ|, ties in ascending-λ order as NumPy's stable sort of −|λ| gives.
        let order = (0..<n).sorted { abs(eigen.values[$0]) > abs(eigen.values[$1]) }
        var row = [Double](repeating: 0, count: D)
        for (k, e) in order.enumerated() { row[k] = eigen.values[e] }
        guard gradients, n > 0 else { return (row, []) }
        // Runs of outputs with equal eigenvalues (to rounding: LAPACK's are accurate to about n ε max |λ|).
        let scale = eigen.values.map(abs).max() ?? 0
        // Each cluster's first output and its eigenvalues' indices.
        let clusters = tiedRuns(count: n) { k in
            abs(eigen.values[order[k]] - eigen.values[order[k - 1]]) <= 1e-10 * scale
        }.map { (first: $0.lowerBound, members: Array(order[$0])) }
        var blocks = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: n)
        var g = Matrix(rows: n, columns: n)
        for axis in 0..<3 {
            for p in 0..<(n * n) { g.elements[p] = m.gradients[p][axis] }
            let w = Matrix.productWithTranspose(g, ofSameShape: eigen.vectors.transposed)
            for a in 0..<n {
                for (k, e) in order.enumerated() {
                    blocks[a][axis * D + k] = 2 * eigen.vectors[a, e] * w[a, e]
                }
                for (first, members) in clusters {
                    // (V_Cᵀ ∂M V_C)_pq = v_p,a (g_a · v_q) + v_q,a (g_a · v_p), for ∂M of atom a along the axis.
                    let size = members.count
                    var projected = Matrix(rows: size, columns: size)
                    for p in 0..<size {
                        for q in 0..<size {
                            let (ep, eq) = (members[p], members[q])
                            projected[p, q] = eigen.vectors[a, ep] * w[a, eq] + eigen.vectors[a, eq] * w[a, ep]
                        }
                    }
                    let split: SymmetricEigen
                    do { split = try SymmetricEigen(projected) } catch { throw failed(error) }
                    let sign = eigen.values[members[0]] < 0 ? -1.0 : 1.0
                    let nu = split.values.map { sign * $0 }.sorted(by: >)
                    for k in 0..<size {
                        blocks[a][axis * D + first + k] = sign * (nu[k] + nu[size - 1 - k]) / 2
                    }
                }
            }
        }
        return (row, blocks)
    }
}
