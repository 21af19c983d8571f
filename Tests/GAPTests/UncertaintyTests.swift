import Atoms
import Foundation
import LinearAlgebra
import Support
import Testing

@testable import GAP

/// Predictive variances of total energies and forces.
@Suite("Energy and force uncertainties")
struct UncertaintyTests {
    static let models: [(String, GAPPotential)] = [
        ("SOAP, 2- and 3-body", MultiTermModels.fitted), ("2- and 3-body only", MultiTermModels.fittedWithoutSOAP)
    ]

    /// `s` with atom `j` moved by `h` along axis `beta`.
    static func displaced(_ s: Structure, atom j: Int, axis beta: Int, by h: Double) -> Structure {
        var t = s
        t.positions[j][beta] += h
        return t
    }

    /// A force component is −∂E/∂r, so its variance is the limit of the variance of the central difference
    /// (E(r + h) − E(r − h)) / 2h, which the posterior covariance of the two energies gives: every force
    /// variance (kernel columns and prior second derivatives of every term) against the energy covariance, on a
    /// molecule, a triclinic cell and a cell smaller than the cutoffs.
    @Test(arguments: [0, 1], UncertaintyModel.allCases)
    func forceVariancesAreTheLimitOfEnergyDifferences(model: Int, kind: UncertaintyModel) throws {
        let (name, gap) = Self.models[model]
        let h = 1e-3
        for s in MultiTermModels.unseen {
            let sigma = try #require(try gap.uncertainty(s, model: kind))
            for j in 0..<s.count {
                for beta in 0..<3 {
                    let plus = Self.displaced(s, atom: j, axis: beta, by: h), minus = Self.displaced(s, atom: j, axis: beta, by: -h)
                    let c = try #require(try gap.energyCovariance([plus, minus], model: kind))
                    let difference = (c[0, 0] + c[1, 1] - 2 * c[0, 1]) / (4 * h * h)
                    let analytic = sigma.forces[j][beta] * sigma.forces[j][beta]
                    #expect(
                        abs(difference - analytic) <= 2e-4 * max(analytic, 1e-4),
                        "\(name), \(kind), \(s.count) atoms, atom \(j) axis \(beta): \(analytic) against \(difference)")
                }
            }
        }
    }

    /// The energy's standard deviation is the root of its posterior variance, and a structure of two far-apart
    /// copies of a molecule has twice its energy, so four times its variance and twice its covariance with it:
    /// the prior covariance between atoms (not only of each atom with itself) enters the total.
    @Test(arguments: [0, 1], UncertaintyModel.allCases)
    func energyVarianceAddsTheCovarianceOfAtoms(model: Int, kind: UncertaintyModel) throws {
        let (_, gap) = Self.models[model]
        let molecule = MultiTermModels.unseen[1]
        var twice = molecule
        twice.atomicNumbers += molecule.atomicNumbers
        twice.positions += molecule.positions.map { $0 + SIMD3(40, 0, 0) }
        let c = try #require(try gap.energyCovariance([molecule, twice], model: kind))
        let sigma = try #require(try gap.uncertainty(molecule, model: kind))
        #expect(abs(sigma.energy * sigma.energy - c[0, 0]) <= 1e-12 * c[0, 0])
        #expect(abs(c[1, 1] - 4 * c[0, 0]) <= 1e-9 * c[1, 1])
        #expect(abs(c[0, 1] - 2 * c[0, 0]) <= 1e-9 * c[1, 1])
        #expect(c[0, 1] == c[1, 0])
        #expect(c[0, 0] > 0)
    }

    /// With every training atom a sparse point (SOAP only, forces weighted strongly), the projected variance knows
    /// the forces of the training configurations better than those of unseen ones; the full variance adds the part
    /// of the prior the sparse points cannot represent, which dominates and is never below the projected one.
    @Test func trainingForcesAreMoreCertainThanUnseenOnes() throws {
        let training = MultiTermModels.training
        var settings = MultiTermModels.settings(soap: true)
        settings.terms = []
        settings.sigmas = Sigmas(energy: 0.001, force: 0.01, virial: 0.1)
        for z in [6, 14] {
            settings.sparseCountByElement[z] = training.reduce(0) { $0 + $1.atomicNumbers.filter { $0 == z }.count }
        }
        let gap = try GAPTrainer.fit(training, settings: settings).potential
        func meanForceSigma(_ structures: [Structure], _ model: UncertaintyModel = .projected) throws -> Double {
            var sum = 0.0, count = 0
            for s in structures {
                for f in try #require(try gap.uncertainty(s, model: model)).forces {
                    sum += f.x + f.y + f.z
                    count += 3
                }
            }
            return sum / Double(count)
        }
        let seen = try meanForceSigma(training)
        let unseen = try meanForceSigma(Array(MultiTermModels.unseen.prefix(2)))
        #expect(seen > 0 && seen < 0.8 * unseen, "seen \(seen), unseen \(unseen)")
        #expect(try meanForceSigma(training, .full) > 2 * seen)
    }

    /// The calibration scales every standard deviation of the variance it was fitted for by its factor, and no other.
    @Test func calibrationScalesTheDeviations() throws {
        var gap = MultiTermModels.fitted
        let s = MultiTermModels.unseen[0]
        let plain = try #require(try gap.uncertainty(s))
        gap.calibration = UncertaintyCalibration(energy: 2, force: 0.5, model: .full)
        let scaled = try #require(try gap.uncertainty(s))
        var other = gap
        other.calibration = nil
        #expect(try gap.uncertainty(s, model: .projected) == (try other.uncertainty(s, model: .projected)))
        #expect(abs(scaled.energy - 2 * plain.energy) <= 1e-14 * plain.energy)
        for (a, b) in zip(scaled.forces, plain.forces) {
            let difference = a - 0.5 * b
            #expect(max(abs(difference.x), abs(difference.y), abs(difference.z)) <= 1e-14 * b.max())
        }
    }

    /// Among the most uncertain configurations, a cluster of near copies yields one pick; the next goes to the
    /// farthest uncertain configuration, never to one outside the candidates.
    @Test func selectionTakesTheUncertainAndKeepsThemApart() throws {
        let scores: [Double] = [9, 8.9, 8.8, 1, 5, 0.5]
        let features = try Matrix([[0, 0], [0.01, 0], [0, 0.01], [10, 10], [3, 0], [20, 20]])
        #expect(try UncertainDiverseSelection.select(scores: scores, features: features, count: 2, candidates: 4) == [0, 4])
        #expect(try UncertainDiverseSelection.select(scores: scores, features: features, count: 2, candidates: 5) == [0, 3])
        #expect(try UncertainDiverseSelection.select(scores: scores, features: features, count: 3, candidates: 3) == [0, 1, 2])
        #expect(throws: GAPError.self) {
            try UncertainDiverseSelection.select(scores: scores, features: features, count: 7, candidates: 7)
        }
        #expect(throws: GAPError.self) {
            try UncertainDiverseSelection.select(scores: [.nan] + scores.dropFirst(), features: features, count: 1, candidates: 1)
        }
    }

    /// A potential's configuration features are the mean of its SOAP rows: a supercell of a structure (the same
    /// atoms repeated) has the same features.
    @Test func configurationFeaturesAreMeanSOAPVectors() throws {
        let gap = MultiTermModels.fitted
        let cell = MultiTermModels.unseen[0]
        var doubled = cell
        doubled.atomicNumbers += cell.atomicNumbers
        doubled.positions += cell.positions.map { $0 + cell.cell[0] }
        doubled.cell = Cell(2 * cell.cell[0], cell.cell[1], cell.cell[2])
        let f = try gap.configurationFeatures([cell, doubled])
        let difference = (0..<f.columns).map { abs(f[0, $0] - f[1, $0]) }.max()!
        #expect(difference < 1e-12 && (0..<f.columns).map { abs(f[0, $0]) }.max()! > 0.01)
        #expect(try MultiTermModels.fittedWithoutSOAP.configurationFeatures([cell]).columns > 0)
    }
}
