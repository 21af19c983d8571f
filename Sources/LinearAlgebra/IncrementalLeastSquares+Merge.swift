import CLapack

/// Triangles folded apart and merged: what a distributed fit does with the R̃ of each rank (a TSQR reduction).
/// QR([A₁; A₂]) has the triangle of QR([R̃₁; R̃₂]), so two partial triangles merge into the one of all their rows.
extension IncrementalLeastSquares {
    /// An empty problem in `columns` unknowns: R̃ = 0, no rows (a rank's own rows start from it).
    public init(zeroColumns columns: Int) {
        self.columns = columns
        triangle = [Double](repeating: 0, count: (columns + 1) * (columns + 1))
    }

    /// R̃'s upper triangle, column by column ((n+1)(n+2)/2 values), followed by the row count: what one rank
    /// sends another.
    public var packed: [Double] {
        let n1 = columns + 1
        var out = [Double]()
        out.reserveCapacity(n1 * (n1 + 1) / 2 + 1)
        for j in 0..<n1 { out += triangle[(j * n1)...(j * n1 + j)] }
        out.append(Double(rowCount))
        return out
    }

    /// The number of values `packed` holds for `columns` unknowns.
    public static func packedCount(columns: Int) -> Int { (columns + 1) * (columns + 2) / 2 + 1 }

    /// Folds the triangle of rows folded elsewhere (`packed` by another problem in the same unknowns) below
    /// this one: afterwards this is the problem of both row sets, this one's first (LAPACK dtpqrt with a
    /// triangular second block).
    /// - Throws: `.dimensionMismatch` when `packed` does not hold a triangle of these unknowns, `.illegalArgument`
    ///   for NaN input.
    public mutating func merge(packed: [Double]) throws(LinearAlgebraError) {
        guard packed.count == Self.packedCount(columns: columns), let rows = Int(exactly: packed[packed.count - 1]), rows >= 0
        else {
            throw .dimensionMismatch(
                operation: "IncrementalLeastSquares.merge", detail: "\(packed.count) values for \(columns) unknowns")
        }
        let n1 = columns + 1, nb = min(32, n1)
        var below = [Double](repeating: 0, count: n1 * n1)
        var k = 0
        for j in 0..<n1 {
            for i in 0...j {
                below[i + j * n1] = packed[k]
                k += 1
            }
        }
        var t = [Double](repeating: 0, count: nb * n1)
        let info = triangle.withUnsafeMutableBufferPointer { pr in
            below.withUnsafeMutableBufferPointer { pb in
                t.withUnsafeMutableBufferPointer { pt in
                    LAPACKE_dtpqrt(
                        LAPACK_COL_MAJOR, Int32(n1), Int32(n1), Int32(n1), Int32(nb), pr.baseAddress, Int32(n1),
                        pb.baseAddress, Int32(n1), pt.baseAddress, Int32(nb))
                }
            }
        }
        try checkLAPACK(info, routine: "dtpqrt") { .singular(index: $0) }
        rowCount += rows
    }
}
