import Atoms
import LinearAlgebra
import Support
import Testing

private func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
    var rng = SeededGenerator(seed: seed)
    var m = Matrix(rows: rows, columns: cols)
    for k in m.elements.indices { m.elements[k] = rng.uniform() * 2 - 1 }
    return m
}

private func naiveProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
    var c = Matrix(rows: a.rows, columns: b.columns)
    for i in 0..<a.rows {
        for j in 0..<b.columns {
            var s = 0.0
            for k in 0..<a.columns { s += a[i, k] * b[k, j] }
            c[i, j] = s
        }
    }
    return c
}

/// A random symmetric positive-definite matrix B·Bᵀ + n·I.
private func randomSPD(_ n: Int, seed: UInt64) -> Matrix {
    let b = randomMatrix(n, n, seed: seed)
    return naiveProduct(b, b.transposed) + Matrix.identity(n)
}

@Suite("BLAS wrappers")
struct BLASTests {
    @Test(arguments: [(Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed)])
    func gemmMatchesNaiveProduct(ta: Transpose, tb: Transpose) throws {
        let a0 = randomMatrix(7, 5, seed: 1), b0 = randomMatrix(5, 4, seed: 2)
        let a = ta == .none ? a0 : a0.transposed
        let b = tb == .none ? b0 : b0.transposed
        var c = randomMatrix(7, 4, seed: 3)
        let c0 = c
        try Matrix.gemm(a, b, transA: ta, transB: tb, alpha: 2, beta: 0.5, into: &c)
        let expected = naiveProduct(a0, b0)
        for k in c.elements.indices {
            #expect(abs(c.elements[k] - (2 * expected.elements[k] + 0.5 * c0.elements[k])) < 1e-13)
        }
    }

    @Test func gemmRejectsMismatchedShapes() {
        var c = Matrix(rows: 2, columns: 2)
        #expect(throws: LinearAlgebraError.self) {
            try Matrix.gemm(Matrix(rows: 2, columns: 3), Matrix(rows: 2, columns: 2), into: &c)
        }
    }

    @Test func gemvAndSyrk() throws {
        let a = randomMatrix(6, 4, seed: 4)
        let x = [0.5, -1.0, 2.0, 0.25]
        let y = try a.times(x)
        for i in 0..<6 {
            let expected = (0..<4).reduce(0.0) { $0 + a[i, $1] * x[$1] }
            #expect(abs(y[i] - expected) < 1e-14)
        }
        let yt = try a.times([1, 2, 3, 4, 5, 6], .transposed)
        for j in 0..<4 {
            #expect(abs(yt[j] - (0..<6).reduce(0.0) { $0 + a[$1, j] * Double($1 + 1) }) < 1e-13)
        }
        let gram = Matrix.syrk(a, .transposed)
        let expected = naiveProduct(a.transposed, a)
        #expect((gram - expected).maxAbs < 1e-13)
        #expect((Matrix.syrk(a, .none) - naiveProduct(a, a.transposed)).maxAbs < 1e-13)
    }
}

@Suite("LAPACK wrappers")
struct LAPACKTests {
    @Test func choleskyFactorAndSolve() throws {
        let a = randomSPD(12, seed: 5)
        let chol = try Cholesky(a)
        #expect((naiveProduct(chol.lower, chol.lower.transposed) - a).maxAbs < 1e-12)
        for i in 0..<12 { for j in (i + 1)..<12 { #expect(chol.lower[i, j] == 0) } }
        let b = randomMatrix(12, 3, seed: 6)
        let x = try chol.solve(b)
        #expect((naiveProduct(a, x) - b).maxAbs < 1e-12)
        let v = try chol.solve(b.transposed.row(0))
        #expect(zip(v, x.transposed.row(0)).allSatisfy { abs($0 - $1) < 1e-13 })
    }

    @Test func choleskyNamesTheFailingMinor() throws {
        // Leading 1×1 minor is fine; the 2×2 minor has determinant 1 − 4 < 0.
        let a = try Matrix([[1, 2, 0], [2, 1, 0], [0, 0, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) { try Cholesky(a) }
    }

    @Test func nanInputIsAnIllegalArgument() throws {
        var a = Matrix.identity(3)
        a[1, 1] = .nan
        #expect {
            try Cholesky(a)
        } throws: { error in
            if case .illegalArgument(routine: "dpotrf", _) = error as? LinearAlgebraError { return true }
            return false
        }
    }

    @Test func leastSquaresFitsALine() throws {
        // y = 2 + 3x exactly, over-determined.
        let xs = [0.0, 1, 2, 3, 4]
        let a = try Matrix(xs.map { [1, $0] })
        let coefficients = try Matrix.leastSquares(a, xs.map { 2 + 3 * $0 })
        #expect(abs(coefficients[0] - 2) < 1e-13)
        #expect(abs(coefficients[1] - 3) < 1e-13)
    }

    @Test func leastSquaresResidualIsOrthogonalToColumns() throws {
        let a = randomMatrix(40, 7, seed: 7), b = randomMatrix(40, 2, seed: 8)
        let x = try Matrix.leastSquares(a, b)
        let residual = naiveProduct(a, x) - b
        #expect(naiveProduct(a.transposed, residual).maxAbs < 1e-12)
    }

    @Test func rankDeficientLeastSquaresIsSingular() throws {
        let a = try Matrix([[1, 2], [2, 4], [3, 6]])
        #expect {
            try Matrix.leastSquares(a, [1, 2, 3])
        } throws: { error in
            if case .rankDeficient(column: 1, _) = error as? LinearAlgebraError { return true }
            return false
        }
    }

    @Test func generalSolve() throws {
        let a = try Matrix([[0, 2], [3, 1]])
        let x = try Matrix.solve(a, Matrix(rows: 2, columns: 1, elements: [4, 5]))
        #expect(abs(x[0, 0] - 1) < 1e-15 && abs(x[1, 0] - 2) < 1e-15)
        let singular = try Matrix([[1, 2], [2, 4]])
        #expect(throws: LinearAlgebraError.singular(index: 2)) {
            try Matrix.solve(singular, Matrix(rows: 2, columns: 1, elements: [1, 1]))
        }
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func triangularSolveWithManyRightHandSides(upper: Bool, transposed: Bool) throws {
        var t = randomMatrix(5, 5, seed: 7)
        for i in 0..<5 {
            t[i, i] += 3
            for j in 0..<5 where upper ? j < i : j > i { t[i, j] = 0 }
        }
        let b = randomMatrix(5, 3, seed: 8)
        let x = try t.solveTriangular(b, upper: upper, transposed: transposed)
        let back = naiveProduct(transposed ? t.transposed : t, x)
        for k in b.elements.indices { #expect(abs(back.elements[k] - b.elements[k]) < 1e-13) }
        var singular = t
        singular[2, 2] = 0
        #expect(throws: LinearAlgebraError.singular(index: 3)) { try singular.solveTriangular(b, upper: upper) }
    }

    @Test func symmetricEigenKnownCase() throws {
        let eigen = try SymmetricEigen(Matrix([[2, 1], [1, 2]]))
        #expect(abs(eigen.values[0] - 1) < 1e-15 && abs(eigen.values[1] - 3) < 1e-15)
        let v = eigen.vectors
        #expect(abs(abs(v[0, 0]) - 0.5.squareRoot()) < 1e-15)
    }

    @Test func symmetricEigenReconstructs() throws {
        let a = randomSPD(9, seed: 9) - Matrix.identity(9) * 3
        let eigen = try SymmetricEigen(a)
        #expect(zip(eigen.values, eigen.values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect((eigen.applying { $0 } - a).maxAbs < 1e-12)
        #expect((naiveProduct(eigen.vectors.transposed, eigen.vectors) - .identity(9)).maxAbs < 1e-13)
    }

    @Test func inverseSquareRootOrthonormalises() throws {
        let s = randomSPD(8, seed: 10)
        let x = try s.inverseSquareRoot()
        #expect((naiveProduct(naiveProduct(x, s), x) - .identity(8)).maxAbs < 1e-12)
        #expect((x - x.transposed).maxAbs < 1e-14)
    }

    @Test func inverseSquareRootRejectsIndefinite() throws {
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2], [2, 1]]).inverseSquareRoot() }
    }

    @Test func matrixConstructionChecksShape() {
        #expect(throws: LinearAlgebraError.self) { try Matrix(rows: 2, columns: 2, elements: [1, 2, 3]) }
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2], [3]]) }
    }
}

extension Matrix {
    static func * (m: Matrix, s: Double) -> Matrix {
        var out = m
        for k in out.elements.indices { out.elements[k] *= s }
        return out
    }
}

@Suite("Incremental least squares")
struct IncrementalLeastSquaresTests {
    @Test func blockwiseEqualsOneShotQR() throws {
        let n = 12
        let regulariser = try Cholesky(randomSPD(n, seed: 20)).lower.transposed
        let a = randomMatrix(100, n, seed: 21)
        var rng = SeededGenerator(seed: 22)
        let b = (0..<100).map { _ in rng.uniform() - 0.5 }
        var solver = try IncrementalLeastSquares(initial: regulariser)
        for start in stride(from: 0, to: 100, by: 37) {
            let end = min(start + 37, 100)
            let rows = try Matrix(rows: end - start, columns: n, elements: Array(a.elements[(start * n)..<(end * n)]))
            try solver.add(rows: rows, rhs: Array(b[start..<end]))
        }
        #expect(solver.rowCount == 100)
        // The same problem stacked: [Lᵀ; A] x ≈ [0; b].
        let stacked = try Matrix(rows: n + 100, columns: n, elements: regulariser.elements + a.elements)
        let rhs = [Double](repeating: 0, count: n) + b
        let expected = try Matrix.leastSquares(stacked, rhs)
        let x = try solver.solve()
        #expect(zip(x, expected).allSatisfy { abs($0 - $1) < 1e-11 })
        let residual = try stacked.times(x)
        let norm = zip(residual, rhs).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        #expect(abs(solver.residualNorm - norm) < 1e-10)
        #expect(try solver.reciprocalCondition() > 1e-6)
    }

    @Test func columnMajorBlocksAndTransposedStartAgreeWithRowBlocks() throws {
        let n = 9
        let lower = try Cholesky(randomSPD(n, seed: 30)).lower
        let a = randomMatrix(40, n, seed: 31)
        let b = (0..<40).map { Double($0 % 7) - 3 }
        var rows = try IncrementalLeastSquares(initial: lower.transposed)
        try rows.add(rows: a, rhs: b)
        var columns = try IncrementalLeastSquares(transposeOf: lower)
        var block = [Double](repeating: 0, count: 40 * (n + 1))
        for i in 0..<40 {
            for j in 0..<n { block[i + j * 40] = a[i, j] }
            block[i + n * 40] = b[i]
        }
        try columns.add(columnMajor: &block, rows: 40)
        #expect(zip(try rows.solve(), try columns.solve()).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(abs(rows.residualNorm - columns.residualNorm) < 1e-12)
        var short = [Double](repeating: 0, count: 5)
        #expect(throws: LinearAlgebraError.self) { try columns.add(columnMajor: &short, rows: 1) }
    }

    @Test func nearlySingularProblemsReportAPoorCondition() throws {
        var solver = try IncrementalLeastSquares(initial: Matrix(rows: 2, columns: 2))
        try solver.add(rows: try Matrix([[1, 1], [1, 1 + 1e-14]]), rhs: [1, 1])
        #expect(try solver.reciprocalCondition() < 1e-12)
    }
}

@Suite("Merged least-squares triangles")
struct TriangleMergeTests {
    /// Rows folded on two "ranks" (one starting from the regulariser, one from zero) and merged give the
    /// solution and residual of folding them all in one triangle.
    @Test func mergedTrianglesSolveTheWholeProblem() throws {
        let n = 10
        let lower = try Cholesky(randomSPD(n, seed: 40)).lower
        let a = randomMatrix(60, n, seed: 41)
        let b = (0..<60).map { Double(($0 * 37) % 11) - 5 }
        var whole = try IncrementalLeastSquares(transposeOf: lower)
        try whole.add(rows: a, rhs: b)
        var first = try IncrementalLeastSquares(transposeOf: lower)
        var second = IncrementalLeastSquares(zeroColumns: n)
        let top = try Matrix(rows: 25, columns: n, elements: Array(a.elements[0..<(25 * n)]))
        let bottom = try Matrix(rows: 35, columns: n, elements: Array(a.elements[(25 * n)...]))
        try first.add(rows: top, rhs: Array(b[0..<25]))
        try second.add(rows: bottom, rhs: Array(b[25...]))
        // Blocks of a few rows, and one block of every row: the same solution.
        var blockwise = first
        for rows in second.rowBlocks(values: 20) { try first.fold(rowBlock: second.rowBlock(rows), rows: rows) }
        first.addRowCount(second.rowCount)
        let all = 0..<(n + 1)
        try blockwise.fold(rowBlock: second.rowBlock(all), rows: all)
        #expect(second.rowBlocks(values: 20).count > 2)
        #expect(first.rowCount == 60)
        #expect(zip(try first.solve(), try whole.solve()).allSatisfy { abs($0 - $1) < 1e-11 })
        #expect(zip(try blockwise.solve(), try whole.solve()).allSatisfy { abs($0 - $1) < 1e-11 })
        #expect(abs(first.residualNorm - whole.residualNorm) < 1e-11)
        #expect(throws: LinearAlgebraError.self) { try first.fold(rowBlock: [1, 2, 3], rows: 0..<2) }
        var nan = second.rowBlock(0..<2)
        nan[0] = .nan
        #expect(throws: LinearAlgebraError.self) { try first.fold(rowBlock: nan, rows: 0..<2) }
    }
}

@Suite("Block-diagonal and column-major triangles")
struct TriangularStorageTests {
    /// Cholesky factors of orders 3, 5, 1 and 4, and the dense 13 × 13 matrix with them down its diagonal.
    static func blocks() throws -> (BlockDiagonalLower, Matrix) {
        let blocks = try [3, 5, 1, 4].enumerated().map { k, n in try Cholesky(randomSPD(n, seed: 40 + UInt64(k))).lower }
        var dense = Matrix(rows: 13, columns: 13), offset = 0
        for block in blocks {
            for i in 0..<block.rows { for j in 0..<block.rows { dense[offset + i, offset + j] = block[i, j] } }
            offset += block.rows
        }
        return (try BlockDiagonalLower(blocks: blocks), dense)
    }

    @Test func blockSolvesAndEntriesAgreeWithTheDenseMatrix() throws {
        let (lower, dense) = try Self.blocks()
        #expect(lower.order == 13 && lower.offsets == [0, 3, 8, 9] && lower.blockOrders == [3, 5, 1, 4])
        #expect(lower.storedCount == 9 + 25 + 1 + 16)
        for i in 0..<13 { for j in 0..<13 { #expect(lower[i, j] == dense[i, j]) } }
        let b = randomMatrix(13, 7, seed: 50)
        let x = try lower.solve(b)
        #expect((x - (try dense.solveTriangular(b, upper: false))).maxAbs < 1e-12)
        #expect((naiveProduct(dense, x) - b).maxAbs < 1e-12)
        #expect(throws: LinearAlgebraError.self) { try lower.solve(randomMatrix(12, 2, seed: 51)) }
        #expect(throws: LinearAlgebraError.self) { try BlockDiagonalLower(blocks: [Matrix(rows: 2, columns: 3)]) }
        let singular = try BlockDiagonalLower(blocks: [.identity(2), Matrix(rows: 2, columns: 2)])
        #expect(throws: LinearAlgebraError.singular(index: 3)) { try singular.solve(randomMatrix(4, 1, seed: 52)) }
    }

    @Test func aTriangleStartedFromBlocksEqualsOneStartedFromTheDenseFactor() throws {
        let (lower, dense) = try Self.blocks()
        var fromBlocks = IncrementalLeastSquares(transposeOf: lower)
        var fromDense = try IncrementalLeastSquares(transposeOf: dense)
        let a = randomMatrix(30, 13, seed: 53)
        let b = (0..<30).map { Double($0 % 5) - 2 }
        try fromBlocks.add(rows: a, rhs: b)
        try fromDense.add(rows: a, rhs: b)
        #expect(try fromBlocks.solve() == fromDense.solve())
        #expect(fromBlocks.upperFactor() == fromDense.upperFactor())
    }

    @Test func theHandedOverFactorSolvesAndPacksLikeTheDenseTriangle() throws {
        var solver = try IncrementalLeastSquares(initial: .identity(6))
        try solver.add(rows: randomMatrix(20, 6, seed: 54), rhs: (0..<20).map(Double.init))
        let upper = solver.upperFactor()
        #expect(upper.order == 6 && upper.leadingDimension == 7 && upper.storage.count == 49)
        var dense = Matrix(rows: 6, columns: 6)
        for i in 0..<6 { for j in 0..<6 { dense[i, j] = upper[i, j] } }
        #expect((0..<6).allSatisfy { i in (0..<i).allSatisfy { dense[i, $0] == 0 } })
        let b = randomMatrix(6, 3, seed: 55)
        let x = try upper.solveTransposed(b)
        #expect((x - (try dense.solveTriangular(b, upper: true, transposed: true))).maxAbs < 1e-12)
        var packed = [Double]()
        upper.forEachColumn { packed += $0 }
        #expect(packed == (0..<6).flatMap { j in (0...j).map { dense[$0, j] } })
        let copy = try ColumnMajorUpper(order: 6, leadingDimension: 6, storage: dense.transposed.elements)
        #expect(copy == upper)
        #expect(throws: LinearAlgebraError.self) { try ColumnMajorUpper(order: 6, leadingDimension: 5, storage: packed) }
    }
}
