import Atoms
import LinearAlgebra

/// The third stage of a fit, "sparse points and K_MM": each element's sparse points and the Cholesky factor
/// L of the block-diagonal K_MM + jitter, whose transpose starts the least-squares triangle as regulariser.
struct SparseBasis: Sendable {
    /// Sparse points per element, M_z × D.
    let points: [Int: Matrix]
    /// The same points in the order of `layout.elements`.
    let ordered: [Matrix]
    /// The chosen rows of each element's candidates (its atoms in file order).
    let indices: [Int: [Int]]
    /// Where each element's points sit among the M columns of the fit.
    let layout: DesignRows.Layout
    /// L, M × M lower triangular, block diagonal by element (L Lᵀ = K_MM + jitter).
    let lower: Matrix

    /// Chooses the sparse points of every element of `elements` that has candidates (in that order) and
    /// factorises their kernel matrices.
    /// - Throws: `GAPError` for bad sparse settings or a K_MM that is not positive definite.
    init(candidates: [Int: Matrix], elements: [Int], settings: FitSettings) throws(GAPError) {
        var points = [Int: Matrix](), indices = [Int: [Int]](), ordered = [Matrix](), blocks = [Matrix](), modelled = [Int]()
        for z in elements {
            guard let x = candidates[z] else { continue }
            let chosen = try settings.sparseIndices(of: z, among: x)
            let sparse = x.selectingRows(chosen)
            modelled.append(z)
            indices[z] = chosen
            points[z] = sparse
            ordered.append(sparse)
            blocks.append(try Self.choleskyFactor(of: sparse, element: z, settings: settings))
        }
        layout = DesignRows.Layout(elements: modelled, models: points)
        var lower = Matrix(rows: layout.total, columns: layout.total)
        var offset = 0
        for block in blocks {
            for i in 0..<block.rows { for j in 0...i { lower[offset + i, offset + j] = block[i, j] } }
            offset += block.rows
        }
        self.points = points
        self.ordered = ordered
        self.indices = indices
        self.lower = lower
    }

    /// L with L Lᵀ = K_MM + jitter, K_MM the kernel between the sparse points `x` of element `z`.
    /// - Throws: `GAPError.solver` when K_MM + jitter is not positive definite (duplicate points).
    static func choleskyFactor(of x: Matrix, element z: Int, settings: FitSettings) throws(GAPError) -> Matrix {
        var kmm = Matrix.productWithTranspose(x, ofSameShape: x)
        settings.kernel.applyValues(to: &kmm)
        for i in 0..<kmm.rows { kmm[i, i] += settings.jitter }
        do { return try Cholesky(kmm).lower } catch {
            throw .solver(
                stage: "Cholesky factorisation of K_MM for \(Element.label(z)) (duplicate sparse points? raise --jitter)", error)
        }
    }
}
