import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Testing

@testable import GAP

/// Small, fast settings and data for stage-by-stage checks.
private enum StageData {
    static let settings: FitSettings = {
        var s = FitSettings(
            soap: SOAPSettings(cutoff: 4, nMax: 4, lMax: 3, speciesZ: []), kernel: PolynomialKernel(delta: 1.5, zeta: 4),
            sparseCount: 12, e0: .average)
        s.threads = 2
        return s
    }()

    static let silicon = SiliconData.labelled(seed: 5, counts: (3, 0, 0))

    /// `silicon` with atom 1 of configuration `k` moved to 0.3 Å from atom 0.
    static func withCloseAtoms(at k: Int) -> [Structure] {
        var data = silicon
        data[k].positions[1] = data[k].positions[0] + SIMD3(0.3, 0, 0)
        return data
    }

    static func gapError(_ body: () throws -> Void) -> GAPError? {
        do { try body() } catch { return error as? GAPError }
        return nil
    }
}

@Suite("GAP trainer stages")
struct TrainerStagesTests {
    // MARK: The kernel, written once

    @Test func kernelValueAndDerivativeAreTheFormulas() {
        let kernel = PolynomialKernel(delta: 1.5, zeta: 4)
        for t in [0.0, 0.3, 0.9, 1.0] {
            #expect(abs(kernel.value(t) - 2.25 * pow(t, 4)) < 1e-14)
            #expect(abs(kernel.derivative(t) - 2.25 * 4 * pow(t, 3)) < 1e-14)
        }
        let fractional = PolynomialKernel(delta: 2, zeta: 2.5)
        #expect(abs(fractional.value(0.5) - 4 * pow(0.5, 2.5)) < 1e-14)
        #expect(fractional.value(-0.5) == 0)
    }

    @Test func kernelMatrixHelpersAgreeWithTheScalarOnes() throws {
        let kernel = PolynomialKernel(delta: 0.7, zeta: 3)
        let dots = try Matrix([[0.2, 0.9, -0.4], [1.0, 0.5, 0.1]])
        var values = dots
        kernel.applyValues(to: &values)
        #expect(values.elements == dots.elements.map(kernel.value))
        let alpha = [0.5, -1.0, 2.0]
        var coefficients = dots
        let energies = kernel.localEnergies(replacingByGradientCoefficients: &coefficients, alpha: alpha)
        for k in 0..<2 {
            let expected = (0..<3).reduce(0.0) { $0 + alpha[$1] * kernel.value(dots[k, $1]) }
            #expect(abs(energies[k] - expected) < 1e-14)
            for j in 0..<3 { #expect(abs(coefficients[k, j] - alpha[j] * kernel.derivative(dots[k, j])) < 1e-14) }
        }
    }

    // MARK: Read and check data

    @Test func fitDataResolvesElementsE0AndTheDescriptor() throws {
        let data = try FitData(StageData.silicon, lines: [], settings: StageData.settings)
        #expect(data.observations.count == StageData.silicon.count)
        #expect(data.elements == [14])
        #expect(data.soapSettings?.speciesZ == [14])
        #expect(data.warnings.isEmpty)
        let e0 = try #require(data.e0[14])
        for o in data.observations {
            let raw = try #require(o.rawEnergy)
            #expect(o.energy == raw - Double(o.structure.count) * e0)
        }
    }

    @Test func closestPairIsFoundOnceAndIncludesPeriodicImages() throws {
        let close = try #require(try CloseAtoms.closestPair(in: StageData.withCloseAtoms(at: 0)[0], index: 0))
        #expect(close.first == 0 && close.second == 1)
        #expect(abs(close.separation - 0.3) < 1e-12)
        #expect(try CloseAtoms.closestPair(in: StageData.silicon[0], index: 0) == nil)
        let tiny = Structure(
            atomicNumbers: [14], positions: [.zero],
            cell: Cell(SIMD3(0.4, 0, 0), SIMD3(0, 5, 0), SIMD3(0, 0, 5)), pbc: Periodicity(true, true, true))
        let image = try #require(try CloseAtoms.closestPair(in: tiny, index: 0))
        #expect(image.first == 0 && image.second == 0 && abs(image.separation - 0.4) < 1e-12)
    }

    @Test func closeAtomsAreWarnedAboutAndLeftOut() throws {
        let data = try FitData(StageData.withCloseAtoms(at: 1), lines: [3, 70, 137], settings: StageData.settings)
        #expect(data.observations.map(\.index) == [0, 2])
        #expect(data.warnings.count == 1)
        let warning = try #require(data.warnings.first)
        #expect(warning.hasPrefix("configuration 1 (line 70): atoms 0 and 1 are 0.300 Å apart"))
        #expect(warning.contains("left out"))
    }

    @Test func allowCloseAtomsKeepsThemButStillWarns() throws {
        var settings = StageData.settings
        settings.allowCloseAtoms = true
        let data = try FitData(StageData.withCloseAtoms(at: 1), lines: [3, 70, 137], settings: settings)
        #expect(data.observations.map(\.index) == [0, 1, 2])
        #expect(data.warnings.count == 1 && data.warnings[0].contains("kept"))
    }

    @Test func aFitLeavesCloseAtomsOutExactly() throws {
        let (withClose, report) = try GAPTrainer.fit(
            StageData.withCloseAtoms(at: 1), lines: [3, 70, 137],
            settings: StageData.settings)
        #expect(report.warnings.contains { $0.hasPrefix("configuration 1 (line 70)") })
        let (without, _) = try GAPTrainer.fit([StageData.silicon[0], StageData.silicon[2]], settings: StageData.settings)
        #expect(withClose.soap == without.soap)
        var keep = StageData.settings
        keep.allowCloseAtoms = true
        let (_, kept) = try GAPTrainer.fit(StageData.withCloseAtoms(at: 1), settings: keep)
        #expect(kept.observations > report.observations)
    }

    @Test func onlyCloseAtomConfigurationsAreAClearError() {
        let error = StageData.gapError {
            _ = try FitData([StageData.withCloseAtoms(at: 0)[0]], lines: [9], settings: StageData.settings)
        }
        guard case let .badReference(configuration, line, detail)? = error else {
            Issue.record("expected badReference, got \(String(describing: error))")
            return
        }
        #expect(configuration == 0 && line == 9 && detail.contains("--allow-close-atoms"))
    }

    // MARK: Descriptors and sparse points

    @Test func candidatesHaveOneRowPerAtomOfTheElement() throws {
        let data = try FitData(StageData.silicon, lines: [], settings: StageData.settings)
        let candidates = try SparseCandidates.descriptors(
            of: data.observations, soap: try #require(data.soap), threads: 2, progress: nil)
        let x = try #require(candidates[14])
        #expect(x.rows == StageData.silicon.reduce(0) { $0 + $1.count })
        #expect(x.columns == data.soap?.numberOfFeatures)
    }

    @Test func sparseBasisFactorisesTheKernelOfItsPoints() throws {
        let data = try FitData(StageData.silicon, lines: [], settings: StageData.settings)
        let candidates = try SparseCandidates.descriptors(
            of: data.observations, soap: try #require(data.soap), threads: 2, progress: nil)
        let basis = try SparseBasis(candidates: candidates, elements: data.elements, settings: StageData.settings)
        let points = try #require(basis.points[14])
        #expect(basis.indices[14]?.count == 12 && points.rows == 12)
        #expect(basis.ordered == [points] && basis.layout.total == 12)
        let product = try Matrix.product(basis.lower.dense, basis.lower.dense, transB: .transposed)
        for i in 0..<12 {
            for j in 0..<12 {
                var kernel = StageData.settings.kernel.value((0..<points.columns).reduce(0) { $0 + points[i, $1] * points[j, $1] })
                if i == j { kernel += StageData.settings.jitter }
                #expect(abs(product[i, j] - kernel) < 1e-9)
            }
        }
    }

    @Test func duplicateSparsePointsWithoutJitterAreASolverError() throws {
        var settings = StageData.settings
        settings.sparseMethod = .indices([])
        settings.sparseIndices = [14: [0, 0]]
        settings.jitter = 0
        let data = try FitData(StageData.silicon, lines: [], settings: settings)
        let candidates = try SparseCandidates.descriptors(
            of: data.observations, soap: try #require(data.soap), threads: 1, progress: nil)
        let error = StageData.gapError { _ = try SparseBasis(candidates: candidates, elements: [14], settings: settings) }
        guard case let .solver(stage, .notPositiveDefinite)? = error else {
            Issue.record("expected a Cholesky failure, got \(String(describing: error))")
            return
        }
        #expect(stage.contains("K_MM for SOAP of Si"))
    }

    // MARK: Kernel rows and QR

    @Test func designRowsOfAConfigurationHaveItsRowCount() throws {
        let data = try FitData(StageData.silicon, lines: [], settings: StageData.settings)
        let candidates = try SparseCandidates.descriptors(
            of: data.observations, soap: try #require(data.soap), threads: 1, progress: nil)
        let basis = try SparseBasis(candidates: candidates, elements: data.elements, settings: StageData.settings)
        let o = data.observations[0]
        let rows = try KernelRowStream.designRows(o, soap: try #require(data.soap), basis: basis, kernel: StageData.settings.kernel)
        #expect(rows.matrix.rows == o.rowCount && rows.matrix.columns == 12 && rows.targets.count == o.rowCount)
        var solver = IncrementalLeastSquares(transposeOf: basis.lower)
        let folded = try KernelRowStream.fold(
            data.observations, soap: try #require(data.soap), basis: basis, settings: StageData.settings,
            into: &solver, progress: nil)
        #expect(folded == data.observations.reduce(0) { $0 + $1.rowCount })
    }

    /// Batches cover the observations in order, each whole configuration once; every batch but the last reaches
    /// `rowsPerFold` rows, and would not without its last configuration.
    @Test func batchesGatherWholeConfigurationsUntilAFoldsRows() throws {
        let data = try FitData(StageData.silicon, lines: [], settings: StageData.settings)
        let observations = (0..<40).map { data.observations[$0 % data.observations.count] }
        let rowsPerFold = KernelRowStream.rowsPerFold(columns: 12)
        let batches = KernelRowStream.batches(of: observations, columns: 12)
        #expect(batches.count > 1)
        #expect(batches.first?.lowerBound == 0 && batches.last?.upperBound == observations.count)
        for (a, b) in zip(batches, batches.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        func rows(_ r: Range<Int>) -> Int { observations[r].reduce(0) { $0 + $1.rowCount } }
        for batch in batches.dropLast() {
            #expect(!batch.isEmpty && rows(batch) >= rowsPerFold)
            #expect(rows(batch.dropLast()) < rowsPerFold)
        }
        #expect(KernelRowStream.batches(of: [], columns: 12).isEmpty)
    }

    // MARK: The estimate

    /// The memory model counts what the stages allocate: the triangle, the blocks of L, the candidate
    /// descriptors and the sparse points of a real fit's stages, byte for byte; ranks split the time and add
    /// the gathered candidates, not the triangle.
    @Test func theEstimateCountsWhatTheStagesAllocate() throws {
        let settings = StageData.settings
        let data = try FitData(StageData.silicon, lines: [], settings: settings)
        let candidates = try SparseCandidates.descriptors(
            of: data.observations, soap: try #require(data.soap), threads: 2, progress: nil)
        let basis = try SparseBasis(candidates: candidates, elements: data.elements, settings: settings)
        let solver = IncrementalLeastSquares(transposeOf: basis.lower)
        let rates = FitEstimate.Rates(describe: 1e-3, derive: 1e-2, flops: 1e9, blocksPerAtom: 10, derivativeBytesPerAtom: 1e4)
        let one = try FitEstimate(data: data, settings: settings, ranks: 1, rates: rates)
        let rows = data.observations.reduce(0) { $0 + $1.rowCount }
        #expect(one.sparsePoints == basis.total && one.rows == rows)
        #expect(one.bytes(of: FitEstimate.triangle) == 8 * solver.upperFactor().storage.count)
        #expect(one.bytes(of: FitEstimate.lowerBlocks) == 8 * basis.lower.storedCount)
        #expect(one.bytes(of: "candidate descriptors") == 8 * candidates.values.reduce(0) { $0 + $1.elements.count })
        #expect(one.bytes(of: "sparse points") == 8 * basis.ordered.reduce(0) { $0 + $1.elements.count })
        // Three small configurations fit in one batch: all rows, row-major and column-major.
        #expect(one.bytes(of: FitEstimate.batch) == 2 * 8 * rows * (basis.total + 1))
        let phases = [one.parts, one.selectionParts].map { $0.reduce(0) { $0 + $1.bytes } }
        #expect(one.peakBytes == phases.max() && one.selectionParts.allSatisfy { $0.name != FitEstimate.batch })
        let two = try FitEstimate(data: data, settings: settings, ranks: 2, rates: rates)
        #expect(two.bytes(of: FitEstimate.triangle) == one.bytes(of: FitEstimate.triangle))
        #expect(two.bytes(of: "candidate descriptors") > one.bytes(of: "candidate descriptors"))
        let seconds = { (e: FitEstimate, stage: String) in e.stages.first { $0.name == stage }?.seconds ?? -1 }
        // The larger share of rows sets the time, and rank 0 merges the other rank's triangle: (2/3)(M + 1)³ flops.
        let merge = 2 * pow(Double(basis.total + 1), 3) / 3 / rates.flops / Double(max(settings.threads, 1))
        let counts = data.observations.map(\.rowCount), plan = ReductionPlan(rowCounts: counts, parts: 2, ranks: 2)
        let share = Double((0..<2).map { counts[plan.observations(ofRank: $0)].reduce(0, +) }.max() ?? 0) / Double(rows)
        #expect(share >= 0.5 && share < 1)
        #expect(abs(seconds(two, "kernel rows and QR") - seconds(one, "kernel rows and QR") * share - merge) < 1e-12)
        #expect(seconds(one, "variance") > 0)
        // Four fixed parts on one rank: three triangles at once (parts 0–1 merged while 2–3 are built), three merges.
        var parted = settings
        parted.partitions = 4
        let four = try FitEstimate(data: data, settings: parted, ranks: 1, rates: rates)
        #expect(four.bytes(of: FitEstimate.triangle) == 3 * one.bytes(of: FitEstimate.triangle))
        #expect(abs(seconds(four, "kernel rows and QR") - seconds(one, "kernel rows and QR") - 3 * merge) < 1e-12)
        #expect(throws: GAPError.self) { try FitEstimate(data: data, settings: settings, ranks: 0, rates: rates) }
        let calibrated = try FitEstimate(StageData.silicon, settings: settings)
        #expect(calibrated.rates.flops > 0 && calibrated.rates.blocksPerAtom > 0 && calibrated.summary.contains("peak memory"))
    }

    /// Sparse counts beyond `FitSettings.maximumSparseCount` are refused before the estimate, and the model's own
    /// arithmetic saturates instead of trapping on huge counts (it once overflowed at 1e9 sparse points).
    @Test func theEstimateNeverTrapsOnHugeCounts() throws {
        var settings = StageData.settings
        settings.sparseCount = FitSettings.maximumSparseCount + 1
        #expect(throws: GAPError.self) { try FitEstimate(StageData.silicon, settings: settings) }
        let data = try FitData(StageData.silicon, lines: [], settings: StageData.settings)
        let rates = FitEstimate.Rates(describe: 1e-3, derive: 1e-2, flops: 1e9, blocksPerAtom: 10, derivativeBytesPerAtom: 1e4)
        settings.sparseCount = 1_000_000_000
        let large = try FitEstimate(data: data, settings: settings, ranks: 1, rates: rates)
        let triangle = Double(large.bytes(of: FitEstimate.triangle))
        #expect(abs(triangle / (8 * pow(1e9 + 1, 2)) - 1) < 1e-12 && large.peakBytes >= Int(triangle))
        settings.sparseCount = Int.max / 2
        let huge = try FitEstimate(data: data, settings: settings, ranks: 3, rates: rates)
        #expect(huge.peakBytes == Int.max && huge.stages.allSatisfy { $0.seconds.isFinite && $0.seconds >= 0 })
        #expect(huge.summary.contains("M = \(Int.max / 2)"))
    }

    // MARK: Former fallbacks, now typed errors

    @Test func designRowsRejectSparsePointsOfTheWrongLength() throws {
        let data = try FitData(StageData.silicon, lines: [5], settings: StageData.settings)
        let o = data.observations[0]
        let soap = try #require(data.soap)
        let (q, dq) = try soap.derivatives([o.structure], strain: true)
        let wrong = Matrix(rows: 2, columns: soap.numberOfFeatures + 1)
        let layout = DesignRows.Layout(elements: [14], models: [14: wrong])
        let error = StageData.gapError {
            _ = try DesignRows(o, q: q, dq: dq, points: [14: wrong], layout: layout, kernel: StageData.settings.kernel)
        }
        guard case let .solver(stage, .dimensionMismatch)? = error else {
            Issue.record("expected a dimension mismatch, got \(String(describing: error))")
            return
        }
        #expect(stage == "design rows of configuration 0 (line 5)")
    }

    @Test func potentialsRejectPartsThatDoNotFit() throws {
        let soapSettings = SOAPSettings(cutoff: 4, nMax: 4, lMax: 3, speciesZ: [14])
        let D = try soapSettings.makeSOAP().numberOfFeatures
        func inconsistent(_ models: [Int: SparseModel], _ variance: VarianceFactors? = nil) -> Bool {
            let error = StageData.gapError {
                _ = try GAPPotential(
                    soap: SOAPTerm(settings: soapSettings, kernel: StageData.settings.kernel, models: models), e0: [14: 0],
                    variance: variance)
            }
            if case .inconsistentPotential? = error { return true }
            return false
        }
        let good = SparseModel(points: Matrix(rows: 2, columns: D, repeating: 1 / Double(D).squareRoot()), alpha: [1, 2])
        #expect(!inconsistent([14: good]))
        #expect(inconsistent([14: SparseModel(points: Matrix(rows: 2, columns: D + 3), alpha: [1, 2])]))
        // Sparse points are normalised SOAP vectors: one of another length (a damaged file) is refused.
        #expect(inconsistent([14: SparseModel(points: Matrix(rows: 2, columns: D, repeating: 0.1), alpha: [1, 2])]))
        func identity(_ elements: [Int], _ orders: [Int]) throws -> VarianceFactors {
            let m = orders.reduce(0, +)
            return VarianceFactors(
                elements: elements, lower: try .blocks(of: .identity(m), orders: orders),
                upper: try ColumnMajorUpper(dense: .identity(m)))
        }
        #expect(inconsistent([14: good], try identity([14], [3])))
        #expect(inconsistent([14: good], try identity([14, 14], [1, 1])))
        #expect(inconsistent([14: good], try identity([14], [1, 1])))
        #expect(!inconsistent([14: good], try identity([14], [2])))
    }

    @Test func localEnergiesRejectDescriptorsOfTheWrongLength() throws {
        let soapSettings = SOAPSettings(cutoff: 4, nMax: 4, lMax: 3, speciesZ: [14])
        let D = try soapSettings.makeSOAP().numberOfFeatures
        let gap = try SOAPTerm(
            settings: soapSettings, kernel: StageData.settings.kernel,
            models: [14: SparseModel(points: Matrix(rows: 2, columns: D, repeating: 1 / Double(D).squareRoot()), alpha: [1, 2])])
        let s = StageData.silicon[0]
        let other = try SOAPSettings(cutoff: 4, nMax: 5, lMax: 3, speciesZ: [14]).makeSOAP().create([s])
        #expect(throws: LinearAlgebraError.self) { _ = try gap.localEnergies(other, elements: s.atomicNumbers, threads: 1) }
        let own = try gap.soap.create([s])
        #expect(throws: Never.self) { _ = try gap.localEnergies(own, elements: s.atomicNumbers, threads: 1) }
    }
}
