import Foundation
import LinearAlgebra
import Support

extension SparseBasis {
    /// The rank that chooses the SOAP sparse points of each of `elements`: elements by decreasing atom count, each
    /// to the rank with the least work so far (CUR's cost grows as the square of the candidates), so that the
    /// elements' selections run side by side. Depends only on the data and the number of ranks.
    static func owners(elements: [Int], atoms: [Int: Int], ranks: Int) -> [(element: Int, rank: Int)] {
        var load = [Double](repeating: 0, count: max(ranks, 1)), owner = [Int: Int]()
        for z in elements.sorted(by: { (atoms[$0] ?? 0, $1) > (atoms[$1] ?? 0, $0) }) {
            let r = load.indices.min { (load[$0], $0) < (load[$1], $1) } ?? 0
            owner[z] = r
            load[r] += pow(Double(atoms[z] ?? 0), 2)
        }
        return elements.map { ($0, owner[$0] ?? 0) }
    }

    /// The sparse basis of a fit on several ranks, the same on every rank, and the chosen candidates of each
    /// element (indices among its atoms in file order). Each element's owner (`owners`) chooses its SOAP sparse
    /// points from every rank's candidates of it (gathered on the owner) and broadcasts them; every rank then
    /// builds the basis from those points and the 2- and 3-body terms' `instances` (which every rank holds), as
    /// one process would. On one rank it is `SparseBasis.init`.
    /// - Throws: `GAPError` for bad sparse settings or K_MM (on every rank), `.distributed` when a message fails.
    static func shared(
        candidates: [Int: Matrix], owners: [(element: Int, rank: Int)], terms: [GeometricTermSettings],
        instances: [(values: Matrix, weights: [Double])], columns: Int, settings: FitSettings, communicator c: any Communicator
    ) throws(GAPError) -> (basis: SparseBasis, indices: [Int: [Int]]) {
        let elements = owners.map(\.element)
        guard c.size > 1 else {
            let basis = try SparseBasis(
                candidates: candidates, elements: elements, terms: terms, instances: instances, settings: settings)
            return (basis, basis.indices)
        }
        // Each owner's choice: the indices, then their rows.
        let choices = try c.agreeing { () throws(GAPError) -> [Int: [Double]] in
            var choices = [Int: [Double]]()
            for (z, owner) in owners where owner == c.rank {
                guard let x = candidates[z] else { continue }
                let chosen = try settings.sparseIndices(of: z, among: x)
                choices[z] = chosen.map(Double.init) + x.selectingRows(chosen).elements
            }
            return choices
        }
        var points = [Int: Matrix](), indices = [Int: [Int]]()
        for (z, owner) in owners {
            let choice = try c.collective { () throws(DistributedError) in try c.broadcast(choices[z] ?? [], root: owner) }
            guard !choice.isEmpty else { continue }
            let count = choice.count / (columns + 1)
            indices[z] = choice[..<count].map { Int($0) }
            do { points[z] = try Matrix(rows: count, columns: columns, elements: Array(choice[count...])) } catch {
                throw .solver(stage: "sharing the sparse points", error)
            }
        }
        // The broadcast points are the candidates, every one of them chosen.
        var given = settings
        given.sparseMethod = .indices([])
        given.sparseIndices = points.mapValues { Array(0..<$0.rows) }
        let basis = try c.agreeing { () throws(GAPError) in
            try SparseBasis(candidates: points, elements: elements, terms: terms, instances: instances, settings: given)
        }
        return (basis, indices)
    }
}
