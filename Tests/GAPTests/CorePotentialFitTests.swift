import Atoms
import Classical
import Descriptors
import Foundation
import Support
import TestSupport
import Testing

@testable import GAP

/// A GAP fitted on top of a core potential: the core is taken out of the targets and added back.
@Suite("Core potentials under a GAP")
struct CorePotentialFitTests {
    static let zbl = CorePotential.zbl(try! ZBLPotential(inner: 1.2, outer: 2.4))

    /// Lennard-Jones for every Si–C pair.
    static func lennardJones() throws -> LennardJones {
        let p = LennardJones.Parameters(epsilon: 0.1, sigma: 2.0, cutoff: 3.0)
        return try LennardJones(pairs: [(14, 14, p), (14, 6, p), (6, 6, p)])
    }

    static func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((a - b) * (a - b)).sum().squareRoot() }

    /// Random Si–C cells, periodic and smaller than the cutoffs, labelled by `calculator`.
    static func cells(_ count: Int, seed: UInt64, labelledBy calculator: some Calculator) throws -> [Structure] {
        var rng = SeededGenerator(seed: seed)
        return try (0..<count).map { _ in
            let cell = RandomStructures.triclinicCell(lengths: 3.2...4.0, rng: &rng)
            let s = RandomStructures.atoms(
                count: 4, cell: cell, pbc: Periodicity(true, true, true), elements: [14, 6], minimumDistance: 1.0, rng: &rng)
            return try s.labelled(by: calculator)
        }
    }

    static func settings(core: CorePotential?) -> FitSettings {
        var s = FitSettings(
            soap: nil, sigmas: Sigmas(energy: 0.001, force: 0.01, virial: 0.01), e0: .explicit([14: 0, 6: 0]), jitter: 1e-8,
            threads: 2)
        s.core = core
        s.terms = [
            GeometricTermSettings(
                descriptor: .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 3, width: 0.5))),
                kernel: SquaredExponentialKernel(delta: 1, theta: [0.5]), sparseCount: 6)
        ]
        return s
    }

    /// Data the core alone made leave nothing to learn: every weight is (numerically) zero and the potential
    /// predicts the core exactly; without the core the same fit has real work to do.
    @Test func dataOfTheCoreAloneLeaveNothingToLearn() throws {
        let data = try Self.cells(6, seed: 5, labelledBy: Self.zbl)
        let (gap, _) = try GAPTrainer.fit(data, settings: Self.settings(core: Self.zbl))
        #expect(gap.core == Self.zbl && gap.terms.count == 3)
        let largest = gap.terms.flatMap(\.alpha).map(abs).max() ?? .infinity
        #expect(largest < 1e-9, "largest |α| = \(largest)")
        for s in try Self.cells(2, seed: 9, labelledBy: Self.zbl) {
            let r = try gap.calculate(s), core = try Self.zbl.calculate(s)
            #expect(abs(r.energy - core.energy) < 1e-8 * max(1, abs(core.energy)))
            #expect(zip(r.forces, core.forces).allSatisfy { Self.distance($0, $1) < 1e-7 })
        }
        let (without, _) = try GAPTrainer.fit(data, settings: Self.settings(core: nil))
        #expect((without.terms.flatMap(\.alpha).map(abs).max() ?? 0) > 1e-3)
    }

    /// The core's forces and virial are part of the potential's, consistent with its energy.
    @Test func forcesAndVirialIncludeTheCore() throws {
        let reference = try Self.lennardJones()
        let data = try Self.cells(6, seed: 3, labelledBy: reference)
        var (gap, _) = try GAPTrainer.fit(data, settings: Self.settings(core: Self.zbl))
        gap.threads = 1
        let s = try Self.cells(1, seed: 11, labelledBy: reference)[0]
        let r = try gap.calculate(s)
        let fd = try FiniteDifferences.forces({ try gap.calculate($0).energy }, at: s)
        #expect(zip(r.forces, fd).allSatisfy { Self.distance($0, $1) < 1e-6 * max(1, Self.distance($1, .zero)) })
        let w = try FiniteDifferences.virial({ try gap.calculate($0).energy }, at: s)
        #expect((0..<3).allSatisfy { i in (0..<3).allSatisfy { j in abs(r.virial[i, j] - w[i, j]) < 1e-5 * max(1, abs(w[i, j])) } })
        #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) < 1e-9)
    }

    /// The core is stored in the potential file and read back.
    @Test func theCoreIsStoredInThePotentialFile() throws {
        let data = try Self.cells(4, seed: 2, labelledBy: Self.lennardJones())
        let settings = Self.settings(core: Self.zbl)
        let (gap, report) = try GAPTrainer.fit(data, settings: settings)
        let folder = try TemporaryFolder(prefix: "swiftgap-core")
        let path = folder.path("core.gap")
        try gap.write(
            to: path,
            fit: FitRecord(
                settings: settings, trainingFile: "t.xyz", trainingSHA256: "", trainingConfigurations: data.count,
                observations: report.observations, reciprocalCondition: report.reciprocalCondition),
            codeVersion: "test")
        let (back, metadata) = try GAPPotential.load(path: path)
        #expect(back.core == Self.zbl && metadata.core == Self.zbl && metadata.fit.settings.core == Self.zbl)
        #expect(try back.calculate(data[0]).energy == gap.calculate(data[0]).energy)
    }

    /// A configuration the core cannot evaluate is named before the fit.
    @Test func aConfigurationTheCoreCannotEvaluateIsNamed() throws {
        let section = try PairTableSection(keyword: "SISI", distances: [1.5, 2.0, 3.0], energies: [1, 0.2, 0], forces: [2, 0.5, 0])
        let table = CorePotential.pairTable(
            try TabulatedPairPotential(sections: [section], mapping: PairTableMapping(parsing: "Si-Si:SISI")))
        let data = try Self.cells(2, seed: 5, labelledBy: Self.zbl)
        var settings = Self.settings(core: table)
        settings.e0 = .explicit([14: 0, 6: 0])
        do {
            _ = try GAPTrainer.fit(data, settings: settings)
            Issue.record("expected the core to refuse Si–C pairs")
        } catch let GAPError.badReference(configuration, _, detail) {
            #expect(configuration == 0 && detail.contains("core potential"))
        }
    }

    /// gap_fit's theta_fac: θ = factor × the range of the training instances' distances.
    @Test func lengthScaleFromTheData() throws {
        let data = try Self.cells(4, seed: 7, labelledBy: Self.lennardJones())
        var settings = Self.settings(core: nil)
        settings.terms[0].thetaFactor = [0.5]
        settings.terms[0].addSpecies = false
        let (gap, _) = try GAPTrainer.fit(data, settings: settings)
        var lo = Double.infinity, hi = 0.0
        for s in data {
            let list = try NeighborList(s, cutoff: 3)
            for r in list.distances where r < 3 {
                lo = min(lo, r)
                hi = max(hi, r)
            }
        }
        let theta = try #require(gap.terms.first?.sparse.kernel.theta.first)
        #expect(abs(theta - 0.5 * (hi - lo)) < 1e-12, "θ \(theta), range \(hi - lo)")
    }
}
