import Atoms
import Descriptors
import LinearAlgebra

/// Predictive standard deviations of a structure's total energy and force components.
public struct PredictiveUncertainty: Sendable, Equatable {
    /// Standard deviation of the total energy, eV.
    public var energy: Double
    /// Standard deviation of each force component, eV/Å (one 3-vector per atom).
    public var forces: [SIMD3<Double>]

    /// Deviations as given.
    public init(energy: Double, forces: [SIMD3<Double>]) {
        self.energy = energy
        self.forces = forces
    }

    /// The mean standard deviation of the force components, eV/Å (0 for no atoms): how uncertain a configuration's
    /// forces are, as `select` and the active-learning loop score it.
    public var meanForce: Double { forces.reduce(0) { $0 + $1.sum() } / Double(3 * max(forces.count, 1)) }
}

/// Predictive variances of total energies and forces, from the same factors as the local-energy variances: for
/// a functional Q of the latent local energies (E = Σ_i e_i, F_jβ = −∂E/∂r_jβ) with kernel k_Q against every
/// sparse point of every term, σ²(Q) = ‖R⁻ᵀ k_Q‖² (`.projected`), or k(Q, Q) − ‖L⁻¹ k_Q‖² + ‖R⁻ᵀ k_Q‖²
/// (`.full`, with k(Q, Q) its prior variance: for forces, through the kernels' second derivatives). The core
/// potential and e0 are not uncertain.
extension GAPPotential {
    /// The standard deviations of the total energy and of every force component of `s` under `model` (triangular
    /// solves with 1 + 3N right-hand sides), scaled by the potential's calibration for `model` when it has one; nil when the
    /// potential has no variance factors.
    /// - Throws: `GAPError.unknownElement`, `.descriptor` for bad geometry, `.solver` for a failed product.
    public func uncertainty(_ s: Structure, model: UncertaintyModel = .full) throws -> PredictiveUncertainty? {
        guard let variance else { return nil }
        try checkElements(s)
        let n = s.count
        var columns = Matrix(rows: sparseCount, columns: 1 + 3 * n)
        var prior: [Double]? = model == .full ? [Double](repeating: 0, count: 1 + 3 * n) : nil
        var energyPrior: Matrix? = model == .full ? Matrix(rows: 1, columns: 1) : nil
        var offset = 0
        if let soap {
            try soap.addEnergyColumns(
                [s], elements: variance.elements, threads: threads, into: &columns, offset: 0, column: 0, prior: &energyPrior)
            try soap.addForceColumns(
                s, elements: variance.elements, threads: threads, into: &columns, offset: 0, column: 1, prior: &prior,
                priorOffset: 1)
            offset = soap.sparseCount
        }
        if let list = try neighborList(s) {
            for term in terms {
                let instances = term.sparse.descriptor.instances(of: s, list: list, gradients: true)
                term.addEnergyColumns([instances], into: &columns, offset: offset, column: 0, prior: &energyPrior)
                term.addForceColumns(
                    instances, atoms: n, into: &columns, offset: offset, column: 1, prior: &prior, priorOffset: 1)
                offset += term.sparse.count
            }
        }
        let variances: [Double]
        do {
            if var prior, let energyPrior {
                prior[0] = energyPrior[0, 0]
                variances = try variance.variances(columns: columns, prior: prior)
            } else {
                variances = try variance.projectedVariances(columns: columns)
            }
        } catch {
            throw GAPError.solver(stage: "force variance", error)
        }
        let scale: (energy: Double, force: Double) = calibration?.factors(for: model) ?? (1, 1)
        var forces = [SIMD3<Double>](repeating: .zero, count: n)
        for j in 0..<n {
            let v = SIMD3<Double>(variances[1 + 3 * j], variances[2 + 3 * j], variances[3 + 3 * j])
            forces[j] = scale.force * v.squareRoot()
        }
        return PredictiveUncertainty(energy: scale.energy * variances[0].squareRoot(), forces: forces)
    }

    /// The posterior covariance (eV², uncalibrated) of the total energies of `structures` (count × count) under
    /// `model`; nil when the potential has no variance factors.
    /// - Throws: `GAPError.unknownElement`, `.descriptor` for bad geometry, `.solver` for a failed product.
    public func energyCovariance(_ structures: [Structure], model: UncertaintyModel = .full) throws -> Matrix? {
        guard let variance else { return nil }
        for s in structures { try checkElements(s) }
        var columns = Matrix(rows: sparseCount, columns: structures.count)
        var prior: Matrix? = model == .full ? Matrix(rows: structures.count, columns: structures.count) : nil
        var offset = 0
        if let soap {
            try soap.addEnergyColumns(
                structures, elements: variance.elements, threads: threads, into: &columns, offset: 0, column: 0,
                prior: &prior)
            offset = soap.sparseCount
        }
        if !terms.isEmpty {
            // With 2- or 3-body terms every structure has its list.
            let lists = try structures.compactMap { s throws(GAPError) in try neighborList(s) }
            for term in terms {
                let instances = zip(structures, lists).map { s, list in
                    term.sparse.descriptor.instances(of: s, list: list, gradients: false)
                }
                term.addEnergyColumns(instances, into: &columns, offset: offset, column: 0, prior: &prior)
                offset += term.sparse.count
            }
        }
        do { return try variance.covariance(columns: columns, prior: prior) } catch {
            throw GAPError.solver(stage: "energy covariance", error)
        }
    }
}
