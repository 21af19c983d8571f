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
    /// element (indices among its atoms in file order), from each rank's own SOAP candidates `local`. Sparse
    /// selection sees every rank's candidates but gathers only what its method reads: for CUR and FPS each
    /// element's owner (`owners`) gathers the element's candidates, chooses and broadcasts the points; for random
    /// or given indices the ranks share only their counts, every rank computes the same indices and the chosen
    /// rows are gathered. Every rank then builds the basis from those points and the 2- and 3-body terms'
    /// `instances` (which every rank holds), as one process would. On one rank it is `SparseBasis.init`.
    /// - Throws: `GAPError` for bad sparse settings or K_MM (on every rank), `.distributed` when a message fails.
    static func shared(
        local: [Int: Matrix], owners: [(element: Int, rank: Int)], terms: [GeometricTermSettings],
        instances: [(values: Matrix, weights: [Double])], columns: Int, settings: FitSettings, communicator c: any Communicator
    ) throws(GAPError) -> (basis: SparseBasis, indices: [Int: [Int]]) {
        let elements = owners.map(\.element)
        guard c.size > 1 else {
            let basis = try SparseBasis(
                candidates: local, elements: elements, terms: terms, instances: instances, settings: settings)
            return (basis, basis.indices)
        }
        let (points, indices) =
            settings.sparseSelectionReadsDescriptors
            ? try chosenByOwners(local: local, owners: owners, columns: columns, settings: settings, communicator: c)
            : try chosenFromCounts(local: local, elements: elements, columns: columns, settings: settings, communicator: c)
        // The shared points are the candidates, every one of them chosen.
        var given = settings
        given.sparseMethod = .indices([])
        given.sparseIndices = points.mapValues { Array(0..<$0.rows) }
        let basis = try c.agreeing { () throws(GAPError) in
            try SparseBasis(candidates: points, elements: elements, terms: terms, instances: instances, settings: given)
        }
        return (basis, indices)
    }

    /// CUR and FPS: each element's owner gathers its candidates from every rank, chooses, and broadcasts the
    /// indices and points.
    private static func chosenByOwners(
        local: [Int: Matrix], owners: [(element: Int, rank: Int)], columns: Int, settings: FitSettings,
        communicator c: any Communicator
    ) throws(GAPError) -> (points: [Int: Matrix], indices: [Int: [Int]]) {
        let candidates = try SparseCandidates.gathered(local, owners: owners, columns: columns, communicator: c)
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
            points[z] = try SparseCandidates.matrix(Array(choice[count...]), columns: columns, of: "sparse points")
        }
        return (points, indices)
    }

    /// Random and given indices: the ranks share their candidate counts, every rank chooses the same indices
    /// among all of an element's candidates (file order: rank r's are the r-th contiguous run), and the chosen
    /// rows are gathered from the ranks that hold them.
    private static func chosenFromCounts(
        local: [Int: Matrix], elements: [Int], columns: Int, settings: FitSettings, communicator c: any Communicator
    ) throws(GAPError) -> (points: [Int: Matrix], indices: [Int: [Int]]) {
        var points = [Int: Matrix](), indices = [Int: [Int]]()
        for z in elements {
            let counts = try c.collective { () throws(DistributedError) in
                try c.allGather([Double(local[z]?.rows ?? 0)]).map { Int($0) }
            }
            let total = counts.reduce(0, +)
            guard total > 0 else { continue }
            let first = counts[..<c.rank].reduce(0, +)
            let mine = try c.agreeing { () throws(GAPError) -> [Double] in
                // Only the number of rows is read: the candidates as a matrix of no columns.
                let chosen = try settings.sparseIndices(of: z, among: Matrix(rows: total, columns: 0))
                indices[z] = chosen
                let own = chosen.filter { $0 >= first && $0 < first + counts[c.rank] }.map { $0 - first }
                return local[z].map { $0.selectingRows(own).elements } ?? []
            }
            let rows = try c.collective { () throws(DistributedError) in try c.allGather(mine) }
            points[z] = try SparseCandidates.matrix(rows, columns: columns, of: "sparse points")
        }
        return (points, indices)
    }
}
