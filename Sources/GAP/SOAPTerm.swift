import Atoms
import Descriptors
import LinearAlgebra
import Support

/// The SOAP term of a GAP: e_i = δ² Σ_m α_m (q_i·x_m)^ζ for each atom i, with q_i the normalised QUIP-layout
/// SOAP vector and x_m the sparse points of atom i's element (one sparse set per central element, as gap_fit's
/// `add_species`; the key 0 holds a set for every element, as QUIP's `Z=0`, summed with any set of the atom's
/// own element). Forces and virials come by back-propagation through the descriptor.
public struct SOAPTerm: Sendable, Equatable {
    /// Descriptor settings.
    public let settings: SOAPSettings
    /// Kernel δ and ζ.
    public let kernel: PolynomialKernel
    /// The sparse points and weights of each central element (0: of every element).
    public let models: [Int: SparseModel]
    /// The descriptor `settings` make.
    let soap: SOAP

    /// A term from its parts. The sparse points are checked against the settings before the descriptor is built.
    /// - Throws: `GAPError.descriptor` for invalid descriptor settings, `.inconsistentPotential` when sparse
    ///   points are not as long as the descriptor or not unit vectors.
    public init(settings: SOAPSettings, kernel: PolynomialKernel, models: [Int: SparseModel]) throws(GAPError) {
        let features: Int
        do { features = try settings.numberOfFeatures() } catch { throw .descriptor(error) }
        try Self.check(models, features: features)
        let soap: SOAP
        do { soap = try settings.makeSOAP() } catch { throw .descriptor(error) }
        self.init(checked: settings, soap: soap, kernel: kernel, models: models)
    }

    /// A term around `soap`, the descriptor `settings` make (built once by whoever checked them).
    /// - Throws: `GAPError.inconsistentPotential` when the sparse points are not as long as the descriptor, or one
    ///   is not a unit vector.
    init(settings: SOAPSettings, soap: SOAP, kernel: PolynomialKernel, models: [Int: SparseModel]) throws(GAPError) {
        try Self.check(models, features: soap.numberOfFeatures)
        self.init(checked: settings, soap: soap, kernel: kernel, models: models)
    }

    /// A term of parts already checked against each other.
    private init(checked settings: SOAPSettings, soap: SOAP, kernel: PolynomialKernel, models: [Int: SparseModel]) {
        self.settings = settings
        self.soap = soap
        self.kernel = kernel
        self.models = models
    }

    /// Throws `GAPError.inconsistentPotential` unless every sparse point has `features` entries and is a unit
    /// vector (the term's SOAP vectors are normalised, so its sparse points are too; another length scales the kernel
    /// by its ζ-th power, which can overflow).
    private static func check(_ models: [Int: SparseModel], features: Int) throws(GAPError) {
        for (z, model) in models.sorted(by: { $0.key < $1.key }) {
            guard model.points.columns == features else {
                throw .inconsistentPotential(
                    detail: "the sparse points of \(Element.label(z)) have \(model.points.columns) "
                        + "entries, but the descriptor settings give \(features)")
            }
            for k in 0..<model.points.rows {
                let norm = model.points.elements.withUnsafeBufferPointer { p in
                    SIMD8.dot(p.baseAddress! + k * features, p.baseAddress! + k * features, features).squareRoot()
                }
                guard abs(norm - 1) <= 1e-6 else {
                    throw .inconsistentPotential(
                        detail: "sparse point \(k + 1) of \(Self.centerLabel(z)) has length \(norm), but sparse points are "
                            + "normalised SOAP vectors (length 1): the file is damaged")
                }
            }
        }
    }

    public static func == (a: SOAPTerm, b: SOAPTerm) -> Bool {
        a.settings == b.settings && a.kernel == b.kernel && a.models == b.models
    }

    /// The label of a sparse set's center element in files and messages: its symbol, `*` for every element.
    public static func centerLabel(_ z: Int) -> String { z == 0 ? "*" : Element.label(z) }

    /// The center element a label names (0 for `*`), nil for none.
    static func center(_ label: String) -> Int? { label == "*" ? 0 : Element.atomicNumber(label) }

    /// Number of sparse points over all elements.
    public var sparseCount: Int { models.values.reduce(0) { $0 + $1.points.rows } }

    /// The term's energy, forces, virial and per-atom energies.
    /// - Throws: `GAPError.descriptor` for bad geometry, `.solver` for a failed product.
    func calculate(_ s: Structure, list: NeighborList? = nil, threads: Int) throws(GAPError) -> Calculation {
        try calculate([s], lists: list.map { [$0] }, threads: threads)[0]
    }

    /// `calculate(_:list:threads:)` of each of `structures` (`lists`: their neighbor lists, or nil), the local
    /// energies of several structures' atoms computed together (`SOAP.backPropagate(_:lists:threads:model:)`).
    /// - Throws: as `calculate(_:list:threads:)`.
    func calculate(_ structures: [Structure], lists: [NeighborList]?, threads: Int) throws(GAPError) -> [Calculation] {
        var failure: LinearAlgebraError?
        let results: [Calculation]
        do {
            results = try soap.backPropagate(structures, lists: lists, threads: threads) { rows in
                do throws(LinearAlgebraError) {
                    let elements = (0..<rows.count).map { structures[rows.structure[$0]].atomicNumbers[rows.center[$0]] }
                    return try localEnergies(rows, elements: elements, threads: threads)
                } catch {
                    // Back-propagation needs arrays of the right length; the error is thrown once it returns.
                    failure = error
                    return (
                        [Double](repeating: 0, count: rows.count), [Double](repeating: 0, count: rows.count * rows.featureCount)
                    )
                }
            }
        } catch {
            throw .descriptor(error)
        }
        if let failure { throw .solver(stage: "local energies", failure) }
        return results
    }

    /// Local energies and their gradients ∂e/∂q for descriptor rows (`elements`: each row's center element),
    /// element by element with two matrix products each: T = Q Xᵀ, e = δ² (T^ζ) α, ∂e/∂q = (δ² ζ α ⊙ T^{ζ−1}) X
    /// (for a few rows, one pass over the sparse points instead: `PolynomialKernel.localEnergies(of:points:alpha:)`).
    /// The rows of an element are split into blocks of at least `blockRows` between up to `threads` workers, each with
    /// its own products (OpenBLAS runs single-threaded inside them).
    /// - Throws: `.dimensionMismatch` when the rows are not as long as the sparse points (`init` rules this
    ///   out for the term's own descriptor).
    func localEnergies(
        _ rows: DescriptorRows, elements: [Int], threads: Int
    ) throws(LinearAlgebraError) -> (energies: [Double], gradients: [Double]) {
        let D = rows.featureCount
        var energies = [Double](repeating: 0, count: rows.count)
        var gradients = [Double](repeating: 0, count: rows.count * D)
        for (z, model) in models {
            let members = (0..<rows.count).filter { z == 0 || elements[$0] == z }
            guard !members.isEmpty else { continue }
            guard D == model.points.columns else {
                throw .dimensionMismatch(
                    operation: "SOAP local energies",
                    detail: "rows of \(D) features, sparse points of \(model.points.columns)")
            }
            let blocks = max(1, min(threads, members.count / Self.blockRows))
            func blockResults() -> [Result<(energies: [Double], gradients: Matrix), LinearAlgebraError>] {
                Parallel.map(blocks, threads: blocks) { b in
                    let block = Array(members[(members.count * b / blocks)..<(members.count * (b + 1) / blocks)])
                    return Result { () throws(LinearAlgebraError) in
                        try Self.localEnergies(of: rows.matrix(rows: block), model, kernel: kernel)
                    }
                }
            }
            // Several blocks at once: OpenBLAS single-threaded inside each.
            let parts = blocks > 1 ? BLASThreads.withThreads(1, blockResults) : blockResults()
            var first = 0
            for part in parts {
                let (local, w) = try part.get()
                for (k, r) in members[first..<(first + local.count)].enumerated() {
                    energies[r] += local[k]
                    for f in 0..<D { gradients[r * D + f] += w.elements[k * D + f] }
                }
                first += local.count
            }
        }
        return (energies, gradients)
    }

    /// Rows of one element in a worker's block at least. Back-propagation hands its rows over 256 at a time, each
    /// batch's products made on one core while the other waited: a 1000-atom cell's force call on two threads took
    /// 55–58 ms, 36 ms with the products split.
    static let blockRows = 64

    /// The local energies of the rows of `q` and their gradients (rows × D), against one element's sparse points.
    private static func localEnergies(
        of q: Matrix, _ model: SparseModel, kernel: PolynomialKernel
    ) throws(LinearAlgebraError) -> (energies: [Double], gradients: Matrix) {
        if q.rows <= PolynomialKernel.streamedRows { return kernel.localEnergies(of: q, points: model.points, alpha: model.alpha) }
        var t = try Matrix.product(q, model.points, transB: .transposed)
        let local = kernel.localEnergies(replacingByGradientCoefficients: &t, alpha: model.alpha)
        return (local, try Matrix.product(t, model.points))
    }

    /// The kernel between each atom's SOAP local energy and every sparse point (rows `offset ..< offset + M`
    /// of `columns`, elements in the order `elements`, zero for other elements' points), and each atom's
    /// prior variance δ² (q·q)^ζ (added to `prior`); the atoms of `structures` one structure after another, atom i
    /// of structure k in column `firstAtoms[k]` + i.
    /// - Throws: `GAPError.descriptor` for bad geometry, `.solver` for a failed product.
    func addKernelColumns(
        _ structures: [Structure], firstAtoms: [Int], elements: [Int], threads: Int, into columns: inout Matrix,
        offset: Int, prior: inout [Double]
    ) throws(GAPError) {
        let rows: DescriptorRows
        do { rows = try soap.create(structures, threads: threads) } catch { throw .descriptor(error) }
        let column = (0..<rows.count).map { firstAtoms[rows.structure[$0]] + rows.center[$0] }
        var start = offset
        do throws(LinearAlgebraError) {
            for z in elements {
                guard let model = models[z] else { continue }
                let members = (0..<rows.count).filter {
                    z == 0 || structures[rows.structure[$0]].atomicNumbers[rows.center[$0]] == z
                }
                if !members.isEmpty {
                    let t = try kernel.values(ofPoints: model.points, rows: rows.matrix(rows: members))
                    for m in 0..<model.points.rows {
                        for (j, r) in members.enumerated() { columns[start + m, column[r]] = t[m, j] }
                    }
                }
                start += model.points.rows
            }
        } catch {
            throw .solver(stage: "predictive variance", error)
        }
        for r in 0..<rows.count {
            prior[column[r]] += kernel.value(rows.row(r).reduce(0) { $0 + $1 * $1 })
        }
    }
}
