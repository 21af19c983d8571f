import CLapack

/// A lower-triangular matrix that is block diagonal: square lower-triangular blocks down the diagonal and
/// zeros elsewhere, e.g. the Cholesky factor of a kernel matrix that is block diagonal by term and element.
/// Only the blocks are stored (Σ bₖ² values instead of M²).
public struct BlockDiagonalLower: Equatable, Sendable {
    /// The diagonal blocks, each square and lower triangular (its strict upper triangle zero).
    public let blocks: [Matrix]
    /// The first row (and column) of each block.
    public let offsets: [Int]
    /// The order M of the whole matrix (the sum of the blocks' orders).
    public let order: Int

    /// The matrix with `blocks` down its diagonal, in that order.
    /// - Throws: `.dimensionMismatch` naming the first block that is not square.
    public init(blocks: [Matrix]) throws(LinearAlgebraError) {
        var offsets = [Int](), order = 0
        for (k, block) in blocks.enumerated() {
            guard block.isSquare else {
                throw .dimensionMismatch(operation: "BlockDiagonalLower", detail: "block \(k) is \(block.rows)×\(block.columns)")
            }
            offsets.append(order)
            order += block.rows
        }
        self.blocks = blocks
        self.offsets = offsets
        self.order = order
    }

    /// The order of each block.
    public var blockOrders: [Int] { blocks.map(\.rows) }

    /// Values stored: Σ bₖ² (each block square, its zero upper triangle included).
    public var storedCount: Int { blocks.reduce(0) { $0 + $1.elements.count } }

    /// Entry (row, column) of the whole M × M matrix (zero off the blocks).
    public subscript(row: Int, column: Int) -> Double {
        guard let k = offsets.lastIndex(where: { $0 <= row }), column >= offsets[k], column <= row else { return 0 }
        return blocks[k][row - offsets[k], column - offsets[k]]
    }

    /// Solves L X = B for every column of the M × n matrix B, block by block (BLAS dtrsm on each block's rows
    /// of B in place: no dense M × M matrix).
    /// - Throws: `.singular` for a zero diagonal entry (1-based index in the whole matrix), `.illegalArgument`
    ///   for a non-finite right-hand side, `.dimensionMismatch` unless B has M rows.
    public func solve(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == order else {
            throw .dimensionMismatch(operation: "BlockDiagonalLower.solve", detail: "\(order)×\(order) with \(b.rows)×\(b.columns)")
        }
        var x = b
        guard try triangularSolveNeeded(order: order, diagonal: { self[$0, $0] }, rightHandSides: b) else { return x }
        let n = b.columns
        x.elements.withUnsafeMutableBufferPointer { px in
            for (block, offset) in zip(blocks, offsets) where block.rows > 0 {
                block.elements.withUnsafeBufferPointer { pl in
                    cblas_dtrsm(
                        CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(block.rows), Int32(n), 1,
                        pl.baseAddress, Int32(block.rows), px.baseAddress! + offset * n, Int32(n))
                }
            }
        }
        return x
    }
}
