import Atoms
import Evaluation
import Foundation
import GAP
import LinearAlgebra

/// The active-learning loop: fit on the labelled set, score the candidates (a pool, or frames of a short MD run
/// with the current potential) by their mean predicted force σ, pick the most uncertain ones kept diverse
/// (`UncertainDiverseSelection`), label them with an `Oracle`, add them and refit. Round 0 is the fit on the
/// initial set; round r the fit after r batches. The loop stops after `rounds` batches, once `budget` seconds
/// have passed at the end of a round, when the mean candidate σ falls below `stopSigma`, or when a pool is used
/// up. The same settings and seed give the same picks and potentials.
public struct ActiveLearning {
    /// Why the loop stopped.
    public enum Stop: String, Sendable {
        case rounds, budget, sigma
        case poolExhausted = "pool exhausted"
    }

    /// What a loop leaves: the labelled set, the last potential (fitted on all of it), and every round.
    public struct Outcome {
        /// The initial configurations followed by the labelled picks (info `learn_round`, and `learn_pool_index`
        /// for picks from a pool).
        public var labelled: [Structure]
        /// The potential of the last round.
        public var potential: GAPPotential
        /// The last fit's report.
        public var report: FitReport
        /// Every round, in order.
        public var rounds: [LearningRound]
        /// Why the loop stopped.
        public var stop: Stop
    }

    /// The settings of every fit (their seed also seeds the MD runs).
    public var settings: FitSettings
    /// Batches to label.
    public var rounds = 8
    /// Configurations labelled per batch.
    public var perRound = 10
    /// How many of the most uncertain candidates the diverse picks come from (nil: 3 × `perRound`).
    public var diverseCandidates: Int?
    /// Stop when the mean candidate σ (eV/Å) falls below this.
    public var stopSigma: Double?
    /// Stop at the end of the round during which this many seconds have passed.
    public var budget: Double?
    /// The variance the candidates are scored by.
    public var uncertainty: UncertaintyModel = .full

    /// A loop fitting with `settings`.
    public init(settings: FitSettings) { self.settings = settings }

    /// Checks the loop's settings (the fit's own are checked by the first fit).
    /// - Throws: `LearningError.invalidSetting` naming the first bad one.
    public func validate() throws(LearningError) {
        guard rounds >= 1 else { throw .invalidSetting(name: "rounds", value: "\(rounds)", hint: "run at least one round") }
        guard perRound >= 1 else {
            throw .invalidSetting(name: "configurations per round", value: "\(perRound)", hint: "label at least one")
        }
        if let diverseCandidates, diverseCandidates < perRound {
            throw .invalidSetting(
                name: "diverse candidates", value: "\(diverseCandidates)",
                hint: "at least the configurations per round (\(perRound))")
        }
        if let stopSigma, !(stopSigma > 0 && stopSigma.isFinite) {
            throw .invalidSetting(name: "stop σ", value: "\(stopSigma)", hint: "must be positive (eV/Å)")
        }
        if let budget, !(budget > 0 && budget.isFinite) {
            throw .invalidSetting(name: "budget", value: "\(budget) s", hint: "must be positive")
        }
        guard settings.storeVariance else {
            throw .invalidSetting(name: "store variance", value: "false", hint: "candidates are scored by predicted variances")
        }
    }

    /// Runs the loop from `initial` (labelled), with candidates from `source`, labels from `oracle`, and errors on
    /// `test` (may be empty); `onRound` hears about each round as it ends.
    /// - Throws: `LearningError` naming the round, or what `onRound` throws.
    public func run(
        initial: [Structure], candidates source: CandidateSource, oracle: some Oracle, test: [Structure] = [],
        onRound: (LearningRound) throws -> Void = { _ in }
    ) throws -> Outcome {
        try validate()
        if case .dynamics(let md) = source { try md.validate() }
        let start = Date()
        var labelled = initial
        var remaining: [Int]
        switch source {
        case .pool(let pool):
            try oracle.check(pool, role: "pool")
            remaining = Array(pool.indices)
        case .dynamics(let md):
            try oracle.check([md.start], role: "MD start")
            remaining = []
        }
        var history = [LearningRound]()
        var round = 0
        while true {
            let (potential, report) = try fit(labelled, round: round)
            let (candidates, note) = try self.candidates(source, remaining: remaining, potential: potential, round: round)
            let scores = try score(candidates, potential: potential, round: round)
            let errors = try testErrors(test, potential: potential, round: round)
            let record = LearningRound(
                round: round, labelled: labelled.count, testEnergyRMSE: errors.energy, testForceRMSE: errors.forces,
                candidates: candidates.count, meanSigma: scores.isEmpty ? 0 : scores.reduce(0, +) / Double(scores.count),
                maxSigma: scores.max() ?? 0, seconds: Date().timeIntervalSince(start), note: note)
            history.append(record)
            try onRound(record)

            var stop: Stop?
            if round == rounds { stop = .rounds }
            if let budget, record.seconds >= budget { stop = .budget }
            if let stopSigma, record.meanSigma < stopSigma { stop = .sigma }
            if candidates.isEmpty { stop = .poolExhausted }
            if let stop { return Outcome(labelled: labelled, potential: potential, report: report, rounds: history, stop: stop) }

            round += 1
            let count = min(perRound, candidates.count)
            let features: Matrix
            do { features = try potential.configurationFeatures(candidates) } catch {
                throw LearningError.model(round: round, stage: "candidate features", error)
            }
            let picked: [Int]
            do {
                picked = try UncertainDiverseSelection.select(
                    scores: scores, features: features, count: count,
                    candidates: min(diverseCandidates ?? 3 * count, candidates.count))
            } catch { throw LearningError.model(round: round, stage: "selection", error) }
            var batch = picked.map { candidates[$0] }
            if case .pool = source {
                for (k, i) in picked.enumerated() { batch[k].info["learn_pool_index"] = .int(remaining[i]) }
                let taken = Set(picked.map { remaining[$0] })
                remaining.removeAll { taken.contains($0) }
            }
            for s in try oracle.label(batch, round: round) {
                var t = s
                t.info["learn_round"] = .int(round)
                labelled.append(t)
            }
        }
    }

    /// The fit of one round.
    private func fit(_ structures: [Structure], round: Int) throws(LearningError) -> (GAPPotential, FitReport) {
        do {
            var (potential, report) = try GAPTrainer.fit(structures, settings: settings)
            potential.threads = settings.threads
            return (potential, report)
        } catch { throw .model(round: round, stage: "fit on \(structures.count) configurations", error) }
    }

    /// The candidates of one round: what is left of the pool, or the frames of an MD run with `potential`.
    private func candidates(
        _ source: CandidateSource, remaining: [Int], potential: GAPPotential, round: Int
    ) throws(LearningError) -> ([Structure], String?) {
        switch source {
        case .pool(let pool): return (remaining.map { pool[$0] }, nil)
        case .dynamics(let md): return try md.frames(potential: potential, seed: settings.seed &+ UInt64(round), round: round)
        }
    }

    /// Each candidate's mean predicted force-component σ.
    private func score(_ candidates: [Structure], potential: GAPPotential, round: Int) throws(LearningError) -> [Double] {
        var scores = [Double]()
        for (k, s) in candidates.enumerated() {
            let sigma: PredictiveUncertainty?
            do { sigma = try potential.uncertainty(s, model: uncertainty) } catch {
                throw LearningError(error, round: round, stage: "uncertainty of candidate \(k)")
            }
            guard let sigma else { throw .noVariance(round: round) }
            scores.append(sigma.meanForce)
        }
        return scores
    }

    /// The test RMSEs of energy per atom and forces (nil where the test set has no such references).
    private func testErrors(
        _ test: [Structure], potential: GAPPotential, round: Int
    ) throws(LearningError) -> (energy: Double?, forces: Double?) {
        guard !test.isEmpty else { return (nil, nil) }
        do {
            let o = try Predictions(test, calculator: potential, keys: settings.keys).statistics.overall
            return (o.energyPerAtom.rmse, o.forces.rmse)
        } catch { throw LearningError(error, round: round, stage: "test errors") }
    }
}
