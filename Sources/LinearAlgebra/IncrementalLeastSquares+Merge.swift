import CLapack

/// Triangles folded apart and merged: what a distributed fit does with the R̃ of each rank (a TSQR reduction).
/// QR([A₁; A₂]) has the triangle of QR([R̃₁; R̃₂]), so two partial triangles merge into the one of all their rows.
/// A triangle travels as blocks of its rows — rows a..<b hold zeros left of column a, so only their columns
/// a…n are sent — and each block is folded into the trailing part of the receiver's triangle as it arrives:
/// neither side ever holds a second triangle.
extension IncrementalLeastSquares {
    /// An empty problem in `columns` unknowns: R̃ = 0, no rows (a rank's own rows start from it).
    public init(zeroColumns columns: Int) {
        self.columns = columns
        triangle = [Double](repeating: 0, count: (columns + 1) * (columns + 1))
    }

    /// The row blocks `rowBlock` sends: consecutive ranges of R̃'s n+1 rows, each of at most about `values`
    /// numbers (and at least one row).
    public func rowBlocks(values: Int = 1 << 22) -> [Range<Int>] {
        Self.rowBlocks(columns: columns, values: values)
    }

    /// The row blocks of any triangle in `columns` unknowns (what a receiver expects of `rowBlocks`).
    public static func rowBlocks(columns: Int, values: Int = 1 << 22) -> [Range<Int>] {
        let n1 = columns + 1
        var blocks = [Range<Int>](), start = 0
        while start < n1 {
            let rows = max(1, min(n1 - start, values / max(n1 - start, 1)))
            blocks.append(start..<(start + rows))
            start += rows
        }
        return blocks
    }

    /// Rows `rows` of R̃ from their first non-zero column on: column-major, `rows.count` × (n + 1 − rows.lowerBound).
    public func rowBlock(_ rows: Range<Int>) -> [Double] {
        let n1 = columns + 1, a = rows.lowerBound, m = rows.count
        var block = [Double](repeating: 0, count: m * (n1 - a))
        for j in a..<n1 {
            for i in rows where i <= j { block[(i - a) + (j - a) * m] = triangle[i + j * n1] }
        }
        return block
    }

    /// Folds rows `rows` of another problem's R̃ (in the same unknowns; `block` as `rowBlock` gives it) below this
    /// one: LAPACK dtpqrt on the trailing part from column `rows.lowerBound`, the block being upper trapezoidal.
    /// Fold every block of the other triangle, then `addRowCount` its rows.
    /// - Throws: `.dimensionMismatch` for a block of the wrong size, `.illegalArgument` for NaN input.
    public mutating func fold(rowBlock block: consuming [Double], rows: Range<Int>) throws(LinearAlgebraError) {
        let n1 = columns + 1, a = rows.lowerBound, m = rows.count
        guard a >= 0, rows.upperBound <= n1, m > 0, block.count == m * (n1 - a) else {
            throw .dimensionMismatch(
                operation: "IncrementalLeastSquares.fold", detail: "\(block.count) values for rows \(rows) of \(n1)")
        }
        let width = n1 - a, nb = min(32, width)
        var below = block
        var t = [Double](repeating: 0, count: nb * width)
        let info = triangle.withUnsafeMutableBufferPointer { pr in
            below.withUnsafeMutableBufferPointer { pb in
                t.withUnsafeMutableBufferPointer { pt in
                    LAPACKE_dtpqrt(
                        LAPACK_COL_MAJOR, Int32(m), Int32(width), Int32(m), Int32(nb), pr.baseAddress! + a + a * n1,
                        Int32(n1), pb.baseAddress, Int32(m), pt.baseAddress, Int32(nb))
                }
            }
        }
        try checkLAPACK(info, routine: "dtpqrt") { .singular(index: $0) }
    }

    /// Counts `rows` more rows as folded in (those of a merged triangle).
    public mutating func addRowCount(_ rows: Int) {
        rowCount += rows
    }
}
