import Atoms
import Foundation
import LinearAlgebra
import Support

/// A fit's kernel rows kept to be solved again for other σ and δ: the rows of the fitting configurations folded
/// into one QR triangle per σ group, and the rows of validation configurations, for one descriptor, kernel and
/// sparse-point setting. Solving them for other σ and δ gives the validation errors that `GAPTrainer.fit` with
/// those σ and δ would give, in the time of merging a few triangles instead of a fit — what `tune` tries σ
/// and δ with.
///
/// A row's σ is the default σ of its kind (energy, force or virial) times a factor of its configuration (√N
/// for energies and virials), or a σ of its own (a config-type σ or an `energy_sigma`-like key) that the
/// defaults do not change. Rows are divided by that factor, or by their own σ, and folded into the triangle of
/// their group (energies, forces, virials, fixed); a solve scales each triangle by 1/σ of its group and merges
/// them below the regulariser's: QR([A₁; A₂]) has the triangle of QR([R₁; R₂]), so this is the fit's least-squares
/// problem exactly. Memory: four (M+1)² triangles and the validation rows, not the fit's rows.
///
/// δ scales every term's kernel: K = r² K₀ for r = δ / `settings.kernel.delta` (K_MM's factor is made again
/// for (r² K₀ + jitter)/r⁴, block by block; the triangles stay as kept).
public struct KernelSystem: Sendable {
    /// Sparse points of all terms (columns of K_NM).
    public let columns: Int
    /// The δ the rows were computed with.
    public let delta: Double
    /// Rows of the fitting configurations.
    public let fitRowCount: Int
    private let settings: FitSettings
    /// Per σ group with rows, the triangle of its rows (each divided by its factor or own σ).
    private let triangles: [(group: SigmaGroup, triangle: IncrementalLeastSquares)]
    private let validationRows: [DesignRows]
    private let validationAtoms: [Int]
    private let lower: BlockDiagonalLower

    /// Which default σ divides a row.
    enum SigmaGroup: CaseIterable, Sendable {
        case energy, force, virial
        /// A σ of the row's own, whatever the defaults.
        case fixed

        /// What the group's triangle is multiplied by under the defaults `sigmas`.
        func scale(_ sigmas: Sigmas) -> Double {
            switch self {
            case .energy: 1 / sigmas.energy
            case .force: 1 / sigmas.force
            case .virial: 1 / sigmas.virial
            case .fixed: 1
            }
        }
    }

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
        func kernelRows(_ observations: ArraySlice<Observation>) throws(GAPError) -> [DesignRows] {
            let results = Parallel.map(observations.count, threads: settings.threads) { k in
                Result { () throws(GAPError) in
                    try KernelRowStream.kernelRows(
                        observations[observations.startIndex + k], soap: data.soap, basis: basis, kernel: settings.kernel)
                }
            }
            var out = [DesignRows]()
            for r in results { out.append(try r.get()) }
            return out
        }
        // The fit's rows, a batch at a time, into the triangles of their σ groups.
        let M = basis.total
        var solvers = [SigmaGroup: IncrementalLeastSquares]()
        let observations = data.observations
        for batch in KernelRowStream.batches(of: observations, columns: M) {
            let parts = try kernelRows(observations[batch])
            // Per group, per configuration of the batch: its rows in the group and what each is divided by.
            var selections = [SigmaGroup: [[(row: Int, divisor: Double)]]]()
            for (p, o) in observations[batch].enumerated() {
                for (row, (group, divisor)) in try Self.groups(of: o, settings: settings).enumerated() {
                    selections[group, default: [[(row: Int, divisor: Double)]](repeating: [], count: parts.count)][p]
                        .append((row, divisor))
                }
            }
            for (group, selection) in selections {
                var (block, rows) = KernelRowStream.columnMajorBlock(parts, columns: M, selection: selection)
                do {
                    try BLASThreads.withThreads(settings.threads) { () throws(LinearAlgebraError) in
                        try solvers[group, default: IncrementalLeastSquares(zeroColumns: M)].add(
                            columnMajor: &block, rows: rows)
                    }
                } catch {
                    throw .solver(stage: "QR update", error)
                }
            }
            progress?("kernel rows and QR", batch.upperBound, observations.count)
        }
        triangles = SigmaGroup.allCases.compactMap { g in solvers[g].map { (g, $0) } }
        fitRowCount = observations.reduce(0) { $0 + $1.rowCount }
        validationRows = try kernelRows(validationData.observations[...])
        validationAtoms = validationData.observations.map(\.structure.count)
        lower = basis.lower
        columns = M
        delta = settings.kernel.delta
        self.settings = settings
    }

    /// The σ group of each row of `o` and what the row is divided by: its σ at unit default σ (the factor of
    /// the default σ) when that σ follows the defaults, else its own σ.
    private static func groups(of o: Observation, settings: FitSettings) throws(GAPError) -> [(SigmaGroup, Double)] {
        func sigmas(_ x: Double) throws(GAPError) -> [Double] {
            DesignRows.sigmas(
                of: try Observation(
                    o.structure, index: o.index, line: o.line, keys: settings.keys,
                    defaults: Sigmas(energy: x, force: x, virial: x), configTypeSigmas: settings.configTypeSigmas,
                    useVirials: settings.useVirials))
        }
        let unit = try sigmas(1), twice = try sigmas(2)
        let kinds =
            (o.energy == nil ? [] : [SigmaGroup.energy])
            + [SigmaGroup](repeating: .force, count: o.forces == nil ? 0 : 3 * o.structure.count)
            + [SigmaGroup](repeating: .virial, count: o.virial == nil ? 0 : 6)
        return zip(kinds, zip(unit, twice)).map { kind, pair in (pair.1 == 2 * pair.0 ? kind : .fixed, pair.0) }
    }

    /// The validation errors of the fit with σ `sigmas` (per atom for energies and virials, scaled by √N
    /// as in a fit; per-configuration σ keys and config-type σ as `settings` give them) and kernel scale `delta`.
    /// - Throws: `GAPError.invalidSetting` for a σ that is not positive where rows need it, `.solver` for a
    ///   failed QR or solve.
    public func validationErrors(sigmas: Sigmas, delta newDelta: Double) throws(GAPError) -> ValidationErrors {
        // With K = r² K₀ the fit's weights α give predictions K₀ β for β = r² α, and β minimises
        // ‖Λ^{-1/2}(K₀ β − y)‖² + βᵀ (r² K₀ + jitter)/r⁴ β: the rows stay as kept, only L changes.
        var solver = IncrementalLeastSquares(transposeOf: try regulariser(newDelta / delta))
        for (group, triangle) in triangles {
            let scale = group.scale(sigmas)
            guard scale.isFinite && scale > 0 else {
                throw .invalidSetting(
                    name: "σ of \(group)", value: "\(1 / scale)", hint: "the fit has \(group) rows: give a positive σ")
            }
            do {
                try BLASThreads.withThreads(settings.threads) { () throws(LinearAlgebraError) in
                    for rows in triangle.rowBlocks() {
                        var block = triangle.rowBlock(rows)
                        if scale != 1 { for k in block.indices { block[k] *= scale } }
                        try solver.fold(rowBlock: block, rows: rows)
                    }
                }
            } catch {
                throw .solver(stage: "QR merge", error)
            }
            solver.addRowCount(triangle.rowCount)
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
