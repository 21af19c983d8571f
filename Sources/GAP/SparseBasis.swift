import Atoms
import LinearAlgebra

/// The third stage of a fit, "sparse points and K_MM": the sparse points of every term (SOAP: each element's;
/// each 2- and 3-body term: its own) and the Cholesky factor L of the block-diagonal K_MM + jitter, whose
/// transpose starts the least-squares triangle as regulariser. Columns: SOAP elements in `layout` order, then
/// the 2- and 3-body terms in order.
struct SparseBasis: Sendable {
    /// SOAP sparse points per element, M_z × D.
    let points: [Int: Matrix]
    /// The same points in the order of `layout.elements`.
    let ordered: [Matrix]
    /// The chosen rows of each element's SOAP candidates (its atoms in file order).
    let indices: [Int: [Int]]
    /// Where each element's SOAP points sit among the first columns.
    let layout: DesignRows.Layout
    /// The 2- and 3-body terms' sparse sets.
    let terms: [GeometricSparseSet]
    /// The chosen instances of each 2- and 3-body term (file order).
    let termIndices: [[Int]]
    /// The first column of each 2- and 3-body term.
    let termOffsets: [Int]
    /// Number of columns M.
    let total: Int
    /// L, M × M lower triangular, block diagonal by term and element (L Lᵀ = K_MM + jitter): only the blocks.
    let lower: BlockDiagonalLower

    /// Chooses the SOAP sparse points of every element of `elements` that has candidates (in that order) and
    /// those of each 2- and 3-body term of `terms` among its `instances`, and factorises their kernel matrices.
    /// - Throws: `GAPError` for bad sparse settings or a K_MM that is not positive definite.
    init(
        candidates: [Int: Matrix], elements: [Int], terms: [GeometricTermSettings] = [],
        instances: [(values: Matrix, weights: [Double])] = [], settings: FitSettings
    ) throws(GAPError) {
        var points = [Int: Matrix](), indices = [Int: [Int]](), ordered = [Matrix](), blocks = [Matrix](), modelled = [Int]()
        for z in elements {
            guard let x = candidates[z] else { continue }
            let chosen = try settings.sparseIndices(of: z, among: x)
            let sparse = x.selectingRows(chosen)
            modelled.append(z)
            indices[z] = chosen
            points[z] = sparse
            ordered.append(sparse)
            var kmm = Matrix.productWithTranspose(sparse, ofSameShape: sparse)
            settings.kernel.applyValues(to: &kmm)
            blocks.append(try Self.choleskyFactor(of: kmm, term: "SOAP of \(Element.label(z))", jitter: settings.jitter))
        }
        layout = DesignRows.Layout(elements: modelled, models: points)
        var sets = [GeometricSparseSet](), termIndices = [[Int]](), termOffsets = [Int](), total = layout.total
        for (term, found) in zip(terms, instances) {
            let name = term.descriptor.summary
            let kernel = term.resolvedKernel(instances: found.values)
            let chosen: [Int], set: GeometricSparseSet
            if let given = term.givenPoints {
                chosen = []
                let points: Matrix
                do { points = try Matrix(given.values) } catch { throw .solver(stage: "sparse points of \(name)", error) }
                set = try GeometricSparseSet(
                    descriptor: term.descriptor, kernel: term.kernel, points: points, weights: given.cutoffs)
            } else {
                let unique = Self.distinctRows(found.values)
                guard unique.count >= term.sparseCount else {
                    throw .invalidSetting(
                        name: "n_sparse of \(name)", value: "\(term.sparseCount)",
                        hint: "the training set has only \(unique.count) distinct instances of this term; lower n_sparse")
                }
                let picked = try term.sparseMethod.select(
                    found.values.selectingRows(unique), count: term.sparseCount, seed: settings.seed)
                chosen = picked.map { unique[$0] }
                set = try GeometricSparseSet(
                    descriptor: term.descriptor, kernel: kernel, points: found.values.selectingRows(chosen),
                    weights: chosen.map { found.weights[$0] })
            }
            sets.append(set)
            termIndices.append(chosen)
            termOffsets.append(total)
            total += set.count
            blocks.append(try Self.choleskyFactor(of: set.gram(), term: name, jitter: settings.jitter))
        }
        do { lower = try BlockDiagonalLower(blocks: blocks) } catch { throw .solver(stage: "sparse points and K_MM", error) }
        self.points = points
        self.ordered = ordered
        self.indices = indices
        self.terms = sets
        self.termIndices = termIndices
        self.termOffsets = termOffsets
        self.total = total
    }

    /// The rows of `x` that are not within 1e-10 (every entry) of an earlier row, ascending: gap_fit's
    /// `exclude_duplicates`, which leaves one of the two mirror instances, (i, j) and (j, i), of every pair.
    static func distinctRows(_ x: Matrix) -> [Int] {
        let tolerance = 1e-10
        let hash = (0..<x.rows).map { i in (0..<x.columns).reduce(0.0) { $0 + abs(x[i, $1]) } }
        let order = (0..<x.rows).sorted { hash[$0] != hash[$1] ? hash[$0] < hash[$1] : $0 < $1 }
        var duplicate = [Bool](repeating: false, count: x.rows)
        // Distinct rows whose hashes are within `reach` of the current one (a sliding window of `order`). Rows
        // within the tolerance in every entry have hashes up to columns × tolerance apart; twice that leaves
        // room for the rounding of the sums.
        let reach = 2 * tolerance * Double(max(x.columns, 1))
        var window = [Int](), start = 0
        for i in order {
            while start < window.count, hash[i] - hash[window[start]] >= reach { start += 1 }
            if let k = (start..<window.count).first(where: { w in
                (0..<x.columns).allSatisfy { abs(x[i, $0] - x[window[w], $0]) < tolerance }
            }) {
                // Keep the earlier of the two in data order.
                duplicate[max(i, window[k])] = true
                window[k] = min(i, window[k])
            } else {
                window.append(i)
            }
        }
        return (0..<x.rows).filter { !duplicate[$0] }
    }

    /// L with L Lᵀ = K_MM + jitter, K_MM the kernel between the sparse points of one term (or element).
    /// - Throws: `GAPError.solver` when K_MM + jitter is not positive definite (duplicate points).
    static func choleskyFactor(of kmm: Matrix, term: String, jitter: Double) throws(GAPError) -> Matrix {
        var kmm = kmm
        for i in 0..<kmm.rows { kmm[i, i] += jitter }
        do { return try Cholesky(kmm).lower } catch {
            throw .solver(stage: "Cholesky factorisation of K_MM for \(term) (duplicate sparse points? raise --jitter)", error)
        }
    }
}
