import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Support

/// What a fit produced besides the potential.
public struct FitReport: Sendable {
    /// Seconds spent per stage, in order.
    public var seconds: [(stage: String, seconds: Double)] = []
    /// Sparse points chosen per element (indices into the element's atoms, file order).
    public var sparseIndices: [Int: [Int]] = [:]
    /// Rows of the least-squares problem (energies, force components, virial components).
    public var observations = 0
    /// Reciprocal condition number of the final triangular factor.
    public var reciprocalCondition = 1.0
    /// Warnings worth showing the user.
    public var warnings: [String] = []
}

/// Fits a GAP: sparse kernel regression on energies, forces and virials, solved by a QR factorisation of
/// [Λ^{−1/2} K_NM ; Lᵀ] (L Lᵀ = K_MM + jitter) that is built configuration block by configuration block,
/// so neither K_NM nor the descriptor derivatives of the whole training set ever exist in memory.
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

        // Observations and elements.
        var observations = [Observation]()
        for (k, s) in structures.enumerated() {
            let o = try Observation(s, index: k, line: k < lines.count ? lines[k] : 0, keys: settings.keys,
                                    defaults: settings.sigmas, configTypeSigmas: settings.configTypeSigmas,
                                    useVirials: settings.useVirials)
            if o.rawEnergy != nil || o.forces != nil || o.virial != nil { observations.append(o) }
        }
        guard !observations.isEmpty else { throw .emptyTrainingSet(file: "training set") }
        var elements = [Int]()
        for o in observations { for z in o.structure.atomicNumbers where !elements.contains(z) { elements.append(z) } }
        var soapSettings = settings.soap
        if soapSettings.speciesZ.isEmpty { soapSettings.speciesZ = elements }
        if let missing = elements.first(where: { !soapSettings.speciesZ.contains($0) }) {
            throw .invalidSetting(name: "species_Z", value: "\(soapSettings.speciesZ)", hint: "\(Element.label(missing)) is in the data but not in species_Z")
        }
        let e0 = try settings.e0.resolve(elements: elements, structures: observations.map(\.structure),
                                         energies: observations.map(\.rawEnergy), keys: settings.keys)
        for k in observations.indices {
            if let raw = observations[k].rawEnergy {
                observations[k].energy = raw - observations[k].structure.atomicNumbers.reduce(0) { $0 + (e0[$1] ?? 0) }
            }
        }
        let soap: SOAP
        do { soap = try soapSettings.makeSOAP() } catch { throw .descriptor(error) }
        lap("read and check data")

        // Descriptors of every atom, grouped by element, for choosing sparse points.
        let D = soap.numberOfFeatures
        var byElement = [Int: [Double]]()
        let batch = 64
        for start in stride(from: 0, to: observations.count, by: batch) {
            let chunk = observations[start..<min(start + batch, observations.count)]
            let rows: DescriptorRows
            do { rows = try soap.create(chunk.map(\.structure), threads: settings.threads) } catch {
                throw .descriptor(error)
            }
            for r in 0..<rows.count {
                let z = chunk[chunk.startIndex + rows.structure[r]].structure.atomicNumbers[rows.center[r]]
                byElement[z, default: []] += rows.row(r)
            }
            progress?("descriptors", min(start + batch, observations.count), observations.count)
        }
        lap("descriptors")

        // Sparse points and K_MM per element; Lᵀ (block diagonal) starts the least-squares triangle.
        var points = [Int: Matrix]()
        let modelled = elements.filter { byElement[$0] != nil }
        var lowerBlocks = [Int: Matrix]()
        for z in modelled {
            let all = byElement[z]!
            let x = try matrix(rows: all.count / D, columns: D, all)
            let indices: [Int]
            if settings.sparseMethod == .indices([]) || !settings.sparseIndices.isEmpty {
                indices = try SparseMethod.indices(settings.sparseIndices[z] ?? []).select(x, count: 0, seed: settings.seed)
            } else {
                let count = settings.sparseCount(for: z)
                guard x.rows >= count else { throw .tooFewAtoms(element: z, atoms: x.rows, requested: count) }
                indices = try settings.sparseMethod.select(x, count: count, seed: settings.seed &+ UInt64(z))
            }
            guard !indices.isEmpty else {
                throw .invalidSetting(name: "sparse points", value: "none for \(Element.label(z))", hint: "give at least one")
            }
            report.sparseIndices[z] = indices
            let chosen = try matrix(rows: indices.count, columns: D, indices.flatMap { Array(x.row($0)) })
            points[z] = chosen
            var kmm: Matrix
            do { kmm = try Matrix.product(chosen, chosen, transB: .transposed) } catch { throw .solver(stage: "K_MM", error) }
            let delta2 = settings.kernel.delta * settings.kernel.delta
            for i in 0..<kmm.rows {
                for j in 0..<kmm.columns { kmm[i, j] = delta2 * settings.kernel.power(kmm[i, j]) }
                kmm[i, i] += settings.jitter
            }
            do { lowerBlocks[z] = try Cholesky(kmm).lower } catch {
                throw .solver(stage: "Cholesky factorisation of K_MM for \(Element.label(z)) (duplicate sparse points? raise --jitter)", error)
            }
        }
        let layout = DesignRows.Layout(elements: modelled, models: points)
        let M = layout.total
        var lower = Matrix(rows: M, columns: M)
        for z in modelled {
            let block = lowerBlocks[z]!, offset = layout.offsets[z]!
            for i in 0..<block.rows { for j in 0...i { lower[offset + i, offset + j] = block[i, j] } }
        }
        lowerBlocks = [:]
        var solver: IncrementalLeastSquares
        do { solver = try IncrementalLeastSquares(transposeOf: lower) } catch { throw .solver(stage: "regulariser", error) }
        lap("sparse points and K_MM")

        // Stream configurations: rows in parallel per batch, folded into the QR one batch at a time.
        let rowsPerFold = max(M / 4, 512)   // rows per QR fold: a quarter of the triangle's memory
        var start = 0
        let kernel = settings.kernel, threads = settings.threads
        let frozenPoints = points
        let all = observations
        while start < all.count {
            var end = start, rows = 0
            while end < all.count && (rows < rowsPerFold || end == start) {
                rows += all[end].rowCount
                end += 1
            }
            let range = start..<end
            // The batch's row-major rows live only inside this expression; the QR gets one column-major block.
            var (block, blockRowCount) = try columnMajorBlock(Parallel.map(range.count, threads: threads) { k -> Result<DesignRows, GAPError> in
                let o = all[range.lowerBound + k]
                let wantsDerivatives = o.forces != nil || o.virial != nil
                do throws(DescriptorError) {
                    if wantsDerivatives {
                        let (q, dq) = try soap.derivatives([o.structure], strain: o.virial != nil, threads: 1)
                        return .success(DesignRows(o, q: q, dq: dq, points: frozenPoints, layout: layout, kernel: kernel))
                    }
                    let q = try soap.create([o.structure], threads: 1)
                    return .success(DesignRows(o, q: q, dq: nil, points: frozenPoints, layout: layout, kernel: kernel))
                } catch {
                    return .failure(.descriptor(error))
                }
            }, columns: M)
            do {
                try BLASThreads.withThreads(threads) { () throws(LinearAlgebraError) in
                    try solver.add(columnMajor: &block, rows: blockRowCount)
                }
            } catch {
                throw .solver(stage: "QR update", error)
            }
            report.observations += blockRowCount
            progress?("kernel rows and QR", end, all.count)
            start = end
        }
        lap("kernel rows and QR")

        let alpha: [Double]
        do {
            alpha = try solver.solve()
            report.reciprocalCondition = try solver.reciprocalCondition()
        } catch {
            throw .solver(stage: "solve", error)
        }
        if report.reciprocalCondition < 1e-13 {
            report.warnings.append(String(format: "the fit is ill-conditioned (reciprocal condition %.1e): consider a larger "
                + "--jitter, fewer sparse points, or larger sigmas", report.reciprocalCondition))
        }
        var models = [Int: SparseModel]()
        for z in modelled {
            let offset = layout.offsets[z]!, m = points[z]!.rows
            models[z] = SparseModel(points: points[z]!, alpha: Array(alpha[offset..<(offset + m)]))
        }
        let variance = settings.storeVariance ? VarianceFactors(elements: modelled, lower: lower, upper: solver.upperTriangle) : nil
        var potential = try GAPPotential(soapSettings: soapSettings, kernel: settings.kernel, e0: e0, models: models,
                                         variance: variance)
        potential.threads = settings.threads
        lap("solve")
        return (potential, report)
    }

    /// The design rows and targets of a batch as one column-major block [A b] (what the QR folds in place);
    /// the batch's own row-major copies are released when this returns.
    private static func columnMajorBlock(
        _ results: [Result<DesignRows, GAPError>], columns M: Int
    ) throws(GAPError) -> (block: [Double], rows: Int) {
        var parts = [DesignRows]()
        for r in results { parts.append(try r.get()) }
        let m = parts.reduce(0) { $0 + $1.targets.count }
        var block = [Double](repeating: 0, count: m * (M + 1))
        var first = 0
        for part in parts {
            part.matrix.elements.withUnsafeBufferPointer { a in
                block.withUnsafeMutableBufferPointer { out in
                    let rows = part.targets.count
                    // Column by column through the row-major part, in tiles of rows to stay in cache.
                    for tile in stride(from: 0, to: rows, by: 64) {
                        let end = min(tile + 64, rows)
                        for j in 0..<M {
                            let column = out.baseAddress! + j * m + first
                            for i in tile..<end { column[i] = a[i * M + j] }
                        }
                    }
                    for i in 0..<rows { out[M * m + first + i] = part.targets[i] }
                }
            }
            first += part.targets.count
        }
        return (block, m)
    }

    private static func matrix(rows: Int, columns: Int, _ values: [Double]) throws(GAPError) -> Matrix {
        do { return try Matrix(rows: rows, columns: columns, elements: values) } catch { throw .solver(stage: "assembling", error) }
    }
}
