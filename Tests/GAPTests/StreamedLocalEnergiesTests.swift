import LinearAlgebra
import Support
import Testing

@testable import GAP

/// The one-pass local energies of a few rows (`PolynomialKernel.localEnergies(of:points:alpha:)`) equal the
/// two-product route (T = Q Xᵀ through `dgemm`, the kernel, then T X).
@Suite("Streamed SOAP local energies")
struct StreamedLocalEnergiesTests {
    static func random(_ rows: Int, _ columns: Int, _ rng: inout SeededGenerator) -> Matrix {
        var a = Matrix(rows: rows, columns: columns)
        for k in a.elements.indices { a.elements[k] = rng.uniform() }
        return a
    }

    @Test("equal to the matrix-product route", arguments: [(1, 4.0), (3, 4.0), (8, 2.0), (5, 2.5)])
    func streamedEqualsProducts(_ c: (rows: Int, zeta: Double)) throws {
        var rng = SeededGenerator(seed: UInt64(c.rows * 10 + Int(c.zeta * 2)))
        // 101 features: not a whole number of vectors; positive entries, so that ζ = 2.5 has real powers.
        let q = Self.random(c.rows, 101, &rng), x = Self.random(37, 101, &rng)
        let alpha = (0..<37).map { _ in rng.uniform() - 0.5 }
        let kernel = PolynomialKernel(delta: 0.7, zeta: c.zeta)
        let (energies, gradients) = kernel.localEnergies(of: q, points: x, alpha: alpha)
        var t = try Matrix.product(q, x, transB: .transposed)
        let expected = kernel.localEnergies(replacingByGradientCoefficients: &t, alpha: alpha)
        let w = try Matrix.product(t, x)
        let scaleE = expected.map(abs).max()!, scaleG = w.elements.map(abs).max()!
        #expect(zip(energies, expected).allSatisfy { abs($0 - $1) <= 1e-13 * scaleE })
        #expect(gradients.rows == c.rows && gradients.columns == 101)
        #expect(zip(gradients.elements, w.elements).allSatisfy { abs($0 - $1) <= 1e-13 * scaleG })
    }
}
