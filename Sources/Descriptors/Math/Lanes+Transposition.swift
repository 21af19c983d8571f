internal import CShuffles

extension SIMD8 where Scalar == Double {
    /// Writes the transpose of the 8 × 8 matrix whose first `count` (at most 8) rows are the eight doubles at `rows`,
    /// `rows + rowStride`, … (the rows from `count` on taken as zeros, and not read): column j's eight doubles to
    /// `columns + j · columnStride`. In registers, three rounds of lane shuffles (24 on AVX-512), where a transposition
    /// element by element is 64 scalar copies or, as the compiler vectorizes it, scatters.
    @inline(__always)
    static func transpose(
        rows: UnsafePointer<Double>, rowStride: Int, count: Int, into columns: UnsafeMutablePointer<Double>,
        columnStride: Int
    ) {
        assert(count <= scalarCount, "an 8 × 8 transposition has at most 8 rows")
        func row(_ i: Int) -> Self { i < count ? Self(loading: rows + i * rowStride) : Self() }
        let r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3), r4 = row(4), r5 = row(5), r6 = row(6), r7 = row(7)
        // Rows paired lane by lane: a0 = r0[0] r1[0] r0[2] r1[2] …
        let a0 = swiftgap_interleave_even(r0, r1), a1 = swiftgap_interleave_odd(r0, r1)
        let a2 = swiftgap_interleave_even(r2, r3), a3 = swiftgap_interleave_odd(r2, r3)
        let a4 = swiftgap_interleave_even(r4, r5), a5 = swiftgap_interleave_odd(r4, r5)
        let a6 = swiftgap_interleave_even(r6, r7), a7 = swiftgap_interleave_odd(r6, r7)
        // Pairs of rows paired by pairs of lanes: b0 = columns 0 and 4 of rows 0…3, b2 = columns 2 and 6.
        let b0 = swiftgap_even_pairs(a0, a2), b1 = swiftgap_even_pairs(a1, a3)
        let b2 = swiftgap_odd_pairs(a0, a2), b3 = swiftgap_odd_pairs(a1, a3)
        let b4 = swiftgap_even_pairs(a4, a6), b5 = swiftgap_even_pairs(a5, a7)
        let b6 = swiftgap_odd_pairs(a4, a6), b7 = swiftgap_odd_pairs(a5, a7)
        // Rows 0…3 and 4…7 joined: whole columns.
        swiftgap_even_pairs(b0, b4).store(to: columns)
        swiftgap_even_pairs(b1, b5).store(to: columns + columnStride)
        swiftgap_even_pairs(b2, b6).store(to: columns + 2 * columnStride)
        swiftgap_even_pairs(b3, b7).store(to: columns + 3 * columnStride)
        swiftgap_odd_pairs(b0, b4).store(to: columns + 4 * columnStride)
        swiftgap_odd_pairs(b1, b5).store(to: columns + 5 * columnStride)
        swiftgap_odd_pairs(b2, b6).store(to: columns + 6 * columnStride)
        swiftgap_odd_pairs(b3, b7).store(to: columns + 7 * columnStride)
    }
}
