import LinearAlgebra
import Testing

/// Operations whose shapes follow from their inputs, so they cannot fail.
@Suite("Shapes by construction")
struct ShapeByConstructionTests {
    @Test func columnVectorHasOneColumn() {
        let v = Matrix(column: [1, 2, 3])
        #expect(v.rows == 3 && v.columns == 1 && v.elements == [1, 2, 3])
        #expect(Matrix(column: []).rows == 0)
    }

    @Test func selectingRowsKeepsTheirOrder() throws {
        let a = try Matrix([[1, 2], [3, 4], [5, 6]])
        #expect(a.selectingRows([2, 0, 2]) == (try Matrix([[5, 6], [1, 2], [5, 6]])))
        #expect(a.selectingRows([]).rows == 0 && a.selectingRows([]).columns == 2)
    }

    @Test func productWithTransposeEqualsTheCheckedProduct() throws {
        let a = try Matrix([[1, 2, 3], [4, 5, 6]])
        let b = try Matrix([[0.5, -1, 2], [3, 0, 1]])
        #expect(Matrix.productWithTranspose(a, ofSameShape: b) == (try Matrix.product(a, b, transB: .transposed)))
        #expect(Matrix.productWithTranspose(Matrix(rows: 0, columns: 0), ofSameShape: Matrix(rows: 0, columns: 0)).rows == 0)
    }

    @Test func spectralFunctionsOfEmptyAndSmallMatrices() throws {
        #expect(try SymmetricEigen(Matrix(rows: 0, columns: 0)).applying { $0 }.rows == 0)
        let a = try Matrix([[4, 1], [1, 3]])
        let square = try SymmetricEigen(a).applying { $0 * $0 }
        #expect((square - (try Matrix.product(a, a))).maxAbs < 1e-12)
    }
}
