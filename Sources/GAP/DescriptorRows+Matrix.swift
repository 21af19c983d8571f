import Descriptors
import LinearAlgebra

extension DescriptorRows {
    /// The descriptor rows `indices`, in that order, as a matrix (indices.count × D): what the kernel products
    /// with an element's sparse points take.
    func matrix(rows indices: [Int]) -> Matrix {
        let D = featureCount
        var q = Matrix(rows: indices.count, columns: D)
        for (k, r) in indices.enumerated() { q.elements.replaceSubrange((k * D)..<((k + 1) * D), with: row(r)) }
        return q
    }
}
