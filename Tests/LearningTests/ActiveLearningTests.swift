import Atoms
import Classical
import Foundation
import GAP
import Learning
import TestSupport
import Testing
import TrainingData

/// The active-learning loop on tiny Stillinger–Weber silicon, with the oracle in-process and as a command.
@Suite("active learning")
struct ActiveLearningTests {
    /// Strained and rattled 8-atom diamond cells; labelled by Stillinger–Weber when `labelled`.
    static func silicon(_ count: Int, seed: UInt64, labelled: Bool = true) throws -> [Structure] {
        let cells = SiliconRecipe(seed: seed).structures(counts: (bulk: count, defects: 0, surfaces: 0))
        return labelled ? try cells.map { try $0.labelled(by: StillingerWeber()) } : cells
    }

    static func loop(rounds: Int = 2) -> ActiveLearning {
        var loop = ActiveLearning(
            settings: FitSettings(
                soap: SOAPSettings(cutoff: 4, nMax: 4, lMax: 3, speciesZ: []), sparseCount: 40, e0: .average, seed: 3,
                threads: 2))
        loop.rounds = rounds
        loop.perRound = 3
        return loop
    }

    static let sw = CalculatorOracle(StillingerWeber(), elements: [14])

    @Test func twoRoundsFromAPoolLabelTheMostUncertainAndLogEveryRound() throws {
        let initial = try Self.silicon(4, seed: 1), pool = try Self.silicon(12, seed: 2, labelled: false)
        let test = try Self.silicon(4, seed: 3)
        var heard = [LearningRound]()
        let outcome = try Self.loop().run(initial: initial, candidates: .pool(pool), oracle: Self.sw, test: test) {
            heard.append($0)
        }
        #expect(outcome.stop == .rounds)
        #expect(outcome.rounds == heard && heard.map(\.round) == [0, 1, 2])
        #expect(heard.map(\.labelled) == [4, 7, 10] && heard.map(\.candidates) == [12, 9, 6])
        #expect(heard.allSatisfy { ($0.testForceRMSE ?? 0) > 0 && $0.testEnergyRMSE != nil && $0.maxSigma >= $0.meanSigma })
        #expect(heard.allSatisfy { $0.meanSigma > 0 })
        // The picks are labelled by the oracle, tagged with their round and pool index, never picked twice.
        let added = outcome.labelled.dropFirst(4)
        let indices = added.compactMap { s -> Int? in if case .int(let i)? = s.info["learn_pool_index"] { i } else { nil } }
        #expect(indices.count == 6 && Set(indices).count == 6)
        for s in added {
            let reference = try StillingerWeber().calculate(s)
            guard case .double(let e)? = s.info["energy"] else {
                Issue.record("no energy")
                continue
            }
            #expect(abs(e - reference.energy) < 1e-9)
        }
        #expect(added.map { s in if case .int(let r)? = s.info["learn_round"] { r } else { -1 } } == [1, 1, 1, 2, 2, 2])
        // Round 1 picks the configurations the initial potential is least sure of (diversity may swap in a close one).
        let first = try GAPTrainer.fit(initial, settings: Self.loop().settings).potential
        let scores = try pool.map { try #require(try first.uncertainty($0)).meanForce }
        let top = Set(scores.indices.sorted { scores[$0] > scores[$1] }.prefix(9))
        #expect(indices.prefix(3).allSatisfy(top.contains))
        let most = try #require(scores.indices.max { scores[$0] < scores[$1] })
        #expect(indices.prefix(3).contains(most), "the most uncertain configuration is picked first")
        // The potential is the last fit, on everything labelled; the same seed gives the same loop.
        #expect(outcome.report.observations > 0)
        let again = try Self.loop().run(initial: initial, candidates: .pool(pool), oracle: Self.sw, test: test)
        #expect(again.rounds.map(\.csvLine.count) == heard.map(\.csvLine.count))
        // Equal up to the order of threaded sums.
        #expect(zip(again.rounds, heard).allSatisfy { abs($0.meanSigma - $1.meanSigma) <= 1e-9 * $1.meanSigma })
        #expect(again.labelled.count == outcome.labelled.count)
        #expect(
            zip(again.labelled, outcome.labelled).allSatisfy { $0.positions == $1.positions }, "the same picks for the same seed")
    }

    @Test func stopsWhenTheUncertaintyFallsBelowTheThreshold() throws {
        var loop = Self.loop(rounds: 5)
        loop.stopSigma = 1e6
        let outcome = try loop.run(
            initial: try Self.silicon(4, seed: 1), candidates: .pool(try Self.silicon(6, seed: 2)), oracle: Self.sw)
        #expect(outcome.stop == .sigma && outcome.rounds.count == 1 && outcome.rounds[0].testForceRMSE == nil)
    }

    @Test func candidatesFromMolecularDynamicsWithTheCurrentPotential() throws {
        let start = try Self.silicon(1, seed: 5, labelled: false)[0]
        var md = MDCandidates(start: start, steps: 20, interval: 5, temperature: 300)
        md.timeStep = 0.5
        let outcome = try Self.loop(rounds: 1).run(
            initial: try Self.silicon(4, seed: 1), candidates: .dynamics(md), oracle: Self.sw)
        #expect(outcome.rounds.map(\.candidates) == [4, 4] && outcome.labelled.count == 7)
    }

    @Test func anOracleThatDoesNotKnowAnElementIsRefusedBeforeTheFirstFit() throws {
        var pool = try Self.silicon(3, seed: 2)
        pool[1].atomicNumbers[0] = 6
        #expect(throws: LearningError.self) {
            try Self.loop().run(initial: try Self.silicon(4, seed: 1), candidates: .pool(pool), oracle: Self.sw)
        }
        do { _ = try Self.loop().run(initial: [], candidates: .pool(pool), oracle: Self.sw) } catch {
            #expect("\(error)".contains("configuration 1 of the pool contains C"), "\(error)")
        }
    }

    @Test func theOracleCommandLabelsThroughFilesAndItsFailuresNameTheRoundAndFile() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-learn")
        let initial = try Self.silicon(4, seed: 1), pool = try Self.silicon(8, seed: 2)

        // A pool labelled beforehand: `cp` relabels it with the same values.
        let copy = try CommandOracle(command: "cp {in} {out}", folder: folder.url.path)
        let outcome = try Self.loop(rounds: 1).run(initial: initial, candidates: .pool(pool), oracle: copy)
        #expect(outcome.labelled.count == 7)
        #expect(FileManager.default.fileExists(atPath: folder.path("round-001.in.xyz")))
        #expect(try ExtXYZReader.read(path: folder.path("round-001.out.xyz")).count == 3)

        func failure(_ command: String) throws -> String {
            let oracle = try CommandOracle(command: command, folder: folder.url.path)
            do { _ = try oracle.label(Array(pool.prefix(2)), round: 4) } catch { return "\(error)" }
            return "no error"
        }
        let failed = try failure("echo broken >&2; exit 3 # {in} {out}")
        #expect(failed.contains("round 4") && failed.contains("status 3") && failed.contains("broken"), "\(failed)")
        let missing = try failure("true {in} {out}")
        #expect(missing.contains("round 4") && missing.contains("round-004.out.xyz") && missing.contains("wrote no"), "\(missing)")
        let short = try failure("head -n 10 {in} > {out}")
        #expect(short.contains("round 4") && short.contains("round-004.out.xyz"), "\(short)")
        let unlabelled = try failure("sed 's/energy=[^ ]*//; s/:forces:R:3//' {in} > {out}")
        #expect(unlabelled.contains("round-004.out.xyz"), "\(unlabelled)")
        #expect(throws: LearningError.self) { try CommandOracle(command: "dft.sh input output", folder: folder.url.path) }
    }
}
