import ArgumentParser
import Atoms
import Evaluation
import GAP

/// The predicted standard deviations of a potential on a data set against its errors, and the calibration
/// fitted from them (`fit --calibration`).
enum UncertaintyCalibrationRun {
    /// The report of `potential`'s deviations under `model` on `structures` against their reference values
    /// (with the potential's calibration for `model` applied, when it has one), and each structure's force
    /// deviations. `predicted` are the potential's results on the structures when they are already known.
    static func report(
        _ potential: GAPPotential, on structures: [Structure], predicted: [Calculation]? = nil, keys: ReferenceKeys,
        model: UncertaintyModel, progress: Progress
    ) throws -> (report: UncertaintyReport, forceSigmas: [[SIMD3<Double>]]) {
        var results = predicted ?? [], energies = [Double](), forces = [[SIMD3<Double>]]()
        for (k, s) in structures.enumerated() {
            if predicted == nil { results.append(try potential.calculate(s)) }
            guard let sigma = try potential.uncertainty(s, model: model) else {
                throw ValidationError("the potential holds no variance factors: fit without --no-variance to calibrate them")
            }
            energies.append(sigma.energy)
            forces.append(sigma.forces)
            progress.update(k + 1)
        }
        let report = UncertaintyReport(structures, results: results, energySigmas: energies, forceSigmas: forces, keys: keys)
        return (report, forces)
    }

    /// The factors that make `report`'s deviations calibrated (1 where it has nothing to compare).
    static func calibration(from report: UncertaintyReport, model: UncertaintyModel) -> UncertaintyCalibration {
        UncertaintyCalibration(energy: report.energy?.scale ?? 1, force: report.forces?.scale ?? 1, model: model)
    }
}
