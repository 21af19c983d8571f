import Atoms
import Foundation
import LinearAlgebra
import Support

/// A fit's kernel rows kept to be solved again: the rows of the fitting configurations and of validation
/// configurations, not yet divided by σ, for one descriptor, kernel and sparse-point setting. Solving them
/// for other σ and δ gives the validation errors that `GAPTrainer.fit` with those σ and δ would give, in the
/// time of one QR instead of a fit — what `tune` tries σ and δ with.
///
/// δ scales every term's kernel: K = r² K₀ for r = δ / `settings.kernel.delta` (K_MM's factor is made again
/// for (r² K₀ + jitter)/r⁴, block by block; the rows stay as kept). Rows are held in memory: (fit + validation rows) × M doubles.
public struct KernelSystem: Sendable {
    /// Sparse points of all terms (columns of K_NM).
    public let columns: Int
    /// The δ the rows were computed with.
    public let delta: Double
    private let settings: FitSettings
    private let observations: [Observation]
    private let rows: [DesignRows]
    private let validationRows: [DesignRows]
    private let validationAtoms: [Int]
    private let lower: BlockDiagonalLower

    /// The kernel rows of `fit` and `validation` under `settings` (σ and the δ of later solves aside):
    /// descriptors and sparse points of `fit` as `GAPTrainer.fit` chooses them, e0 resolved on `fit` and
    /// applied to both.
    /// - Throws: `GAPError` as `GAPTrainer.fit` does, naming validation configurations by their index in
    ///   `validation`.
    public init(
        fit: [Structure], validation: [Structure], settings: FitSettings, progress: GAPTrainer.Progress? = nil
    ) throws(GAPError) {
        try settings.validate()
        BLASThreads.set(1)
        let data = try FitData(fit, lines: [], settings: settings)
        var checking = settings
        checking.e0 = .explicit(data.e0)
        checking.e0Offset = 0
        checking.sparseMethod = .indices([])  // validation configurations choose no sparse points
        let validationData = try FitData(validation, lines: [], settings: checking)
        let candidates =
            try data.soap.map { soap throws(GAPError) in
                try SparseCandidates.descriptors(
                    of: data.observations, soap: soap, threads: settings.threads, progress: progress)
            } ?? [:]
        let instances = try SparseCandidates.instances(
            of: data.observations, terms: data.terms, threads: settings.threads, progress: progress)
        let basis = try SparseBasis(
            candidates: candidates, elements: data.elements, terms: data.terms, instances: instances, settings: settings)
        func kernelRows(_ observations: [Observation]) throws(GAPError) -> [DesignRows] {
            let results = Parallel.map(observations.count, threads: settings.threads) { k in
                Result { () throws(GAPError) in
                    try KernelRowStream.kernelRows(observations[k], soap: data.soap, basis: basis, kernel: settings.kernel)
                }
            }
            var out = [DesignRows]()
            for r in results { out.append(try r.get()) }
            return out
        }
        rows = try kernelRows(data.observations)
        progress?("kernel rows", data.observations.count, data.observations.count)
        validationRows = try kernelRows(validationData.observations)
        validationAtoms = validationData.observations.map(\.structure.count)
        observations = data.observations
        lower = basis.lower
        columns = basis.total
        delta = settings.kernel.delta
        self.settings = settings
    }

    /// Rows of the fitting configurations.
    public var fitRowCount: Int { rows.reduce(0) { $0 + $1.targets.count } }

    /// The validation errors of the fit with σ `sigmas` (per atom for energies and virials, scaled by √N
    /// as in a fit; per-configuration σ keys and config-type σ as `settings` give them) and kernel scale `delta`.
    /// - Throws: `GAPError.solver` for a failed QR or solve.
    public func validationErrors(sigmas: Sigmas, delta newDelta: Double) throws(GAPError) -> ValidationErrors {
        // With K = r² K₀ the fit's weights α give predictions K₀ β for β = r² α, and β minimises
        // ‖Λ^{-1/2}(K₀ β − y)‖² + βᵀ (r² K₀ + jitter)/r⁴ β: the rows stay as kept, only L changes.
        var solver = IncrementalLeastSquares(transposeOf: try regulariser(newDelta / delta))
        let rowsPerFold = KernelRowStream.rowsPerFold(columns: columns)
        var start = 0
        while start < rows.count {
            var end = start, count = 0
            while end < rows.count && (count < rowsPerFold || end == start) {
                count += rows[end].targets.count
                end += 1
            }
            var rowSigmas = [[Double]]()
            for o in observations[start..<end] {
                rowSigmas.append(
                    DesignRows.sigmas(
                        of: try Observation(
                            o.structure, index: o.index, line: o.line, keys: settings.keys, defaults: sigmas,
                            configTypeSigmas: settings.configTypeSigmas, useVirials: settings.useVirials)))
            }
            var (block, blockRows) = KernelRowStream.columnMajorBlock(
                Array(rows[start..<end]), columns: columns, dividingBy: rowSigmas)
            do {
                try BLASThreads.withThreads(settings.threads) { () throws(LinearAlgebraError) in
                    try solver.add(columnMajor: &block, rows: blockRows)
                }
            } catch {
                throw .solver(stage: "QR update", error)
            }
            start = end
        }
        do { return errors(try solver.solve()) } catch { throw .solver(stage: "solve", error) }
    }

    /// L with L Lᵀ = (r² K₀ + jitter) / r⁴, block by block (K₀ + jitter = L₀ L₀ᵀ).
    private func regulariser(_ r: Double) throws(GAPError) -> BlockDiagonalLower {
        guard r != 1 else { return lower }
        var blocks = [Matrix]()
        let jitter = settings.jitter
        for (k, l) in lower.blocks.enumerated() {
            var kmm = Matrix.productWithTranspose(l, ofSameShape: l)
            for i in 0..<kmm.rows { kmm[i, i] -= jitter }
            kmm.elements = kmm.elements.map { $0 / (r * r) }
            blocks.append(
                try SparseBasis.choleskyFactor(of: kmm, term: "block \(k + 1) at δ × \(r)", jitter: jitter / (r * r * r * r)))
        }
        do { return try BlockDiagonalLower(blocks: blocks) } catch { throw .solver(stage: "scaled K_MM", error) }
    }

    /// The validation errors of the predictions K₀ β.
    private func errors(_ beta: [Double]) -> ValidationErrors {
        var out = ValidationErrors()
        var energy = (abs: 0.0, squared: 0.0), force = (abs: 0.0, squared: 0.0)
        for (part, atoms) in zip(validationRows, validationAtoms) {
            func residual(_ i: Int) -> Double {
                var sum = -part.targets[i]
                for j in 0..<columns { sum += part.matrix[i, j] * beta[j] }
                return sum
            }
            if let row = part.rows.energy {
                let e = residual(row) / Double(atoms)
                energy = (energy.abs + abs(e), energy.squared + e * e)
                out.energies += 1
            }
            if let first = part.rows.forceStart {
                for i in first..<(first + 3 * atoms) {
                    let f = residual(i)
                    force = (force.abs + abs(f), force.squared + f * f)
                    out.forceComponents += 1
                }
            }
        }
        if out.energies > 0 {
            out.energyMAE = energy.abs / Double(out.energies)
            out.energyRMSE = (energy.squared / Double(out.energies)).squareRoot()
        }
        if out.forceComponents > 0 {
            out.forceMAE = force.abs / Double(out.forceComponents)
            out.forceRMSE = (force.squared / Double(out.forceComponents)).squareRoot()
        }
        return out
    }
}

/// Errors of a fit on validation configurations: energies per atom (eV/atom) and force components (eV/Å).
public struct ValidationErrors: Codable, Sendable, Equatable {
    /// Validation energies and force components counted.
    public var energies = 0, forceComponents = 0
    /// Mean absolute and root-mean-square errors; nil when there was nothing to compare.
    public var energyMAE: Double?, energyRMSE: Double?, forceMAE: Double?, forceRMSE: Double?

    /// No errors yet.
    public init() {}
}
