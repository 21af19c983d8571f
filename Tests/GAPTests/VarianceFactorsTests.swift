import Atoms
import LinearAlgebra
import Support
import Testing

@testable import Descriptors
@testable import GAP

@Suite("Predictive variance")
struct VarianceFactorsTests {
    /// Batched variances equal k(q,q) − kᵀ(L Lᵀ)⁻¹k + kᵀ(RᵀR)⁻¹k evaluated one column at a time with
    /// dense solves, for two elements whose sparse points occupy separate blocks of k.
    @Test func batchedVariancesEqualTheDenseFormula() throws {
        var rng = SeededGenerator(seed: 11)
        let d = 4
        func unitRows(_ n: Int) -> Matrix {
            var m = Matrix(rows: n, columns: d)
            for i in 0..<n {
                let v = (0..<d).map { _ in rng.uniform() + 0.1 }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                for j in 0..<d { m[i, j] = v[j] / norm }
            }
            return m
        }
        let kernel = PolynomialKernel(delta: 0.7, zeta: 2)
        let models = [14: SparseModel(points: unitRows(3), alpha: [0, 0, 0]), 8: SparseModel(points: unitRows(2), alpha: [0, 0])]
        let order = [8, 14]
        var lower = Matrix(rows: 5, columns: 5), upper = Matrix(rows: 5, columns: 5)
        for i in 0..<5 {
            for j in 0...i { lower[i, j] = i == j ? 1 + rng.uniform() : rng.uniform() - 0.5 }
            for j in i..<5 { upper[i, j] = i == j ? 1 + rng.uniform() : rng.uniform() - 0.5 }
        }
        lower[2, 0] = 0
        lower[2, 1] = 0
        lower[3, 0] = 0
        lower[3, 1] = 0
        lower[4, 0] = 0
        lower[4, 1] = 0
        let factors = VarianceFactors(
            elements: order, lower: try .blocks(of: lower, orders: [2, 3]), upper: try ColumnMajorUpper(dense: upper))

        let queries = unitRows(4)
        let elements = [14, 8, 14, 8]
        var columns = Matrix(rows: 5, columns: 4)
        func kernelColumn(_ r: Int) -> Matrix {
            var k = Matrix(rows: 5, columns: 1)
            var offset = 0
            for z in order {
                let points = models[z]!.points
                if z == elements[r] {
                    for i in 0..<points.rows {
                        let t = (0..<d).reduce(0.0) { $0 + points[i, $1] * queries[r, $1] }
                        k[offset + i, 0] = kernel.delta * kernel.delta * t * t
                    }
                }
                offset += points.rows
            }
            return k
        }
        for r in 0..<4 { for i in 0..<5 { columns[i, r] = kernelColumn(r)[i, 0] } }
        let batched = try factors.variances(columns: columns, prior: [Double](repeating: kernel.deltaSquared, count: 4))

        let kmm = try Matrix.product(lower, lower, transB: .transposed)
        let posterior = try Matrix.product(upper, upper, transA: .transposed)
        for r in 0..<4 {
            let k = kernelColumn(r)
            let explained = try Matrix.product(k, Matrix.solve(kmm, k), transA: .transposed)[0, 0]
            let gained = try Matrix.product(k, Matrix.solve(posterior, k), transA: .transposed)[0, 0]
            let expected = kernel.delta * kernel.delta - explained + gained
            #expect(expected > 0)
            #expect(abs(batched[r] - expected) < 1e-12 * max(1, abs(expected)))
        }
    }
}
