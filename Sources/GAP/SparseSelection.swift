import Atoms
import LinearAlgebra
import Support

/// How sparse (representative) points are chosen among the training descriptors of one element.
public enum SparseMethod: Sendable, Equatable {
    /// CUR by leverage scores, as gap_fit's `cur_points`: the top singular vectors of the descriptor
    /// matrix give each point a probability, and points are drawn by it.
    case cur
    /// Uniformly at random.
    case random
    /// Farthest-point sampling in descriptor space.
    case fps
    /// gap_fit's `uniform`: for each point of a uniform grid over the range of the data, the nearest data
    /// point (for the 1-, 2- and 3-body terms' low-dimensional descriptors).
    case uniform
    /// Given indices into the element's descriptors (atoms of the element in file order, 0-based).
    case indices([Int])

    /// Indices of `count` rows of `x` (N × D, one descriptor per row), reproducibly from `seed`.
    func select(_ x: Matrix, count: Int, seed: UInt64) throws(GAPError) -> [Int] {
        let n = x.rows
        var rng = SeededGenerator(seed: seed)
        switch self {
        case let .indices(list):
            if let bad = list.first(where: { $0 < 0 || $0 >= n }) {
                throw .invalidSetting(name: "sparse index", value: "\(bad)", hint: "indices must lie in 0..<\(n)")
            }
            return list
        case .random:
            var order = Array(0..<n)
            for k in 0..<min(count, n) { order.swapAt(k, k + Int(rng.next() % UInt64(n - k))) }
            return Array(order.prefix(count)).sorted()
        case .fps:
            return farthestPoints(x, count: count, start: Int(rng.next() % UInt64(max(n, 1))))
        case .cur:
            return try cur(x, count: count, rng: &rng)
        case .uniform:
            return UniformGrid.select(x, count: count, rng: &rng)
        }
    }

    private func farthestPoints(_ x: Matrix, count: Int, start: Int) -> [Int] {
        let n = x.rows, d = x.columns
        var chosen = [start]
        var nearest = [Double](repeating: .infinity, count: n)
        x.elements.withUnsafeBufferPointer { p in
            var last = start
            while chosen.count < count {
                let c = last * d
                var best = -1.0, bestIndex = 0
                for i in 0..<n {
                    let row = i * d
                    var s = 0.0
                    for k in 0..<d {
                        let t = p[row + k] - p[c + k]
                        s += t * t
                    }
                    nearest[i] = min(nearest[i], s)
                    if nearest[i] > best {
                        best = nearest[i]
                        bestIndex = i
                    }
                }
                last = bestIndex
                chosen.append(bestIndex)
            }
        }
        return chosen.sorted()
    }

    /// As gap_fit: each point j gets the key u_j − min(M p_j / r, 1), with u_j uniform and p_j its leverage score
    /// (`leverageScores`), and the M smallest keys win.
    private func cur(_ x: Matrix, count: Int, rng: inout SeededGenerator) throws(GAPError) -> [Int] {
        let (scores, rank) = try Self.leverageScores(x, gram: x.rows < x.columns)
        var keys = [(Double, Int)]()
        keys.reserveCapacity(x.rows)
        for (j, p) in scores.enumerated() { keys.append((rng.uniform() - min(p * Double(count) / Double(rank), 1), j)) }
        keys.sort { $0.0 < $1.0 }
        return keys.prefix(count).map(\.1).sorted()
    }

    /// Leverage scores p_j = Σ_{k<r} U_jk² of the rows of X = U S Wᵀ, r half the numerical rank (singular values
    /// above 1e-5 of the largest), and r. U comes from X Xᵀ = U S² Uᵀ with `gram` (the smaller eigenproblem when
    /// there are fewer candidates than features: a multi-species SOAP has thousands of features, and D³ was most
    /// of such a fit), else from XᵀX = W S² Wᵀ as U = X W S⁻¹.
    static func leverageScores(_ x: Matrix, gram: Bool) throws(GAPError) -> (scores: [Double], rank: Int) {
        let n = x.rows, d = x.columns
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(Matrix.syrk(x, gram ? .none : .transposed)) } catch {
            throw .solver(stage: "CUR decomposition", error)
        }
        let largest = eigen.values.last ?? 0
        // Eigenvalues carry rounding of about ε·n·λ_max, so the rank counts only those 1e-10 λ_max and above
        // (singular values 1e-5 of the largest): far enough above the noise that another summation order
        // (another thread count, or the candidates gathered from other ranks) cannot change the count.
        let numericalRank = eigen.values.filter { $0 > 1e-10 * largest }.count
        let rank = max(1, numericalRank / 2)
        let size = eigen.values.count
        var u = Matrix(rows: n, columns: rank)
        if gram {
            // The top `rank` eigenvectors (eigenvalues ascend) are U's columns.
            for j in 0..<n { for k in 0..<rank { u[j, k] = eigen.vectors[j, size - 1 - k] } }
        } else {
            // U = X W S⁻¹ over the top `rank` eigenvectors W.
            var projection = Matrix(rows: d, columns: rank)
            for k in 0..<rank {
                let column = size - 1 - k
                let s = max(eigen.values[column], 0).squareRoot()
                for i in 0..<d { projection[i, k] = s > 0 ? eigen.vectors[i, column] / s : 0 }
            }
            do { u = try Matrix.product(x, projection) } catch { throw .solver(stage: "CUR decomposition", error) }
        }
        let scores = (0..<n).map { j in (0..<rank).reduce(0.0) { $0 + u[j, $1] * u[j, $1] } }
        return (scores, rank)
    }
}

extension FitSettings {
    /// True when choosing an element's SOAP sparse points reads its candidates' descriptors (CUR, FPS); random
    /// and given indices need only how many candidates there are.
    var sparseSelectionReadsDescriptors: Bool {
        sparseIndices.isEmpty && sparseMethod != .random && sparseMethod != .indices([])
    }

    /// The sparse points of element `z` among its candidate descriptors `x`: the given indices when any are
    /// set (or the method is `.indices`), otherwise `sparseCount(for: z)` chosen by `sparseMethod`.
    /// - Throws: `GAPError.tooFewAtoms`, `.invalidSetting` for bad or no indices, `.solver` for a failed CUR.
    func sparseIndices(of z: Int, among x: Matrix) throws(GAPError) -> [Int] {
        let indices: [Int]
        if sparseMethod == .indices([]) || !sparseIndices.isEmpty {
            indices = try SparseMethod.indices(sparseIndices[z] ?? []).select(x, count: 0, seed: seed)
        } else {
            let count = sparseCount(for: z)
            guard x.rows >= count else { throw .tooFewAtoms(element: z, atoms: x.rows, requested: count) }
            indices = try sparseMethod.select(x, count: count, seed: seed &+ UInt64(z))
        }
        guard !indices.isEmpty else {
            throw .invalidSetting(name: "sparse points", value: "none for \(Element.label(z))", hint: "give at least one")
        }
        return indices
    }
}
