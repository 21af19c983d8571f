import Foundation
import LinearAlgebra
import Support

/// The last stage of a fit, "solve": the weights from the least-squares triangle, and the potential built
/// from them, the sparse points, e0 and (optionally) the variance factors.
enum PotentialAssembly {
    /// Reciprocal condition numbers below this earn the fit an ill-conditioning warning.
    static let conditionWarningThreshold = 1e-13

    /// Solves `solver` (rank 0's, the whole fit's triangle; nil on the other ranks, which get the weights from
    /// rank 0) and assembles the potential; records the condition number (and a warning when it is poor) in
    /// `report`.
    /// - Throws: `GAPError.solver` for a singular triangle, `.distributed` when the weights cannot be shared.
    static func solve(
        _ solver: consuming IncrementalLeastSquares?, basis: SparseBasis, data: FitData, settings: FitSettings,
        communicator c: any Communicator, report: inout FitReport
    ) throws(GAPError) -> GAPPotential {
        let solved = try c.agreeing { () throws(GAPError) -> [Double] in
            guard let solver else { return [] }
            do throws(LinearAlgebraError) { return try solver.solve() + [try solver.reciprocalCondition()] } catch {
                throw .solver(stage: "solve", error)
            }
        }
        let shared = try c.collective { () throws(DistributedError) in try c.broadcast(solved, root: 0) }
        let alpha = Array(shared.dropLast())
        report.reciprocalCondition = shared[shared.count - 1]
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
        // R is the solver's own triangle (rank 0's), handed over after the weights are solved: one M × M triangle.
        var variance: VarianceFactors?
        if settings.storeVariance, let solver {
            variance = VarianceFactors(elements: basis.layout.elements, lower: basis.lower, upper: solver.upperFactor())
        }
        var soap: SOAPTerm?
        if let soapSettings = data.soapSettings, let descriptor = data.soap {
            soap = try SOAPTerm(settings: soapSettings, soap: descriptor, kernel: settings.kernel, models: models)
        }
        var potential = try GAPPotential(soap: soap, terms: terms, core: settings.core, e0: data.e0, variance: variance)
        potential.threads = settings.threads
        return potential
    }
}
