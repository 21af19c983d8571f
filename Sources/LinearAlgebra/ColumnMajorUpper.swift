import CLapack

/// An n × n upper-triangular matrix R stored column-major as LAPACK leaves it: entry (i, j) at
/// `storage[i + j · leadingDimension]`, with a leading dimension of at least n (e.g. n + 1 for the triangle
/// of `IncrementalLeastSquares`, handed over without a copy). Only the upper triangle is read.
public struct ColumnMajorUpper: Sendable {
    /// The order n.
    public let order: Int
    /// The distance between the starts of two columns in `storage`.
    public let leadingDimension: Int
    /// The columns, `leadingDimension` values apart.
    public let storage: [Double]

    /// R over `storage` (column-major, columns `leadingDimension` apart).
    /// - Throws: `.dimensionMismatch` when the leading dimension is below the order or `storage` cannot hold
    ///   n columns.
    public init(order: Int, leadingDimension: Int, storage: [Double]) throws(LinearAlgebraError) {
        guard order >= 0, leadingDimension >= max(order, 1), storage.count >= leadingDimension * order else {
            throw .dimensionMismatch(
                operation: "ColumnMajorUpper",
                detail: "\(storage.count) values for order \(order) and leading dimension \(leadingDimension)")
        }
        self.order = order
        self.leadingDimension = leadingDimension
        self.storage = storage
    }

    /// Entry (row, column) (zero below the diagonal).
    public subscript(row: Int, column: Int) -> Double { row <= column ? storage[row + column * leadingDimension] : 0 }

    /// Calls `body` with each column's upper part in turn, rows 0…j of column j: the packed upper triangle
    /// column by column (the lower triangle of Rᵀ row by row), without gathering it into one array.
    public func forEachColumn<E: Error>(_ body: (UnsafeBufferPointer<Double>) throws(E) -> Void) throws(E) {
        try storage.withUnsafeBufferPointer { (p: UnsafeBufferPointer<Double>) throws(E) in
            for j in 0..<order {
                try body(UnsafeBufferPointer(rebasing: p[(j * leadingDimension)...(j * leadingDimension + j)]))
            }
        }
    }

    /// Solves Rᵀ X = B for every column of the n × m matrix B (BLAS dtrsm: R column-major is Rᵀ row-major,
    /// so no transposed copy is made).
    /// - Throws: `.singular` for a zero diagonal entry (1-based index), `.illegalArgument` for a non-finite
    ///   right-hand side, `.dimensionMismatch` unless B has n rows.
    public func solveTransposed(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        guard b.rows == order else {
            throw .dimensionMismatch(
                operation: "ColumnMajorUpper.solveTransposed", detail: "\(order)×\(order) with \(b.rows)×\(b.columns)")
        }
        var x = b
        guard try triangularSolveNeeded(order: order, diagonal: { self[$0, $0] }, rightHandSides: b) else { return x }
        storage.withUnsafeBufferPointer { pr in
            x.elements.withUnsafeMutableBufferPointer { px in
                cblas_dtrsm(
                    CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, Int32(order), Int32(b.columns), 1,
                    pr.baseAddress, Int32(leadingDimension), px.baseAddress, Int32(b.columns))
            }
        }
        return x
    }
}

extension ColumnMajorUpper: Equatable {
    /// Equal when the orders and the upper triangles are, whatever the leading dimensions.
    public static func == (lhs: ColumnMajorUpper, rhs: ColumnMajorUpper) -> Bool {
        lhs.order == rhs.order
            && (0..<lhs.order).allSatisfy { j in (0...j).allSatisfy { i in lhs[i, j] == rhs[i, j] } }
    }
}
