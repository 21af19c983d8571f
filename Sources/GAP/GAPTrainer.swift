import Atoms
import Foundation
import LinearAlgebra
import Support

/// Fits a GAP: sparse kernel regression on energies, forces and virials, solved by a QR factorisation of
/// [Λ^{−1/2} K_NM ; Lᵀ] (L Lᵀ = K_MM + jitter) that is built configuration block by configuration block,
/// so neither K_NM nor the descriptor derivatives of the whole training set ever exist in memory.
///
/// The stages, each timed in the report: read and check data (`FitData`), descriptors
/// (`SparseCandidates`), sparse points and K_MM (`SparseBasis`), kernel rows and QR (`KernelRowStream`),
/// solve (`PotentialAssembly`).
///
/// On several ranks (a `Communicator`), every rank reads and checks all data, then takes a contiguous share of
/// the configurations, its parts of the `ReductionPlan` (balanced by observation rows): it describes its share, each element's candidates are
/// gathered on one rank, which chooses its sparse points (`SparseBasis.shared`: the elements' selections run
/// side by side, and every rank then holds the same basis), it folds
/// its parts' kernel rows into their triangles, the triangles are merged on rank 0 along the plan's fixed tree
/// (`TriangleReduction`; with `FitSettings.partitions` fixed, the weights do not depend on the number of ranks),
/// rank 0 solves and every rank gets the weights. Any rank's failure stops every rank with its message.
public enum GAPTrainer {
    /// A progress callback: stage, items done, items in total.
    public typealias Progress = @Sendable (_ stage: String, _ done: Int, _ total: Int) -> Void

    /// Fits a potential to `structures` (with `lines[k]` the line where configuration k starts, for
    /// messages; may be empty), on the ranks of `communicator` (every rank calls it with the same arguments and
    /// gets the potential; rank 0's alone holds the variance factors, and its report the whole fit's counts).
    /// `progress` hears about this rank's share.
    /// - Throws: `GAPError` for unusable data or settings, or a failed solve; `.distributed` when a rank failed.
    public static func fit(
        _ structures: [Structure], lines: [Int] = [], settings: FitSettings,
        communicator c: any Communicator = SingleProcess(), progress: Progress? = nil
    ) throws(GAPError) -> (potential: GAPPotential, report: FitReport) {
        try settings.validate()
        BLASThreads.set(1)
        var report = FitReport()
        var clock = Date()
        func lap(_ stage: String) {
            report.seconds.append((stage, Date().timeIntervalSince(clock)))
            clock = Date()
        }

        let data = try c.agreeing { () throws(GAPError) in try FitData(structures, lines: lines, settings: settings) }
        report.warnings += data.warnings
        let plan = ReductionPlan(
            rowCounts: data.observations.map(\.rowCount), parts: settings.partitions, ranks: c.size)
        let mine = Array(data.observations[plan.observations(ofRank: c.rank)])
        lap("read and check data")

        let (local, localInstances) = try c.agreeing { () throws(GAPError) in
            let candidates =
                try data.soap.map { soap throws(GAPError) in
                    try SparseCandidates.descriptors(of: mine, soap: soap, threads: settings.threads, progress: progress)
                } ?? [:]
            let instances = try SparseCandidates.instances(
                of: mine, terms: data.terms, threads: settings.threads, progress: progress)
            return (candidates, instances)
        }
        var atoms = [Int: Int]()
        for o in data.observations { for z in o.structure.atomicNumbers { atoms[z, default: 0] += 1 } }
        let owners = SparseBasis.owners(elements: data.elements, atoms: atoms, ranks: c.size)
        let columns = data.soap?.numberOfFeatures ?? 0
        let instances = try SparseCandidates.gathered(localInstances, communicator: c)
        lap("descriptors")

        let (basis, indices) = try SparseBasis.shared(
            local: local, owners: owners, terms: data.terms, instances: instances, columns: columns,
            settings: settings, communicator: c)
        report.termSparseIndices = basis.termIndices
        report.sparseIndices = indices
        lap("sparse points and K_MM")

        // Part 0's triangle starts from the regulariser Lᵀ, the others' from zero.
        let first = plan.observations(ofRank: c.rank).lowerBound
        let solver = try TriangleReduction.reduce(
            plan, columns: basis.total, communicator: c, threads: settings.threads,
            start: { p in
                p == 0 ? IncrementalLeastSquares(transposeOf: basis.lower) : IncrementalLeastSquares(zeroColumns: basis.total)
            },
            fold: { (p: Int, triangle: inout IncrementalLeastSquares) throws(GAPError) in
                let before = plan.parts[p].lowerBound - first, total = mine.count
                var partProgress: Progress?
                if let progress { partProgress = { stage, done, _ in progress(stage, before + done, total) } }
                _ = try KernelRowStream.fold(
                    Array(data.observations[plan.parts[p]]), soap: data.soap, basis: basis, settings: settings,
                    into: &triangle, progress: partProgress)
            })
        report.observations = solver?.rowCount ?? 0
        lap("kernel rows and QR")

        let potential = try PotentialAssembly.solve(
            solver, basis: basis, data: data, settings: settings, communicator: c, report: &report)
        lap("solve")
        return (potential, report)
    }
}
