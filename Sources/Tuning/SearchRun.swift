import Atoms
import Evaluation
import Foundation
import GAP
import Support

/// The state of one `HyperparameterSearch.run`: trials so far, the best of the phase, the kernel rows kept
/// (the best setting's and the last computed), measured costs, and the phase's deadline.
struct SearchRun {
    let search: HyperparameterSearch
    let fit: [Structure], validation: [Structure]
    let report: (Trial) -> Void
    private let clock = Date()
    /// The configurations the cheap phase fits: a seeded share of `fit`, in file order.
    private let cheapFit: [Structure]
    /// Atoms of each element in the configurations each phase fits.
    private let atoms: [Int: Int], cheapAtoms: [Int: Int]
    private var trials = [Trial]()
    private var phase = "cheap", deadline = 0.0, stopped = false
    private var tried = Set<TrialSettings>()
    private var best: (settings: TrialSettings, score: Double, trial: Int)?
    /// Kept kernel rows: the best setting's and the latest.
    private var systems = [(key: RowsKey, system: KernelSystem)]()
    /// Rows that could not be made: settings that need them are not tried again.
    private var failedRows = Set<RowsKey>()
    /// Fit estimates by rows.
    private var estimates = [RowsKey: FitEstimate]()
    /// Seconds of a re-solve by its number of columns, and measured over predicted times of new rows.
    private var solveSeconds = [Int: Double](), buildCorrection = 1.0

    init(search: HyperparameterSearch, fit: [Structure], validation: [Structure], report: @escaping (Trial) -> Void) {
        self.search = search
        self.fit = fit
        self.validation = validation
        self.report = report
        let count = min(
            fit.count,
            max(search.cheapMinimumConfigurations, Int((Double(fit.count) * search.cheapConfigurationFraction).rounded(.up))))
        var generator = SeededGenerator(seed: search.base.seed)
        cheapFit = Array(fit.indices.shuffled(using: &generator).prefix(count)).sorted().map { fit[$0] }
        func atoms(_ structures: [Structure]) -> [Int: Int] {
            var out = [Int: Int]()
            for s in structures { for z in s.atomicNumbers { out[z, default: 0] += 1 } }
            return out
        }
        self.atoms = atoms(fit)
        cheapAtoms = atoms(cheapFit)
    }

    /// The configurations this phase fits.
    private var phaseFit: [Structure] { phase == "cheap" ? cheapFit : fit }

    private var elapsed: Double { Date().timeIntervalSince(clock) }

    /// The cheap phase, then the full one; the outcome.
    mutating func run() throws(TuningError) -> HyperparameterSearch.Outcome {
        let keys = search.base.keys
        guard
            validation.contains(where: { s in
                ((try? s.referenceEnergy(keys)) ?? nil) != nil || ((try? s.referenceForces(keys)) ?? nil) != nil
            })
        else { throw .nothingToScore }
        let order = TuningParameter.searchOrder.filter { search.parameters.contains($0) }
        deadline = search.cheapShare * search.budget
        var start = search.start
        start.sparseScale = 1
        guard try evaluate(start, change: "start") != nil else {
            throw .budget(needed: try predictedSeconds(start), budget: deadline)
        }
        var passes = 0
        while passes < 3 && !stopped {
            passes += 1
            var changed = false
            for p in order where p != .nSparse && !stopped {
                if try descend(p) { changed = true }
            }
            if !changed { break }
        }
        let cheapBest = best!
        phase = "full"
        deadline = search.budget
        stopped = false
        tried = []
        best = nil
        if try evaluate(cheapBest.settings, change: "all sparse points") != nil {
            for p in order where !p.needsKernelRows && !stopped { _ = try descend(p) }
            if search.parameters.contains(.nSparse) && !stopped { _ = try descend(.nSparse) }
        }
        let chosen = best ?? cheapBest
        let counts = sparseCounts(chosen.settings)
        return HyperparameterSearch.Outcome(
            trials: trials, best: chosen.settings, bestTrial: chosen.trial, sparseCounts: counts,
            settings: chosen.settings.fitSettings(base: search.base, counts: counts))
    }

    /// Steps `p` from the best setting while the score improves; true when it did. A setting with new kernel
    /// rows is also scored after one step of σ and δ on its rows.
    private mutating func descend(_ p: TuningParameter) throws(TuningError) -> Bool {
        var improved = false
        var moved = true
        while moved && !stopped {
            moved = false
            guard let from = best else { return improved }
            for candidate in p.neighbors(of: from.settings) where !tried.contains(candidate) {
                if p == .nSparse && sparseCounts(candidate) == sparseCounts(from.settings) { continue }
                guard let score = try evaluate(candidate, change: change(p, from.settings, candidate)) else { return improved }
                // σ and δ steps on the candidate's rows (none when it could not be fitted: they would fail alike).
                if p.needsKernelRows && p != .nSparse && score.isFinite {
                    for q in TuningParameter.searchOrder where !q.needsKernelRows && search.parameters.contains(q) {
                        for variant in q.neighbors(of: candidate) where !tried.contains(variant) {
                            let text = change(p, from.settings, candidate) + ", " + change(q, candidate, variant)
                            guard try evaluate(variant, change: text) != nil else { return improved }
                        }
                    }
                }
                if best!.settings != from.settings {
                    improved = true
                    moved = true
                    break
                }
            }
        }
        return improved
    }

    /// What `to` changes of `from` in `p`, e.g. "n_max 8 → 10".
    private func change(_ p: TuningParameter, _ from: TrialSettings, _ to: TrialSettings) -> String {
        func value(_ s: TrialSettings) -> String {
            switch p {
            case .cutoff: "\(s.cutoff)"
            case .nMax: "\(s.nMax)"
            case .lMax: "\(s.lMax)"
            case .atomSigma: "\(s.atomSigma)"
            case .delta: String(format: "%.4g", s.delta)
            case .sigmaEnergy: String(format: "%.4g", s.sigmaEnergy)
            case .sigmaForce: String(format: "%.4g", s.sigmaForce)
            case .nSparse: "×\(String(format: "%g", s.sparseScale))"
            case .zeta: String(format: "%g", s.zeta)
            case .twoBody: s.twoBody ? "on" : "off"
            }
        }
        return "\(p.rawValue) \(value(from)) → \(value(to))"
    }

    /// The sparse points per element of `s` in this phase: the requested count (capped at the element's atoms)
    /// times `sparseScale` in the full phase, `cheapFraction` of it (at least `cheapMinimum`) in the cheap one.
    private func sparseCounts(_ s: TrialSettings) -> [Int: Int] {
        var out = [Int: Int]()
        for (z, n) in atoms {
            let target = min(search.base.sparseCount(for: z), n)
            if phase == "cheap" {
                let cheap = max(search.cheapMinimum, Int((Double(target) * search.cheapFraction).rounded(.up)))
                out[z] = min(target, cheap, cheapAtoms[z] ?? 0)
            } else {
                out[z] = min(n, max(1, Int((Double(target) * s.sparseScale).rounded())))
            }
        }
        return out
    }

    /// The kernel rows a setting needs: its descriptor, kernel and sparse points.
    private struct RowsKey: Hashable {
        let settings: TrialSettings
        let counts: [Int: Int]
    }

    private func rowsKey(_ s: TrialSettings) -> RowsKey { RowsKey(settings: s.rowsKey, counts: sparseCounts(s)) }

    /// The kept rows of `s`, if any.
    private func kept(_ s: TrialSettings) -> KernelSystem? {
        let key = rowsKey(s)
        return systems.first { $0.key == key }?.system
    }

    /// The fit estimate of `s` (once per rows).
    private mutating func estimate(_ s: TrialSettings) throws(TuningError) -> FitEstimate {
        let key = rowsKey(s)
        if let known = estimates[key] { return known }
        do {
            let estimate = try FitEstimate(phaseFit, settings: s.fitSettings(base: search.base, counts: key.counts))
            estimates[key] = estimate
            return estimate
        } catch {
            throw .fit(error)
        }
    }

    /// Validation configurations per fitted one, plus one: what the fit's rows scale by when validation rows
    /// are computed too.
    private var withValidation: Double { Double(phaseFit.count + validation.count) / Double(max(phaseFit.count, 1)) }

    /// The predicted seconds of scoring `s`: a re-solve of kept rows, or new rows (or a plain fit).
    private mutating func predictedSeconds(_ s: TrialSettings) throws(TuningError) -> Double {
        if let system = kept(s) { return solveSeconds[system.columns] ?? 0 }
        return try estimate(s).stages.reduce(0) { $0 + $1.seconds } * withValidation * buildCorrection
    }

    /// Whether what `KernelSystem` keeps of `s` — up to four (M+1)² triangles and the validation rows — fits in
    /// the memory limit (else `s` is scored by a plain fit).
    private mutating func rowsFitInMemory(_ s: TrialSettings) throws(TuningError) -> Bool {
        let estimate = try estimate(s)
        let columns = Double(estimate.sparsePoints + 1), validationRows = Double(estimate.rows) * (withValidation - 1)
        return (4 * columns * columns + validationRows * columns) * 8 <= Double(search.memoryLimit)
    }

    /// Scores `s` and records the trial; nil (and the phase stopped) when it would end after the deadline.
    private mutating func evaluate(_ s: TrialSettings, change: String) throws(TuningError) -> Double? {
        guard !stopped, search.maximumTrials.map({ trials.count < $0 }) ?? true else {
            stopped = true
            return nil
        }
        if failedRows.contains(rowsKey(s)) { return .infinity }
        let predicted: Double
        do { predicted = try predictedSeconds(s) } catch {
            guard !trials.isEmpty else { throw error }
            return record(s, change: change, failure: error, started: Date())
        }
        guard elapsed + predicted <= deadline else {
            stopped = true
            return nil
        }
        tried.insert(s)
        let started = Date()
        let measured: (errors: ValidationErrors, columns: Int, newRows: Bool)
        do { measured = try measure(s) } catch {
            // The start is the user's own setting and must work; a step that cannot be fitted is left out.
            guard !trials.isEmpty else { throw error }
            return record(s, change: change, failure: error, started: started)
        }
        let seconds = Date().timeIntervalSince(started)
        if measured.newRows, predicted > 0 { buildCorrection *= seconds / predicted }
        let score = search.score(measured.errors)
        let trial = Trial(
            number: trials.count + 1, phase: phase, settings: s, change: change, sparsePoints: measured.columns,
            newRows: measured.newRows, errors: measured.errors, score: score, seconds: seconds)
        trials.append(trial)
        if score < (best?.score ?? .infinity) * (1 - search.minimumImprovement) { best = (s, score, trial.number) }
        report(trial)
        return score
    }

    /// The validation errors of `s`, its sparse points, and whether new kernel rows were computed.
    private mutating func measure(_ s: TrialSettings) throws(TuningError) -> (ValidationErrors, Int, Bool) {
        let counts = sparseCounts(s)
        if let system = kept(s) {
            do { return (try system.validationErrors(sigmas: s.sigmas, delta: s.delta), system.columns, false) } catch {
                throw .fit(error)
            }
        }
        guard try rowsFitInMemory(s) else {
            let (errors, columns) = try plainFit(s, counts: counts)
            return (errors, columns, true)
        }
        let system: KernelSystem, solving: Date, errors: ValidationErrors
        do {
            system = try KernelSystem(
                fit: phaseFit, validation: validation, settings: s.fitSettings(base: search.base, counts: counts))
            solving = Date()
            errors = try system.validationErrors(sigmas: s.sigmas, delta: s.delta)
        } catch {
            throw .fit(error)
        }
        solveSeconds[system.columns] = Date().timeIntervalSince(solving)
        let bestKey = best.map { rowsKey($0.settings) }
        systems.removeAll { $0.key != bestKey }
        systems.append((rowsKey(s), system))
        return (errors, system.columns, true)
    }

    /// Records a trial whose fit failed (score +∞) and reports it; the search goes on.
    private mutating func record(
        _ s: TrialSettings, change: String, failure: TuningError, started: Date
    ) -> Double {
        tried.insert(s)
        if kept(s) == nil { failedRows.insert(rowsKey(s)) }
        var trial = Trial(
            number: trials.count + 1, phase: phase, settings: s, change: change, sparsePoints: 0, newRows: true,
            errors: ValidationErrors(), score: .infinity, seconds: Date().timeIntervalSince(started))
        trial.failure = "\(failure)"
        trials.append(trial)
        report(trial)
        return .infinity
    }

    /// The validation errors of a fit with `s` (its rows too large to keep), and its sparse points.
    private func plainFit(_ s: TrialSettings, counts: [Int: Int]) throws(TuningError) -> (ValidationErrors, Int) {
        let potential: GAPPotential, fitReport: FitReport
        do {
            (potential, fitReport) = try GAPTrainer.fit(phaseFit, settings: s.fitSettings(base: search.base, counts: counts))
        } catch {
            throw .fit(error)
        }
        let statistics: ErrorStatistics
        do { statistics = try Predictions(validation, calculator: potential, keys: search.base.keys).statistics } catch {
            throw .prediction("\(error)")
        }
        var errors = ValidationErrors()
        let g = statistics.overall
        (errors.energies, errors.forceComponents) = (g.energyPerAtom.count, g.forces.count)
        (errors.energyMAE, errors.energyRMSE) = (g.energyPerAtom.mae, g.energyPerAtom.rmse)
        (errors.forceMAE, errors.forceRMSE) = (g.forces.mae, g.forces.rmse)
        let points = fitReport.sparseIndices.values.reduce(0) { $0 + $1.count }
        return (errors, points + fitReport.termSparseIndices.reduce(0) { $0 + $1.count })
    }
}
