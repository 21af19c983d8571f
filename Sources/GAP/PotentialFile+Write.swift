import Archive
import Atoms
import Foundation
import LinearAlgebra
import Support

extension GAPPotential {
    /// Writes the potential as an `.npz` archive (numpy-readable): `metadata` (JSON text), for the SOAP term
    /// per element Z `sparse_Z` [M, D] and `alpha_Z` [M], for the 2- and 3-body term K `term_K_sparse` [M, D],
    /// `term_K_cutoff` [M] and `term_K_alpha` [M], and, when present, `variance_elements`,
    /// `variance_lower_blocks` (the packed lower triangle of each block of L, row by row, the blocks in order)
    /// and `variance_upper` (the packed lower triangle of Rᵀ, row by row), with `fit` recorded in the metadata.
    /// The factors go to the file piece by piece, with no packed copy. Written atomically.
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
            let blocks = variance.lower.blocks
            npz.add("variance_lower_blocks", count: blocks.reduce(0) { $0 + $1.rows * ($1.rows + 1) / 2 }) {
                visit throws(AtomicFileError) in
                for block in blocks {
                    try block.elements.withUnsafeBufferPointer { p throws(AtomicFileError) in
                        for i in 0..<block.rows {
                            try visit(UnsafeBufferPointer(rebasing: p[(i * block.rows)...(i * block.rows + i)]))
                        }
                    }
                }
            }
            let upper = variance.upper
            npz.add("variance_upper", count: upper.order * (upper.order + 1) / 2) { visit throws(AtomicFileError) in
                try upper.forEachColumn(visit)
            }
        }
        try npz.write(to: path)
    }
}
