import Atoms
import Foundation
import GAP
import Testing
import Tuning

/// The search: its order of trials, its use of kept rows, the budget, and what it returns.
@Suite("Hyper-parameter search")
struct HyperparameterSearchTests {
    static func search(budget: Double = 600, trials: Int? = 14) -> HyperparameterSearch {
        let base = KernelSystemTests.settings(delta: 1, twoBody: false)
        var search = HyperparameterSearch(
            base: base,
            start: TrialSettings(soap: base.soap!, kernel: base.kernel, sigmas: base.sigmas),
            parameters: [.sigmaForce, .sigmaEnergy, .delta, .nMax, .nSparse], budget: budget)
        search.maximumTrials = trials
        search.cheapFraction = 0.5
        search.cheapMinimum = 10
        return search
    }

    @Test func theSameSettingsGiveTheSameTrialsAndTheBestIsTheLowestScore() throws {
        let fit = try KernelSystemTests.silicon(10, seed: 1), validation = try KernelSystemTests.silicon(4, seed: 2)
        var heard = [Trial]()
        let first = try Self.search().run(fit: fit, validation: validation) { heard.append($0) }
        let second = try Self.search().run(fit: fit, validation: validation)
        #expect(first.trials.count == 14 && heard.map(\.number) == Array(1...14))
        #expect(first.trials.map(\.settings) == second.trials.map(\.settings))
        #expect(first.trials.map(\.change) == second.trials.map(\.change))
        // Scores agree to rounding (threads may add in another order).
        for (a, b) in zip(first.trials, second.trials) { #expect(abs(a.score - b.score) <= 1e-9 * a.score) }
        // The first trial computes rows; σ and δ steps re-solve them; n_max steps compute new ones.
        #expect(first.trials[0].newRows && first.trials[0].change == "start")
        for t in first.trials.dropFirst() {
            let structural = t.change.hasPrefix("n_max") || t.change.hasPrefix("n_sparse") || t.change == "all sparse points"
            #expect(t.newRows == (structural && !t.change.contains(", ")), "\(t.number): \(t.change)")
        }
        // Cheap trials use half of the 30 sparse points; the best is the lowest score of its phase.
        #expect(first.trials.filter { $0.phase == "cheap" }.allSatisfy { $0.sparsePoints == 15 })
        let best = first.trials[first.bestTrial - 1]
        let lowest = first.trials.filter { $0.phase == best.phase }.map(\.score).min()!
        #expect(best.settings == first.best && best.score * (1 - 0.002) <= lowest)
        // The outcome's settings are the best ones with their sparse points.
        #expect(first.settings.sigmas.force == first.best.sigmaForce && first.settings.soap?.nMax == first.best.nMax)
        #expect(first.sparseCounts[14] == Int((30 * first.best.sparseScale).rounded()))
    }

    @Test func aStepThatHelpsIsFollowedInTheSameDirection() throws {
        let fit = try KernelSystemTests.silicon(10, seed: 1), validation = try KernelSystemTests.silicon(4, seed: 2)
        var search = Self.search(trials: 12)
        search.parameters = [.sigmaForce]
        // From a σ_F far too large, halving helps again and again.
        search.start.sigmaForce = 2
        let outcome = try search.run(fit: fit, validation: validation)
        let forces = outcome.trials.filter { $0.phase == "cheap" }.map(\.settings.sigmaForce)
        #expect(Array(forces.prefix(3)) == [2, 1, 0.5])
        #expect(outcome.best.sigmaForce < 0.5)
    }

    @Test func aStepThatCannotBeFittedIsLeftOutAndTheSearchGoesOn() throws {
        // One Ge per cell: Ge–Ge pairs are never within the cutoff, so the 2-body term (one per element pair)
        // cannot choose Ge–Ge sparse points. The start (no 2-body term) must still win.
        func doped(_ structures: [Structure]) -> [Structure] {
            structures.map { s in
                var s = s
                s.atomicNumbers[0] = 32
                return s
            }
        }
        let fit = doped(try KernelSystemTests.silicon(10, seed: 1)), validation = doped(try KernelSystemTests.silicon(4, seed: 2))
        var search = Self.search(trials: 12)
        search.parameters = [.twoBody, .sigmaForce]
        var heard = [Trial]()
        let outcome = try search.run(fit: fit, validation: validation) { heard.append($0) }
        let failed = try #require(heard.first { $0.settings.twoBody })
        #expect(failed.score == .infinity && failed.failure?.contains("Ge–Ge") == true, "\(failed.failure ?? "")")
        #expect(heard.first?.failure == nil && !outcome.best.twoBody)
        // Its σ and δ steps would fail alike, and so would the term at other σ: none is tried.
        #expect(heard.filter { $0.failure != nil }.count == 1)
    }

    @Test func aBudgetTooSmallForOneTrialIsAnError() throws {
        let fit = try KernelSystemTests.silicon(10, seed: 1), validation = try KernelSystemTests.silicon(4, seed: 2)
        #expect {
            try Self.search(budget: 1e-6).run(fit: fit, validation: validation)
        } throws: { error in
            guard case .budget? = error as? TuningError else { return false }
            return "\(error)".contains("--budget")
        }
    }

    @Test func validationWithoutReferenceDataIsRefused() throws {
        let fit = try KernelSystemTests.silicon(10, seed: 1)
        let bare = try KernelSystemTests.silicon(2, seed: 2).map { s -> Structure in
            var s = s
            s.info = [:]
            s.arrays = [:]
            return s
        }
        #expect {
            try Self.search().run(fit: fit, validation: bare)
        } throws: { error in
            if case .nothingToScore? = error as? TuningError { return true }
            return false
        }
    }
}
