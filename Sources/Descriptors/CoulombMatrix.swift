import Atoms
import Foundation
import LinearAlgebra
import Support

/// The Coulomb matrix of a molecule as DScribe defines it: M_ii = ½ Z_i^2.4, M_ij = Z_i Z_j / |r_i − r_j|,
/// zero-padded to `nAtomsMax` and flattened, with DScribe's permutation options. Periodicity is ignored
/// (the Coulomb matrix describes finite systems). Derivatives are analytic with the permutation held fixed.
public struct CoulombMatrix: Descriptor {
    /// How rows and columns are ordered.
    public enum Permutation: Sendable, Equatable {
        /// Atom order as given.
        case none
        /// Rows (and columns) by descending L2 norm; equal norms keep atom order.
        case sortedL2
        /// The eigenvalues instead of the matrix, by descending absolute value, zero-padded.
        case eigenspectrum
        /// Sorted by row norms perturbed with Gaussian noise of width `sigma` (DScribe's "random"); the
        /// noise follows `seed` and the structure's index in the batch.
        case random(sigma: Double, seed: UInt64)
    }

    /// The size the matrix is padded to.
    public let nAtomsMax: Int
    /// The ordering.
    public let permutation: Permutation

    /// A Coulomb-matrix descriptor.
    /// - Throws: `DescriptorError.invalidSetting` for nAtomsMax outside 1…`DescriptorLimits.coulombAtoms`
    ///   or a negative noise width.
    public init(nAtomsMax: Int, permutation: Permutation = .sortedL2) throws(DescriptorError) {
        guard (1...DescriptorLimits.coulombAtoms).contains(nAtomsMax) else {
            throw .invalidSetting(
                name: "n_atoms_max", value: "\(nAtomsMax)",
                hint: "must be between 1 and \(DescriptorLimits.coulombAtoms)")
        }
        if case let .random(sigma, _) = permutation, !(sigma >= 0 && sigma.isFinite) {
            throw .invalidSetting(name: "sigma", value: "\(sigma)", hint: "the noise width must be ≥ 0")
        }
        self.nAtomsMax = nAtomsMax
        self.permutation = permutation
    }

    /// Length of each output row: n² for matrices, n for the eigenspectrum.
    public var numberOfFeatures: Int { permutation == .eigenspectrum ? nAtomsMax : nAtomsMax * nAtomsMax }

    /// One row per structure (center −1).
    /// - Parameters:
    ///   - centers: must be nil: the Coulomb matrix describes whole structures.
    ///   - threads: worker threads (default all cores); work is split over structures.
    /// - Throws: `DescriptorError` for centers, structures larger than `nAtomsMax` or overlapping atoms.
    public func create(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> DescriptorRows {
        try compute(structures, centers: centers, gradients: false, threads: threads).rows
    }

    /// Rows and their derivatives with respect to every atom position (one 3 × D block per atom).
    /// - Parameters: as `create`.
    /// - Throws: as `create`.
    public func derivatives(
        _ structures: [Structure], centers: [[Int]]? = nil, threads: Int = Parallel.defaultThreads
    ) throws(DescriptorError) -> (descriptors: DescriptorRows, derivatives: SparseDerivatives) {
        let out = try compute(structures, centers: centers, gradients: true, threads: threads)
        return (out.rows, out.derivatives)
    }

    private func compute(_ structures: [Structure], centers: [[Int]]?, gradients: Bool, threads: Int) throws(DescriptorError)
        -> (rows: DescriptorRows, derivatives: SparseDerivatives)
    {
        guard centers == nil else {
            throw .invalidSetting(
                name: "centers", value: "\(centers?.count ?? 0) lists",
                hint: "the Coulomb matrix describes whole structures; give no centers")
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
        let n = s.count
        guard n <= nAtomsMax else { throw .tooManyAtoms(structure: index, atoms: n, maximum: nAtomsMax) }
        do { try s.validate() } catch { throw .geometry(structure: index, error) }
        let z = s.atomicNumbers.map(Double.init)
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            m[i * n + i] = 0.5 * pow(z[i], 2.4)
            for j in 0..<i {
                let d = norm(s.positions[i] - s.positions[j])
                guard d > 0 else { throw .overlappingAtoms(structure: index, first: j, second: i) }
                m[i * n + j] = z[i] * z[j] / d
                m[j * n + i] = m[i * n + j]
            }
        }
        let D = numberOfFeatures
        /// ∂M_ij/∂r_a for the pair (i, j) and atom a ∈ {i, j}.
        func pairGradient(_ i: Int, _ j: Int) -> SIMD3<Double> {
            let r = s.positions[i] - s.positions[j]
            let d = norm(r)
            return -z[i] * z[j] / (d * d * d) * r  // with respect to r_i; r_j gets the opposite
        }
        if permutation == .eigenspectrum {
            let eigen: SymmetricEigen
            do { eigen = try SymmetricEigen(Matrix(rows: n, columns: n, elements: m)) } catch {
                throw .invalidSetting(name: "coulomb matrix", value: "structure \(index)", hint: "\(error)")
            }
            // Descending |λ|, ties in ascending-λ order as NumPy's stable sort of −|λ| gives.
            let order = (0..<n).sorted { abs(eigen.values[$0]) > abs(eigen.values[$1]) }
            var row = [Double](repeating: 0, count: D)
            for (k, e) in order.enumerated() { row[k] = eigen.values[e] }
            guard gradients else { return (row, []) }
            var blocks = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: n)
            for (k, e) in order.enumerated() {
                let v = (0..<n).map { eigen.vectors[$0, e] }
                // dλ = vᵀ dM v; each off-diagonal pair appears twice.
                for i in 0..<n {
                    for j in 0..<i {
                        let g = 2 * v[i] * v[j] * pairGradient(i, j)
                        for axis in 0..<3 {
                            blocks[i][axis * D + k] += g[axis]
                            blocks[j][axis * D + k] -= g[axis]
                        }
                    }
                }
            }
            return (row, blocks)
        }
        let order = ordering(m, n: n, index: index)
        var row = [Double](repeating: 0, count: D)
        for a in 0..<n { for b in 0..<n { row[a * nAtomsMax + b] = m[order[a] * n + order[b]] } }
        guard gradients else { return (row, []) }
        var position = [Int](repeating: 0, count: n)
        for (a, atom) in order.enumerated() { position[atom] = a }
        var blocks = [[Double]](repeating: [Double](repeating: 0, count: 3 * D), count: n)
        for i in 0..<n {
            for j in 0..<n where j != i {
                let g = pairGradient(i, j)
                let f = position[i] * nAtomsMax + position[j]
                for axis in 0..<3 {
                    blocks[i][axis * D + f] += g[axis]
                    blocks[j][axis * D + f] -= g[axis]
                }
            }
        }
        return (row, blocks)
    }

    /// The atom order of the rows.
    private func ordering(_ m: [Double], n: Int, index: Int) -> [Int] {
        let norms = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + m[i * n + $1] * m[i * n + $1] }.squareRoot() }
        switch permutation {
        case .none, .eigenspectrum:
            return Array(0..<n)
        case .sortedL2:
            // Norms equal to rounding (mirror-image atoms sum the same terms in another order) count as ties.
            return Array(0..<n).sorted { a, b in
                let tie = abs(norms[a] - norms[b]) <= 1e-12 * max(norms[a], norms[b])
                return tie ? a < b : norms[a] > norms[b]
            }
        case let .random(sigma, seed):
            var rng = SeededGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let noisy = norms.map { $0 + sigma * rng.normal() }
            return Array(0..<n).sorted { noisy[$0] > noisy[$1] }
        }
    }
}
