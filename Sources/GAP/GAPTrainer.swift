import Atoms
import Foundation
import LinearAlgebra

/// Fits a GAP: sparse kernel regression on energies, forces and virials, solved by a QR factorisation of
/// [Λ^{−1/2} K_NM ; Lᵀ] (L Lᵀ = K_MM + jitter) that is built configuration block by configuration block,
/// so neither K_NM nor the descriptor derivatives of the whole training set ever exist in memory.
///
/// The stages, each timed in the report: read and check data (`FitData`), descriptors
/// (`SparseCandidates`), sparse points and K_MM (`SparseBasis`), kernel rows and QR (`KernelRowStream`),
/// solve (`PotentialAssembly`).
public enum GAPTrainer {
    /// A progress callback: stage, items done, items in total.
    public typealias Progress = @Sendable (_ stage: String, _ done: Int, _ total: Int) -> Void

    /// Fits a potential to `structures` (with `lines[k]` the line where configuration k starts, for
    /// messages; may be empty).
    /// - Throws: `GAPError` for unusable data or settings, or a failed solve.
    public static func fit(
        _ structures: [Structure], lines: [Int] = [], settings: FitSettings, progress: Progress? = nil
    ) throws(GAPError) -> (potential: GAPPotential, report: FitReport) {
        try settings.validate()
        BLASThreads.set(1)
        var report = FitReport()
        var clock = Date()
        func lap(_ stage: String) {
            report.seconds.append((stage, Date().timeIntervalSince(clock)))
            clock = Date()
        }

        let data = try FitData(structures, lines: lines, settings: settings)
        report.warnings += data.warnings
        lap("read and check data")

        let candidates =
            try data.soap.map { soap throws(GAPError) in
                try SparseCandidates.descriptors(of: data.observations, soap: soap, threads: settings.threads, progress: progress)
            } ?? [:]
        let instances = try SparseCandidates.instances(
            of: data.observations, terms: data.terms, threads: settings.threads, progress: progress)
        lap("descriptors")

        let basis = try SparseBasis(
            candidates: candidates, elements: data.elements, terms: data.terms, instances: instances, settings: settings)
        report.termSparseIndices = basis.termIndices
        report.sparseIndices = basis.indices
        var solver = IncrementalLeastSquares(transposeOf: basis.lower)
        lap("sparse points and K_MM")

        report.observations = try KernelRowStream.fold(
            data.observations, soap: data.soap, basis: basis, settings: settings,
            into: &solver, progress: progress)
        lap("kernel rows and QR")

        let potential = try PotentialAssembly.solve(solver, basis: basis, data: data, settings: settings, report: &report)
        lap("solve")
        return (potential, report)
    }
}
