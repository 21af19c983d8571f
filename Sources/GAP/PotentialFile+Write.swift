import Archive
import Atoms
import Foundation
import LinearAlgebra

extension GAPPotential {
    /// Writes the potential as an `.npz` archive (numpy-readable): `metadata` (JSON text), for the SOAP term
    /// per element Z `sparse_Z` [M, D] and `alpha_Z` [M], for the 2- and 3-body term K `term_K_sparse` [M, D],
    /// `term_K_cutoff` [M] and `term_K_alpha` [M], and, when present, `variance_elements`, `variance_lower` and
    /// `variance_upper` (packed triangles, row-major), with `fit` recorded in the metadata. Written atomically.
    public func write(to path: String, fit: FitRecord, codeVersion: String) throws {
        let metadata = PotentialMetadata(describing: self, fit: fit, codeVersion: codeVersion)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var npz = NPZWriter()
        npz.add("metadata", text: String(decoding: try encoder.encode(metadata), as: UTF8.self))
        for (z, model) in (soap?.models ?? [:]).sorted(by: { $0.key < $1.key }) {
            npz.add("sparse_\(z)", model.points.elements, shape: [model.points.rows, model.points.columns])
            npz.add("alpha_\(z)", model.alpha, shape: [model.alpha.count])
        }
        for (k, term) in terms.enumerated() {
            let points = term.sparse.points
            npz.add("term_\(k)_sparse", points.elements, shape: [points.rows, points.columns])
            npz.add("term_\(k)_cutoff", term.sparse.weights, shape: [points.rows])
            npz.add("term_\(k)_alpha", term.alpha, shape: [points.rows])
        }
        if let variance {
            npz.add("variance_elements", variance.elements, shape: [variance.elements.count])
            npz.add("variance_lower", Self.packLower(variance.lower), shape: [variance.lower.rows * (variance.lower.rows + 1) / 2])
            npz.add(
                "variance_upper", Self.packLower(variance.upper.transposed),
                shape: [variance.upper.rows * (variance.upper.rows + 1) / 2])
        }
        try npz.write(to: path)
    }

    /// The lower triangle, row by row.
    static func packLower(_ m: Matrix) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(m.rows * (m.rows + 1) / 2)
        for i in 0..<m.rows { out += m.elements[(i * m.columns)...(i * m.columns + i)] }
        return out
    }
}
