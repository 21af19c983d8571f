import Atoms
import Foundation

/// Predicted standard deviations of a data set's energies and force components against their errors.
public struct UncertaintyReport: Codable, Equatable, Sendable {
    /// Total energies (errors and σ of the whole configuration).
    public var energy: UncertaintyStatistics?
    /// Force components.
    public var forces: UncertaintyStatistics?

    /// The errors of `results` against the reference values of `structures` under `keys`, compared with the
    /// predicted standard deviations of each configuration's energy (`energySigmas`) and force components
    /// (`forceSigmas`, one vector per atom); configurations without a reference value are left out of it.
    public init(
        _ structures: [Structure], results: [Calculation], energySigmas: [Double], forceSigmas: [[SIMD3<Double>]],
        keys: ReferenceKeys
    ) {
        var energyErrors = [Double](), energyScale = [Double](), forceErrors = [Double](), forceScale = [Double]()
        for (k, s) in structures.enumerated() {
            let reference = s.referenceValues(keys)
            if let e = reference.energy {
                energyErrors.append(results[k].energy - e)
                energyScale.append(energySigmas[k])
            }
            if let f = reference.forces {
                for (i, sigma) in forceSigmas[k].enumerated() {
                    let error = results[k].forces[i] - f[i]
                    forceErrors += [error.x, error.y, error.z]
                    forceScale += [sigma.x, sigma.y, sigma.z]
                }
            }
        }
        energy = UncertaintyStatistics(errors: energyErrors, sigmas: energyScale)
        forces = UncertaintyStatistics(errors: forceErrors, sigmas: forceScale)
    }

    /// Whether there was anything to compare.
    public var isEmpty: Bool { energy == nil && forces == nil }

    /// A table: one line each for energies and forces, with the fractions within 1σ and 2σ, RMS error / RMS σ
    /// and the calibration factor.
    public func render(title: String) -> String {
        var lines = [
            title,
            "              count  within 1σ  within 2σ  RMS err/RMS σ  calibration factor",
            "  (Gaussian)            68.3 %     95.4 %"
        ]
        for (name, s) in [("energy", energy), ("forces", forces)] {
            guard let s else { continue }
            lines.append(
                "  " + name.padding(toLength: 8, withPad: " ", startingAt: 0)
                    + String(
                        format: " %9d %9.1f %% %9.1f %% %14.3g %19.3g", s.count, 100 * s.withinOne, 100 * s.withinTwo,
                        s.rmsRatio, s.scale))
        }
        return lines.joined(separator: "\n")
    }
}
