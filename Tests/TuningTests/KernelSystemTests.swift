import Atoms
import Classical
import Evaluation
import Foundation
import GAP
import Testing
import TrainingData

/// Kept kernel rows, re-solved for other σ and δ, give the validation errors of a fit with them.
@Suite("Kernel rows re-solved for σ and δ")
struct KernelSystemTests {
    /// Strained and rattled 8-atom diamond cells labelled by Stillinger–Weber (energies, forces, virials).
    static func silicon(_ count: Int, seed: UInt64) throws -> [Structure] {
        try SiliconRecipe(seed: seed).structures(counts: (bulk: count, defects: 0, surfaces: 0)).map {
            try $0.labelled(by: StillingerWeber())
        }
    }

    static func settings(delta: Double, twoBody: Bool) -> FitSettings {
        var s = FitSettings(
            soap: SOAPSettings(cutoff: 4, nMax: 4, lMax: 3, speciesZ: []), kernel: PolynomialKernel(delta: delta, zeta: 2),
            sparseCount: 30, e0: .average, seed: 2, threads: 2)
        if twoBody {
            s.terms = [
                GeometricTermSettings(
                    descriptor: .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 1))),
                    kernel: SquaredExponentialKernel(delta: delta, theta: [1]), sparseCount: 10)
            ]
        }
        return s
    }

    /// Validation errors of a real fit with `settings`.
    static func fitted(_ fit: [Structure], _ validation: [Structure], settings: FitSettings) throws -> ErrorStatistics.Group {
        let potential = try GAPTrainer.fit(fit, settings: settings).potential
        return try Predictions(validation, calculator: potential, keys: ReferenceKeys()).statistics.overall
    }

    @Test(arguments: [false, true])
    func reSolvedErrorsEqualThoseOfAFitWithTheSameSigmaAndDelta(twoBody: Bool) throws {
        let fit = try Self.silicon(10, seed: 1), validation = try Self.silicon(4, seed: 2)
        let system = try KernelSystem(fit: fit, validation: validation, settings: Self.settings(delta: 1, twoBody: twoBody))
        #expect(system.columns == 30 + (twoBody ? 10 : 0))
        #expect(system.fitRowCount == fit.reduce(0) { $0 + 1 + 3 * $1.count + 6 })
        for (delta, sigmas) in [
            (1.0, Sigmas(energy: 0.001, force: 0.05, virial: 0.05)), (3.0, Sigmas(energy: 0.004, force: 0.02, virial: 0.1)),
            (0.25, Sigmas(energy: 0.0005, force: 0.1, virial: 0.02))
        ] {
            var settings = Self.settings(delta: delta, twoBody: twoBody)
            settings.sigmas = sigmas
            let reference = try Self.fitted(fit, validation, settings: settings)
            let errors = try system.validationErrors(sigmas: sigmas, delta: delta)
            #expect(errors.energies == 4 && errors.forceComponents == validation.reduce(0) { $0 + 3 * $1.count })
            for (ours, theirs) in [
                (errors.energyMAE, reference.energyPerAtom.mae), (errors.energyRMSE, reference.energyPerAtom.rmse),
                (errors.forceMAE, reference.forces.mae), (errors.forceRMSE, reference.forces.rmse)
            ] {
                let a = try #require(ours), b = try #require(theirs)
                // The jitter (1e-10) scales with δ² in a re-solve: agreement far below the errors themselves.
                #expect(abs(a - b) <= 1e-6 * b, "δ \(delta), σ \(sigmas): \(a) against the fit's \(b)")
            }
        }
    }

    /// Rows whose σ the defaults do not set — a config type's σ, a configuration's own `energy_sigma` — keep
    /// their σ in a re-solve, as in a fit.
    @Test func rowsWithTheirOwnSigmaKeepItInAReSolve() throws {
        var fit = try Self.silicon(10, seed: 1)
        let validation = try Self.silicon(4, seed: 2)
        for k in [0, 3, 6] { fit[k].info["config_type"] = .string("strained") }
        fit[1].info["energy_sigma"] = .double(0.02)
        var base = Self.settings(delta: 1, twoBody: false)
        base.configTypeSigmas = ["strained": Sigmas(energy: 0.01, force: 0.2, virial: 0.2)]
        let system = try KernelSystem(fit: fit, validation: validation, settings: base)
        for sigmas in [Sigmas(energy: 0.001, force: 0.05, virial: 0.05), Sigmas(energy: 0.004, force: 0.01, virial: 0.1)] {
            var settings = base
            settings.sigmas = sigmas
            let reference = try Self.fitted(fit, validation, settings: settings)
            let errors = try system.validationErrors(sigmas: sigmas, delta: 1)
            for (ours, theirs) in [(errors.energyMAE, reference.energyPerAtom.mae), (errors.forceMAE, reference.forces.mae)] {
                let a = try #require(ours), b = try #require(theirs)
                #expect(abs(a - b) <= 1e-6 * b, "σ \(sigmas): \(a) against the fit's \(b)")
            }
        }
    }

    @Test func sigmaChangesTheErrors() throws {
        let fit = try Self.silicon(10, seed: 1), validation = try Self.silicon(4, seed: 2)
        let system = try KernelSystem(fit: fit, validation: validation, settings: Self.settings(delta: 1, twoBody: false))
        let loose = try system.validationErrors(sigmas: Sigmas(energy: 0.1, force: 1, virial: 1), delta: 1)
        let tight = try system.validationErrors(sigmas: Sigmas(energy: 0.001, force: 0.01, virial: 0.01), delta: 1)
        #expect(try #require(loose.forceRMSE) > 1.5 * (try #require(tight.forceRMSE)))
    }
}
