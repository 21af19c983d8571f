import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Support

/// A fitted Gaussian Approximation Potential: E = Σ_i [e0(Z_i) + δ² Σ_m α_m (q_i·x_m)^ζ] over atoms i, with
/// q_i the normalised QUIP-layout SOAP vector and x_m the sparse points of atom i's element. Forces and
/// virials come by back-propagation through the descriptor, never by forming kernel gradients.
public struct GAPPotential: Calculator {
    /// Descriptor settings.
    public let soapSettings: SOAPSettings
    /// Kernel δ and ζ.
    public let kernel: PolynomialKernel
    /// Isolated-atom energies per element, eV.
    public let e0: [Int: Double]
    /// The model of each central element.
    public let models: [Int: SparseModel]
    /// What the per-atom predictive variance needs (absent when the potential was saved without it).
    public let variance: VarianceFactors?
    /// Worker threads for predictions.
    public var threads: Int = Parallel.defaultThreads
    let soap: SOAP

    /// A potential from its parts.
    /// - Throws: `GAPError.descriptor` for invalid descriptor settings.
    public init(
        soapSettings: SOAPSettings, kernel: PolynomialKernel, e0: [Int: Double], models: [Int: SparseModel],
        variance: VarianceFactors?
    ) throws(GAPError) {
        let soap: SOAP
        do { soap = try soapSettings.makeSOAP() } catch { throw .descriptor(error) }
        self.init(soapSettings: soapSettings, soap: soap, kernel: kernel, e0: e0, models: models, variance: variance)
    }

    /// A potential around `soap`, the descriptor `soapSettings` makes (built once by whoever checked it).
    init(
        soapSettings: SOAPSettings, soap: SOAP, kernel: PolynomialKernel, e0: [Int: Double], models: [Int: SparseModel],
        variance: VarianceFactors?
    ) {
        self.soapSettings = soapSettings
        self.soap = soap
        self.kernel = kernel
        self.e0 = e0
        self.models = models
        self.variance = variance
    }

    /// Elements the potential knows.
    public var elements: [Int] { e0.keys.sorted() }

    /// Energy, forces, virial and per-atom energies.
    /// - Throws: `GAPError.unknownElement` for an element without e0, `GAPError.descriptor` for bad geometry.
    public func calculate(_ s: Structure) throws -> Calculation {
        try checkElements(s)
        var result: Calculation
        do {
            result = try soap.backPropagate(s, threads: threads) { rows in localEnergies(rows, elements: s.atomicNumbers) }
        } catch {
            throw GAPError.descriptor(error)
        }
        var energies = result.atomEnergies ?? [Double](repeating: 0, count: s.count)
        for i in 0..<s.count { energies[i] += e0[s.atomicNumbers[i]] ?? 0 }
        result.atomEnergies = energies
        result.energy = energies.reduce(0, +)
        return result
    }

    /// Local energies and their gradients ∂e/∂q for descriptor rows, element by element with two matrix
    /// products each: T = Q Xᵀ, e = δ² (T^ζ) α, ∂e/∂q = (δ² ζ α ⊙ T^{ζ−1}) X.
    func localEnergies(_ rows: DescriptorRows, elements: [Int]) -> (energies: [Double], gradients: [Double]) {
        let D = rows.featureCount
        var energies = [Double](repeating: 0, count: rows.count)
        var gradients = [Double](repeating: 0, count: rows.count * D)
        let delta2 = kernel.delta * kernel.delta
        for (z, model) in models {
            let members = (0..<rows.count).filter { elements[rows.center[$0]] == z }
            guard !members.isEmpty else { continue }
            let q = rows.matrix(rows: members)
            // Both products have matching shapes by construction (descriptor and sparse points share D).
            guard var t = try? Matrix.product(q, model.points, transB: .transposed) else { preconditionFailure("descriptor length mismatch") }
            for (k, r) in members.enumerated() {
                var e = 0.0
                for m in 0..<model.alpha.count {
                    let tm = t[k, m]
                    e += model.alpha[m] * kernel.power(tm)
                    t[k, m] = delta2 * model.alpha[m] * kernel.powerDerivative(tm)
                }
                energies[r] = delta2 * e
            }
            guard let w = try? Matrix.product(t, model.points) else { preconditionFailure("sparse point count mismatch") }
            for (k, r) in members.enumerated() { gradients.replaceSubrange((r * D)..<((r + 1) * D), with: w.row(k)) }
        }
        return (energies, gradients)
    }

    /// The predictive variance (eV²) of each atom's local energy; nil when the potential has no variance
    /// factors.
    public func localVariances(_ s: Structure) throws -> [Double]? {
        guard let variance else { return nil }
        try checkElements(s)
        let rows: DescriptorRows
        do { rows = try soap.create([s], threads: threads) } catch { throw GAPError.descriptor(error) }
        do throws(LinearAlgebraError) {
            return try variance.variances(rows, elements: rows.center.map { s.atomicNumbers[$0] }, models: models, kernel: kernel)
        } catch {
            throw GAPError.solver(stage: "predictive variance", error)
        }
    }

    /// Checks that the potential knows every element of `s`.
    /// - Throws: `GAPError.unknownElement` naming the configuration (and its file line) and the element.
    public func checkElements(_ s: Structure, configuration: Int = 0, line: Int = 0) throws(GAPError) {
        if let z = s.atomicNumbers.first(where: { e0[$0] == nil }) {
            throw .unknownElement(configuration: configuration, line: line, element: z, known: elements)
        }
    }
}
