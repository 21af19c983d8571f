import Atoms
import Descriptors
import Foundation
import LinearAlgebra

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
        self.soapSettings = soapSettings
        self.kernel = kernel
        self.e0 = e0
        self.models = models
        self.variance = variance
        do { soap = try soapSettings.makeSOAP() } catch { throw .descriptor(error) }
    }

    /// Elements the potential knows.
    public var elements: [Int] { e0.keys.sorted() }

    /// Energy, forces, virial and per-atom energies.
    /// - Throws: `GAPError.unknownElement` for an element without e0, `GAPError.descriptor` for bad geometry.
    public func calculate(_ s: Structure) throws -> Calculation {
        try checkElements(s)
        let D = soap.numberOfFeatures
        let maxM = models.values.map(\.points.rows).max() ?? 0
        let models = self.models, kernel = self.kernel
        var result: Calculation
        do {
            result = try soap.backPropagate(s, threads: threads) { atom, q, gradient in
                guard let model = models[s.atomicNumbers[atom]] else {
                    gradient.update(repeating: 0)
                    return 0
                }
                let scratch = UnsafeMutablePointer<Double>.allocate(capacity: max(maxM, 1))
                defer { scratch.deallocate() }
                precondition(q.count == D)
                return model.localEnergy(q.baseAddress!, kernel: kernel, gradient: gradient.baseAddress!, scratch: scratch)
            }
        } catch {
            throw GAPError.descriptor(error)
        }
        var energies = result.atomEnergies ?? [Double](repeating: 0, count: s.count)
        for i in 0..<s.count { energies[i] += e0[s.atomicNumbers[i]] ?? 0 }
        result.atomEnergies = energies
        result.energy = energies.reduce(0, +)
        return result
    }

    /// The predictive variance (eV²) of each atom's local energy; nil when the potential has no variance
    /// factors.
    public func localVariances(_ s: Structure) throws -> [Double]? {
        guard let variance else { return nil }
        try checkElements(s)
        let rows: DescriptorRows
        do { rows = try soap.create([s], threads: threads) } catch { throw GAPError.descriptor(error) }
        return (0..<rows.count).map { r in
            let z = s.atomicNumbers[rows.center[r]]
            return variance.variance(Array(rows.row(r)), element: z, models: models, kernel: kernel)
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
