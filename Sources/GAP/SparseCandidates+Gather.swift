import LinearAlgebra
import Support

extension SparseCandidates {
    /// Every rank's SOAP candidates of each element of `owners` (rows of `columns` features), in rank order —
    /// which is file order, the ranks holding contiguous shares — on the rank that owns the element and chooses
    /// its sparse points (the other ranks get none of it).
    /// - Throws: `GAPError.distributed` when a message fails.
    static func gathered(
        _ local: [Int: Matrix], owners: [(element: Int, rank: Int)], columns: Int, communicator c: any Communicator
    ) throws(GAPError) -> [Int: Matrix] {
        guard c.size > 1 else { return local }
        var mine = [Int: Matrix]()
        for (z, owner) in owners {
            let values = try c.collective { () throws(DistributedError) in
                try c.gather(local[z]?.elements ?? [], root: owner)
            }
            guard c.rank == owner, !values.isEmpty else { continue }
            mine[z] = try matrix(values, columns: columns, of: "SOAP candidates")
        }
        return mine
    }

    /// Every rank's instances of each 2- and 3-body term, in rank order, on every rank (a few numbers each: every
    /// rank chooses the terms' sparse points from them, as one process would).
    /// - Throws: `GAPError.distributed` when a message fails.
    static func gathered(
        _ local: [(values: Matrix, weights: [Double])], communicator c: any Communicator
    ) throws(GAPError) -> [(values: Matrix, weights: [Double])] {
        guard c.size > 1 else { return local }
        var all = [(values: Matrix, weights: [Double])]()
        for term in local {
            let values = try c.collective { () throws(DistributedError) in try c.allGather(term.values.elements) }
            let weights = try c.collective { () throws(DistributedError) in try c.allGather(term.weights) }
            all.append((try matrix(values, columns: term.values.columns, of: "2- and 3-body instances"), weights))
        }
        return all
    }

    /// `values` as rows of `columns` numbers; a failure names what was being gathered.
    static func matrix(_ values: [Double], columns: Int, of what: String) throws(GAPError) -> Matrix {
        do { return try Matrix(rows: columns == 0 ? 0 : values.count / columns, columns: columns, elements: values) } catch {
            throw .solver(stage: "gathering \(what)", error)
        }
    }
}
