import Foundation
import LinearAlgebra

/// The last stage of a fit, "solve": the weights from the least-squares triangle, and the potential built
/// from them, the sparse points, e0 and (optionally) the variance factors.
enum PotentialAssembly {
    /// Reciprocal condition numbers below this earn the fit an ill-conditioning warning.
    static let conditionWarningThreshold = 1e-13

    /// Solves `solver` and assembles the potential; records the condition number (and a warning when it is
    /// poor) in `report`.
    /// - Throws: `GAPError.solver` for a singular triangle.
    static func solve(
        _ solver: consuming IncrementalLeastSquares, basis: SparseBasis, data: FitData, settings: FitSettings,
        report: inout FitReport
    ) throws(GAPError) -> GAPPotential {
        let alpha: [Double]
        do {
            alpha = try solver.solve()
            report.reciprocalCondition = try solver.reciprocalCondition()
        } catch {
            throw .solver(stage: "solve", error)
        }
        if report.reciprocalCondition < conditionWarningThreshold {
            report.warnings.append(
                String(
                    format: "the fit is ill-conditioned (reciprocal condition %.1e): consider a larger "
                        + "--jitter, fewer sparse points, or larger sigmas", report.reciprocalCondition))
        }
        var models = [Int: SparseModel](), offset = 0
        for (z, points) in zip(basis.layout.elements, basis.ordered) {
            models[z] = SparseModel(points: points, alpha: Array(alpha[offset..<(offset + points.rows)]))
            offset += points.rows
        }
        var terms = [GeometricTerm]()
        for (set, start) in zip(basis.terms, basis.termOffsets) {
            terms.append(try GeometricTerm(sparse: set, alpha: Array(alpha[start..<(start + set.count)])))
        }
        // R is the solver's own triangle, handed over after the weights are solved: one M × M triangle.
        let variance =
            settings.storeVariance
            ? VarianceFactors(elements: basis.layout.elements, lower: basis.lower, upper: solver.upperFactor()) : nil
        var soap: SOAPTerm?
        if let soapSettings = data.soapSettings, let descriptor = data.soap {
            soap = try SOAPTerm(settings: soapSettings, soap: descriptor, kernel: settings.kernel, models: models)
        }
        var potential = try GAPPotential(soap: soap, terms: terms, core: settings.core, e0: data.e0, variance: variance)
        potential.threads = settings.threads
        return potential
    }
}
