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
    /// - Throws: `GAPError.descriptor` for invalid descriptor settings, `GAPError.inconsistentPotential` when
    ///   sparse points are not as long as the descriptor or the variance factors do not match the models.
    public init(
        soapSettings: SOAPSettings, kernel: PolynomialKernel, e0: [Int: Double], models: [Int: SparseModel],
        variance: VarianceFactors?
    ) throws(GAPError) {
        let soap: SOAP
        do { soap = try soapSettings.makeSOAP() } catch { throw .descriptor(error) }
        try self.init(soapSettings: soapSettings, soap: soap, kernel: kernel, e0: e0, models: models, variance: variance)
    }

    /// A potential around `soap`, the descriptor `soapSettings` makes (built once by whoever checked it).
    /// - Throws: `GAPError.inconsistentPotential` when the shapes of the parts do not fit together.
    init(
        soapSettings: SOAPSettings, soap: SOAP, kernel: PolynomialKernel, e0: [Int: Double], models: [Int: SparseModel],
        variance: VarianceFactors?
    ) throws(GAPError) {
        self.soapSettings = soapSettings
        self.soap = soap
        self.kernel = kernel
        self.e0 = e0
        self.models = models
        self.variance = variance
        try Self.checkShapes(models: models, variance: variance, features: soap.numberOfFeatures)
    }

    /// Checks that every sparse point has `features` entries and that the variance factors cover exactly the
    /// models' sparse points, so that every product in predictions fits by construction.
    private static func checkShapes(
        models: [Int: SparseModel], variance: VarianceFactors?, features D: Int
    ) throws(GAPError) {
        for (z, model) in models.sorted(by: { $0.key < $1.key }) where model.points.columns != D {
            throw .inconsistentPotential(
                detail: "the sparse points of \(Element.label(z)) have \(model.points.columns) "
                    + "entries, but the descriptor settings give \(D)")
        }
        guard let variance else { return }
        let m = models.values.reduce(0) { $0 + $1.points.rows }
        guard variance.elements.sorted() == models.keys.sorted() else {
            throw .inconsistentPotential(
                detail: "the variance factors are for elements \(variance.elements.map(Element.label)), "
                    + "the models for \(models.keys.sorted().map(Element.label))")
        }
        for (name, factor) in [("lower", variance.lower), ("upper", variance.upper)] where factor.rows != m || factor.columns != m {
            throw .inconsistentPotential(
                detail: "the \(name) variance factor is \(factor.rows)×\(factor.columns) for \(m) sparse points")
        }
    }

    /// Elements the potential knows.
    public var elements: [Int] { e0.keys.sorted() }

    /// Energy, forces, virial and per-atom energies.
    /// - Throws: `GAPError.unknownElement` for an element without e0, `GAPError.descriptor` for bad geometry.
    public func calculate(_ s: Structure) throws -> Calculation {
        try checkElements(s)
        var result: Calculation
        var failure: LinearAlgebraError?
        do {
            result = try soap.backPropagate(s, threads: threads) { rows in
                do throws(LinearAlgebraError) {
                    return try localEnergies(rows, elements: s.atomicNumbers)
                } catch {
                    // Back-propagation needs arrays of the right length; the error is thrown once it returns.
                    failure = error
                    return (
                        [Double](repeating: 0, count: rows.count), [Double](repeating: 0, count: rows.count * rows.featureCount)
                    )
                }
            }
        } catch {
            throw GAPError.descriptor(error)
        }
        if let failure { throw GAPError.solver(stage: "local energies", failure) }
        var energies = result.atomEnergies ?? [Double](repeating: 0, count: s.count)
        for i in 0..<s.count { energies[i] += e0[s.atomicNumbers[i]] ?? 0 }
        result.atomEnergies = energies
        result.energy = energies.reduce(0, +)
        return result
    }

    /// Local energies and their gradients ∂e/∂q for descriptor rows, element by element with two matrix
    /// products each: T = Q Xᵀ, e = δ² (T^ζ) α, ∂e/∂q = (δ² ζ α ⊙ T^{ζ−1}) X.
    /// - Throws: `.dimensionMismatch` when the rows are not as long as the sparse points (`init` rules this
    ///   out for the potential's own descriptor).
    func localEnergies(
        _ rows: DescriptorRows, elements: [Int]
    ) throws(LinearAlgebraError) -> (energies: [Double], gradients: [Double]) {
        let D = rows.featureCount
        var energies = [Double](repeating: 0, count: rows.count)
        var gradients = [Double](repeating: 0, count: rows.count * D)
        for (z, model) in models {
            let members = (0..<rows.count).filter { elements[rows.center[$0]] == z }
            guard !members.isEmpty else { continue }
            var t = try Matrix.product(rows.matrix(rows: members), model.points, transB: .transposed)
            let local = kernel.localEnergies(replacingByGradientCoefficients: &t, alpha: model.alpha)
            let w = try Matrix.product(t, model.points)
            for (k, r) in members.enumerated() {
                energies[r] = local[k]
                gradients.replaceSubrange((r * D)..<((r + 1) * D), with: w.elements[(k * D)..<((k + 1) * D)])
            }
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
