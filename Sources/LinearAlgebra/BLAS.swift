import CLapack

/// Whether an operand enters a product as itself or transposed.
public enum Transpose: Sendable {
    case none, transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Matrix {
    /// C ← alpha · op(A) · op(B) + beta · C (BLAS dgemm).
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when the shapes do not fit.
    public static func gemm(
        _ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none,
        alpha: Double = 1, beta: Double = 0, into c: inout Matrix
    ) throws(LinearAlgebraError) {
        let (m, n, k) = try shape(a, b, transA: transA, transB: transB, c: (c.rows, c.columns))
        multiply(a, b, transA: transA, transB: transB, alpha: alpha, beta: beta, into: &c, m: m, n: n, k: k)
    }

    /// The sizes m, n, k of op(A) · op(B) (m × k times k × n), checked against each other and against C's shape
    /// when given.
    /// - Throws: `LinearAlgebraError.dimensionMismatch` when they do not fit.
    private static func shape(
        _ a: Matrix, _ b: Matrix, transA: Transpose, transB: Transpose, c: (rows: Int, columns: Int)?
    ) throws(LinearAlgebraError) -> (m: Int, n: Int, k: Int) {
        let (m, k) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        let (cRows, cColumns) = c ?? (m, n)
        guard k == kb, cRows == m, cColumns == n else {
            throw .dimensionMismatch(
                operation: "gemm", detail: "op(A) \(m)×\(k), op(B) \(kb)×\(n), C \(cRows)×\(cColumns)")
        }
        return (m, n, k)
    }

    /// dgemm on operands whose shapes the caller has checked (or built to fit): op(A) m × k, op(B) k × n, C m × n.
    private static func multiply(
        _ a: Matrix, _ b: Matrix, transA: Transpose, transB: Transpose, alpha: Double, beta: Double,
        into c: inout Matrix, m: Int, n: Int, k: Int
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            for i in c.elements.indices { c.elements[i] *= beta }
            return
        }
        c.elements.withUnsafeMutableBufferPointer { pc in
            multiply(a, b, transA: transA, transB: transB, alpha: alpha, beta: beta, into: pc.baseAddress!, m: m, n: n, k: k)
        }
    }

    /// dgemm into `c` (m × n, row-major; not read when `beta` is 0), with m, n, k > 0.
    private static func multiply(
        _ a: Matrix, _ b: Matrix, transA: Transpose, transB: Transpose, alpha: Double, beta: Double,
        into c: UnsafeMutablePointer<Double>, m: Int, n: Int, k: Int
    ) {
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                cblas_dgemm(
                    CblasRowMajor, transA.cblas, transB.cblas, Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress,
                    Int32(max(1, a.columns)), pb.baseAddress, Int32(max(1, b.columns)), beta, c, Int32(n))
            }
        }
    }

    /// op(A) · op(B) as a new matrix.
    public static func product(
        _ a: Matrix, _ b: Matrix, transA: Transpose = .none, transB: Transpose = .none
    ) throws(LinearAlgebraError) -> Matrix {
        let (m, n, k) = try shape(a, b, transA: transA, transB: transB, c: nil)
        guard m > 0, n > 0, k > 0 else { return Matrix(rows: m, columns: n) }
        // dgemm with β = 0 sets every entry of C without reading it, so C is not zero-filled first (a prediction's
        // products are hundreds of kB a call).
        let elements = [Double](unsafeUninitializedCapacity: m * n) { buffer, count in
            multiply(a, b, transA: transA, transB: transB, alpha: 1, beta: 0, into: buffer.baseAddress!, m: m, n: n, k: k)
            count = m * n
        }
        return try Matrix(rows: m, columns: n, elements: elements)
    }

    /// A · Bᵀ for two matrices of the same shape n × k, as a new n × n matrix: their shapes fit by
    /// construction, so (unlike `product`) this cannot fail.
    public static func productWithTranspose(_ a: Matrix, ofSameShape b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "productWithTranspose needs operands of one shape")
        var c = Matrix(rows: a.rows, columns: a.rows)
        multiply(a, b, transA: .none, transB: .transposed, alpha: 1, beta: 0, into: &c, m: a.rows, n: a.rows, k: a.columns)
        return c
    }

    /// y ← alpha · op(A) · x + beta · y (BLAS dgemv).
    public static func gemv(
        _ a: Matrix, _ trans: Transpose = .none, _ x: [Double], alpha: Double = 1, beta: Double = 0,
        into y: inout [Double]
    ) throws(LinearAlgebraError) {
        let (m, n) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        guard x.count == n, y.count == m else {
            throw .dimensionMismatch(operation: "gemv", detail: "op(A) \(m)×\(n), x \(x.count), y \(y.count)")
        }
        guard m > 0 else { return }
        if n == 0 {
            for i in y.indices { y[i] *= beta }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(
                        CblasRowMajor, trans.cblas, Int32(a.rows), Int32(a.columns), alpha, pa.baseAddress,
                        Int32(max(1, a.columns)), px.baseAddress, 1, beta, py.baseAddress, 1)
                }
            }
        }
    }

    /// op(A) · x as a new vector.
    public func times(_ x: [Double], _ trans: Transpose = .none) throws(LinearAlgebraError) -> [Double] {
        var y = [Double](repeating: 0, count: trans == .none ? rows : columns)
        try Matrix.gemv(self, trans, x, into: &y)
        return y
    }

    /// The symmetric Gram matrix Aᵀ·A (`.transposed`) or A·Aᵀ (`.none`), both triangles filled (BLAS dsyrk).
    public static func syrk(_ a: Matrix, _ trans: Transpose = .transposed, alpha: Double = 1) -> Matrix {
        let (n, k) = trans == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        var c = Matrix(rows: n, columns: n)
        guard n > 0, k > 0 else { return c }
        a.elements.withUnsafeBufferPointer { pa in
            c.elements.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(
                    CblasRowMajor, CblasUpper, trans.cblas, Int32(n), Int32(k), alpha, pa.baseAddress,
                    Int32(max(1, a.columns)), 0, pc.baseAddress, Int32(n))
            }
        }
        c.symmetriseFromUpper()
        return c
    }

    /// Copies the upper triangle into the lower one.
    mutating func symmetriseFromUpper() {
        for i in 0..<rows {
            for j in 0..<i { elements[i * columns + j] = elements[j * columns + i] }
        }
    }
}
