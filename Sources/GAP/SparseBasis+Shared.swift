import LinearAlgebra
import Support

extension SparseBasis {
    /// The sparse basis of a fit on several ranks, the same on every rank: rank 0 chooses the SOAP sparse points
    /// from every rank's `candidates` (gathered on it) and broadcasts them; each rank then builds the basis from
    /// those points and the 2- and 3-body terms' `instances` (which every rank holds), exactly as rank 0 does.
    /// On one rank it is `SparseBasis.init`.
    /// - Throws: `GAPError` for bad sparse settings or K_MM (on every rank), `.distributed` when a message fails.
    static func shared(
        candidates: [Int: Matrix], elements: [Int], terms: [GeometricTermSettings],
        instances: [(values: Matrix, weights: [Double])], columns: Int, settings: FitSettings, communicator c: any Communicator
    ) throws(GAPError) -> SparseBasis {
        let chosen = try c.agreeing { () throws(GAPError) -> SparseBasis? in
            guard c.isRoot else { return nil }
            return try SparseBasis(
                candidates: candidates, elements: elements, terms: terms, instances: instances, settings: settings)
        }
        if c.size == 1, let chosen { return chosen }
        var points = [Int: Matrix]()
        for z in elements {
            let values = try c.collective { () throws(DistributedError) in
                try c.broadcast(chosen?.points[z]?.elements ?? [], root: 0)
            }
            guard !values.isEmpty else { continue }
            do { points[z] = try Matrix(rows: values.count / columns, columns: columns, elements: values) } catch {
                throw .solver(stage: "sharing the sparse points", error)
            }
        }
        return try c.agreeing { () throws(GAPError) in
            if let chosen { return chosen }
            // The broadcast points are the candidates, every one of them chosen.
            var given = settings
            given.sparseMethod = .indices([])
            given.sparseIndices = points.mapValues { Array(0..<$0.rows) }
            return try SparseBasis(candidates: points, elements: elements, terms: terms, instances: instances, settings: given)
        }
    }
}
