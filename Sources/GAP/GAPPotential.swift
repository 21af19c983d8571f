import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Support

/// A fitted Gaussian Approximation Potential, a sum of terms as gap_fit's models are:
/// E = Σ_i e0(Z_i) + E_SOAP + Σ_t E_t, with an optional SOAP term (per-element sparse sets) and any number of
/// 2- and 3-body terms. Forces and virials of every term come by back-propagation through its descriptor,
/// never by forming kernel gradients; the 2- and 3-body terms share one neighbor list per structure.
public struct GAPPotential: Calculator {
    /// The SOAP term, if the model has one.
    public let soap: SOAPTerm?
    /// The 2- and 3-body terms.
    public let terms: [GeometricTerm]
    /// The fixed potential the model was fitted on top of, added to its predictions.
    public let core: CorePotential?
    /// Isolated-atom energies per element, eV.
    public let e0: [Int: Double]
    /// What the per-atom predictive variance needs (absent when the potential was saved without it).
    public let variance: VarianceFactors?
    /// Worker threads for predictions.
    public var threads: Int = Parallel.defaultThreads
    /// Factors on the predicted standard deviations, fitted on validation data (none: unscaled).
    public var calibration: UncertaintyCalibration?

    /// A potential from its terms.
    /// - Throws: `GAPError.inconsistentPotential` when there is no term, or the variance factors do not cover
    ///   the terms' sparse points.
    public init(
        soap: SOAPTerm?, terms: [GeometricTerm] = [], core: CorePotential? = nil, e0: [Int: Double], variance: VarianceFactors?
    ) throws(GAPError) {
        guard soap != nil || !terms.isEmpty else { throw .inconsistentPotential(detail: "the model has no term") }
        self.soap = soap
        self.terms = terms
        self.core = core
        self.e0 = e0
        self.variance = variance
        if let variance { try checkShapes(variance) }
    }

    /// Checks that the variance factors cover exactly the terms' sparse points, so that every product in
    /// predictions fits by construction.
    private func checkShapes(_ variance: VarianceFactors) throws(GAPError) {
        let soapElements = soap?.models.keys.sorted() ?? []
        guard variance.elements.sorted() == soapElements else {
            throw .inconsistentPotential(
                detail: "the variance factors are for elements \(variance.elements.map(Element.label)), "
                    + "the SOAP models for \(soapElements.map(Element.label))")
        }
        let m = sparseCount
        for (name, order) in [("lower", variance.lower.order), ("upper", variance.upper.order)] where order != m {
            throw .inconsistentPotential(detail: "the \(name) variance factor is \(order)×\(order) for \(m) sparse points")
        }
        let blocks = varianceBlockOrders(elements: variance.elements)
        guard variance.lower.blockOrders == blocks else {
            throw .inconsistentPotential(
                detail: "the lower variance factor has blocks of \(variance.lower.blockOrders) points, the terms \(blocks)")
        }
    }

    /// The order of each block of L: the sparse points of each SOAP element in `elements` order, then of each
    /// 2- or 3-body term.
    func varianceBlockOrders(elements: [Int]) -> [Int] {
        elements.map { soap?.models[$0]?.points.rows ?? 0 } + terms.map(\.sparse.count)
    }

    /// Sparse points of all terms.
    public var sparseCount: Int { (soap?.sparseCount ?? 0) + terms.reduce(0) { $0 + $1.sparse.count } }

    /// Elements the potential knows.
    public var elements: [Int] { e0.keys.sorted() }

    /// The longest cutoff of the 2- and 3-body terms (0 without any).
    var geometricCutoff: Double { terms.map(\.sparse.descriptor.cutoff.cutoff).max() ?? 0 }

    /// Energy, forces, virial and per-atom energies (the core potential's included).
    /// - Throws: `GAPError.unknownElement` for an element without e0, `GAPError.descriptor` for bad geometry, the
    ///   core potential's error when it cannot evaluate the structure.
    public func calculate(_ s: Structure) throws -> Calculation { try calculate(batch: [s])[0] }

    /// `calculate(_:)` of each of `structures`, the SOAP term's local energies of their atoms computed together:
    /// for many small structures (a data set of molecules) the sparse points are then read once per batch of
    /// atoms rather than once per structure.
    /// - Throws: as `calculate(_:)`, for the first structure that fails.
    public func calculate(batch structures: [Structure]) throws -> [Calculation] {
        for s in structures { try checkElements(s) }
        let lists = try structures.map { s throws(GAPError) in try neighborList(s) }
        let shared = lists.contains { $0 == nil } ? nil : lists.compactMap { $0 }
        let soapResults = try soap?.calculate(structures, lists: shared, threads: threads)
        return try structures.indices.map { k in try completed(soapResults?[k], of: structures[k], list: lists[k]) }
    }

    /// The calculation of `s` from its SOAP term's (`soapResult`, nil without one): the 2- and 3-body terms, the
    /// core potential and e0 added.
    private func completed(_ soapResult: Calculation?, of s: Structure, list: NeighborList?) throws -> Calculation {
        var result =
            soapResult
            ?? Calculation(
                energy: 0, forces: [SIMD3<Double>](repeating: .zero, count: s.count), virial: .zero,
                atomEnergies: [Double](repeating: 0, count: s.count))
        var energies = result.atomEnergies ?? [Double](repeating: 0, count: s.count)
        if let list {
            var accumulator = PairGradientAccumulator(forces: result.forces, virial: result.virial)
            for term in terms {
                term.accumulate(
                    term.sparse.descriptor.instances(of: s, list: list, gradients: true), energies: &energies,
                    into: &accumulator)
            }
            result.forces = accumulator.forces
            result.virial = accumulator.virial
        }
        if let core {
            let c = try core.calculate(s)
            for i in 0..<s.count { result.forces[i] += c.forces[i] }
            result.virial += c.virial
            if let coreEnergies = c.atomEnergies {
                for i in 0..<s.count { energies[i] += coreEnergies[i] }
            } else {
                for i in 0..<s.count { energies[i] += c.energy / Double(s.count) }
            }
        }
        for i in 0..<s.count { energies[i] += e0[s.atomicNumbers[i]] ?? 0 }
        result.atomEnergies = energies
        result.energy = energies.reduce(0, +)
        return result
    }

    /// The neighbor list of `s` that every term shares (`NeighborList.shared`); nil without 2- or 3-body terms.
    /// - Throws: `GAPError.descriptor` for unusable geometry.
    func neighborList(_ s: Structure) throws(GAPError) -> NeighborList? {
        try NeighborList.shared(
            s, index: 0, termCutoffs: terms.map(\.sparse.descriptor.cutoff.cutoff), soap: soap?.soap, threads: threads)
    }

    /// The predictive variance (eV²) of each atom's local energy, all terms together; nil when the
    /// potential has no variance factors.
    public func localVariances(_ s: Structure) throws -> [Double]? { try localVariances(batch: [s])?[0] }

    /// `localVariances(_:)` of each of `structures`, their atoms' kernel columns formed and solved together (the
    /// sparse points read once per batch, as in `calculate(batch:)`).
    public func localVariances(batch structures: [Structure]) throws -> [[Double]]? {
        guard let variance else { return nil }
        for s in structures { try checkElements(s) }
        var firstAtoms = [Int](), atoms = 0
        for s in structures {
            firstAtoms.append(atoms)
            atoms += s.count
        }
        var columns = Matrix(rows: sparseCount, columns: atoms)
        var prior = [Double](repeating: 0, count: atoms)
        var offset = 0
        if let soap {
            try soap.addKernelColumns(
                structures, firstAtoms: firstAtoms, elements: variance.elements, threads: threads, into: &columns,
                offset: 0, prior: &prior)
            offset = soap.sparseCount
        }
        for (k, s) in structures.enumerated() {
            guard let list = try neighborList(s) else { continue }
            var row = offset
            for term in terms {
                term.addKernelColumns(
                    term.sparse.descriptor.instances(of: s, list: list, gradients: false), atoms: s.count, into: &columns,
                    offset: row, firstAtom: firstAtoms[k], prior: &prior)
                row += term.sparse.count
            }
        }
        let all: [Double]
        do throws(LinearAlgebraError) {
            all = try variance.variances(columns: columns, prior: prior)
        } catch {
            throw GAPError.solver(stage: "predictive variance", error)
        }
        return structures.indices.map { k in Array(all[firstAtoms[k]..<(firstAtoms[k] + structures[k].count)]) }
    }

    /// Checks that the potential knows every element of `s`.
    /// - Throws: `GAPError.unknownElement` naming the configuration (and its file line) and the element.
    public func checkElements(_ s: Structure, configuration: Int = 0, line: Int = 0) throws(GAPError) {
        if let z = s.atomicNumbers.first(where: { e0[$0] == nil }) {
            throw .unknownElement(configuration: configuration, line: line, element: z, known: elements)
        }
    }
}
