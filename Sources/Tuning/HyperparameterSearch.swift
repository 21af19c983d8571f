import Atoms
import Evaluation
import Foundation
import GAP

/// A search of a GAP's settings on validation configurations, under a time budget, cheap fits first.
///
/// Phase "cheap": a share of the fitted configurations (`cheapConfigurationFraction`), and every element gets
/// `cheapFraction` of its requested sparse points (at least `cheapMinimum`, at most all). One coordinate-descent pass after another goes through `parameters` in
/// `TuningParameter.searchOrder`: each setting steps to its neighbors (`TuningParameter.neighbors`) and keeps
/// going in a direction while the score improves. σ and δ re-solve kept kernel rows (`KernelSystem`: a merge of
/// its QR triangles each); a descriptor or kernel setting computes new rows and is scored after a step of σ and δ of its own, so
/// that it is not judged at σ tuned for the old rows. Passes stop when one changes nothing.
/// Phase "full": the best settings with the requested sparse points, σ and δ stepped again (the best σ shrink
/// as sparse points are added), and with `n_sparse` searched, twice the sparse points while that helps.
///
/// Time: each trial's cost is predicted (from `FitEstimate` for new rows, corrected by the ratio measured on
/// the previous ones; from the last re-solve at that size), and a phase ends at the first trial that
/// would not end before its deadline: "cheap" may use `cheapShare` of the budget, "full" the rest. So a seed
/// gives the same trials in the same order on every machine, and a budget a prefix of them.
public struct HyperparameterSearch: Sendable {
    /// Everything of a fit that is not searched (keys, e0, sparse method, jitter, threads, seed, …); its sparse
    /// counts are the requested ones.
    public var base: FitSettings
    /// Where the search starts.
    public var start: TrialSettings
    /// The settings searched.
    public var parameters: Set<TuningParameter>
    /// Seconds the search may take.
    public var budget: Double
    /// Stop after this many trials (nil: only the budget stops it).
    public var maximumTrials: Int?
    /// The score's weights of energy and force errors: a weighted geometric mean of the two.
    public var energyWeight = 1.0, forceWeight = 1.0
    /// Score mean absolute errors (true) or root-mean-square ones.
    public var scoresMAE = true
    /// The cheap phase's share of the requested sparse points (at least `cheapMinimum` per element, at most
    /// all), and of the budget.
    public var cheapFraction = 0.25, cheapMinimum = 100, cheapShare = 0.6
    /// The cheap phase's share of the fitted configurations (at least `cheapMinimumConfigurations`, at most
    /// all; drawn with the base settings' seed).
    public var cheapConfigurationFraction = 1.0 / 3, cheapMinimumConfigurations = 100
    /// A setting replaces the best only when its score is lower by this share (so plateaus, e.g. sparse points
    /// beyond what the data can use, are not walked along).
    public var minimumImprovement = 0.002
    /// Bytes of what one setting keeps for re-solves (`KernelSystem`: its fit rows' triangles and its validation
    /// rows; the best setting's and the latest are kept); a setting that needs more is scored by a plain fit,
    /// and so is each of its σ and δ steps.
    public var memoryLimit = Int(ProcessInfo.processInfo.physicalMemory / 4)

    /// A search from `start` over `parameters` with everything else from `base`, for `budget` seconds.
    public init(base: FitSettings, start: TrialSettings, parameters: Set<TuningParameter>, budget: Double) {
        self.base = base
        self.start = start
        self.parameters = parameters
        self.budget = budget
    }

    /// What a search found.
    public struct Outcome: Sendable {
        /// Every trial, in order.
        public var trials: [Trial]
        /// The best settings (of the full phase when it ran, else of the cheap one, sparse scale 1).
        public var best: TrialSettings
        /// The trial that scored them.
        public var bestTrial: Int
        /// The sparse points per element of `best`.
        public var sparseCounts: [Int: Int]
        /// The fit settings of `best`.
        public var settings: FitSettings
    }

    /// The score of `errors` (lower is better): exp((w_E ln E + w_F ln F) / (w_E + w_F)) over the errors the
    /// validation set has, in meV/atom and meV/Å.
    public func score(_ errors: ValidationErrors) -> Double {
        let e = scoresMAE ? errors.energyMAE : errors.energyRMSE, f = scoresMAE ? errors.forceMAE : errors.forceRMSE
        var sum = 0.0, weight = 0.0
        if let e, energyWeight > 0 {
            sum += energyWeight * log(max(e * 1000, 1e-12))
            weight += energyWeight
        }
        if let f, forceWeight > 0 {
            sum += forceWeight * log(max(f * 1000, 1e-12))
            weight += forceWeight
        }
        return weight > 0 ? exp(sum / weight) : .infinity
    }

    /// Runs the search on `fit` (the configurations fitted) and `validation` (the ones scored); `report` hears
    /// of each trial as it ends.
    /// - Throws: `TuningError` when the budget cannot hold one trial, there is nothing to score, or a fit fails.
    public func run(
        fit: [Structure], validation: [Structure], report: (Trial) -> Void = { _ in }
    ) throws(TuningError) -> Outcome {
        try withoutActuallyEscaping(report) { (report) throws(TuningError) in
            var run = SearchRun(search: self, fit: fit, validation: validation, report: report)
            return try run.run()
        }
    }
}

/// Why a search stopped before it found anything.
public enum TuningError: Error, CustomStringConvertible, Sendable {
    /// A fit of the search failed.
    case fit(GAPError)
    /// Not even the first trial fits in the budget.
    case budget(needed: Double, budget: Double)
    /// The validation configurations have neither energies nor forces.
    case nothingToScore
    /// A fitted potential could not predict a validation configuration.
    case prediction(String)

    public var description: String {
        switch self {
        case let .fit(error): "\(error)"
        case let .budget(needed, budget):
            String(
                format: "the first trial needs about %.0f s, more than the budget's %.0f s: give a larger --budget or "
                    + "fewer sparse points (--n-sparse)", needed, budget)
        case .nothingToScore:
            "the validation configurations have neither energies nor forces to score the fits on"
        case let .prediction(detail): "a validation configuration cannot be predicted: \(detail)"
        }
    }
}
