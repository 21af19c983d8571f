import Archive
import Descriptors
import Foundation
import LinearAlgebra
import Support

extension GAPPotential {
    /// Reads a potential file. With `variances: false` the variance factors (two M × M triangles, most of a
    /// large file) are not unpacked and the potential predicts without variances, e.g. for MD.
    /// - Throws: `GAPError.badPotentialFile` for a missing, truncated, corrupt, foreign or newer file,
    ///   `GAPError.badPotentialEntry` for a metadata field or array that is out of range, inconsistent or not finite.
    public static func load(
        path: String, variances: Bool = true
    ) throws(GAPError) -> (potential: GAPPotential, metadata: PotentialMetadata) {
        let npz: NPZReader
        do { npz = try NPZReader(path: path) } catch { throw GAPError(error) }
        return try load(npz, path: path, variances: variances)
    }

    /// Reads a potential file held in memory; `name` stands for the file in errors.
    /// - Throws: `GAPError` as `load(path:variances:)`.
    public static func load(
        bytes: some ContiguousBytes, name: String, variances: Bool = true
    ) throws(GAPError) -> (potential: GAPPotential, metadata: PotentialMetadata) {
        let npz: NPZReader
        do { npz = try NPZReader(bytes: bytes, name: name) } catch { throw GAPError(error) }
        return try load(npz, path: name, variances: variances)
    }

    /// The potential in the archive `npz` of the file `path`: every metadata field and every array is
    /// checked before the descriptor, models or variance factors are built.
    private static func load(
        _ npz: NPZReader, path: String, variances: Bool
    ) throws(GAPError) -> (potential: GAPPotential, metadata: PotentialMetadata) {
        guard let text = npz.text("metadata") else {
            throw .badPotentialFile(path: path, detail: "is not a SwiftGAP potential (no metadata)")
        }
        let metadata = try PotentialMetadata.decode(Data(text.utf8), path: path)
        let (e0, counts) = try metadata.validated(path: path)
        var soap: SOAPTerm?
        if let settings = metadata.soap, let kernel = metadata.kernel {
            func invalid(_ error: DescriptorError) -> GAPError {
                .badPotentialEntry(path: path, entry: "metadata soap", detail: "describes no valid descriptor: \(error)")
            }
            let features: Int
            do { features = try settings.numberOfFeatures() } catch { throw invalid(error) }
            var models = [Int: SparseModel]()
            for (z, count) in counts {
                let points = try finiteValues(npz, "sparse_\(z)", shape: [count, features], path: path)
                let alpha = try finiteValues(npz, "alpha_\(z)", shape: [count], path: path)
                models[z] = SparseModel(points: try matrix(count, features, points, entry: "sparse_\(z)", path: path), alpha: alpha)
            }
            let descriptor: SOAP
            do { descriptor = try settings.makeSOAP() } catch { throw invalid(error) }
            soap = try SOAPTerm(settings: settings, soap: descriptor, kernel: kernel, models: models)
        }
        var terms = [GeometricTerm]()
        for (k, entry) in metadata.terms.enumerated() {
            let m = entry.sparsePoints, d = entry.descriptor.dimension
            let points = try finiteValues(npz, "term_\(k)_sparse", shape: [m, d], path: path)
            let weights = try finiteValues(npz, "term_\(k)_cutoff", shape: [m], path: path)
            let alpha = try finiteValues(npz, "term_\(k)_alpha", shape: [m], path: path)
            do {
                let set = try GeometricSparseSet(
                    descriptor: entry.descriptor, kernel: entry.kernel,
                    points: try matrix(m, d, points, entry: "term_\(k)_sparse", path: path), weights: weights)
                terms.append(try GeometricTerm(sparse: set, alpha: alpha))
            } catch {
                throw .badPotentialEntry(path: path, entry: "term_\(k)", detail: "is inconsistent: \(error)")
            }
        }
        let variance =
            metadata.hasVariance && variances
            ? try varianceFactors(
                npz, metadata: metadata, soapModels: soap?.models ?? [:], termPoints: terms.map(\.sparse.count), path: path)
            : nil
        var potential = try GAPPotential(soap: soap, terms: terms, core: metadata.core, e0: e0, variance: variance)
        potential.calibration = metadata.calibration
        return (potential, metadata)
    }

    /// The variance factors, checked against the terms: one block of L per SOAP element, then one per 2- or
    /// 3-body term (`termPoints` their orders), and R as a packed M × M triangle, all finite. Files before
    /// format 3 hold L as a dense packed triangle (`variance_lower`), whose blocks are taken and whose
    /// entries off them must be zero.
    private static func varianceFactors(
        _ npz: NPZReader, metadata: PotentialMetadata, soapModels models: [Int: SparseModel], termPoints: [Int],
        path: String
    ) throws(GAPError) -> VarianceFactors {
        guard let elements = npz.ints("variance_elements") else {
            throw .badPotentialEntry(
                path: path, entry: "variance_elements", detail: "is missing or not int64, though has_variance is true")
        }
        guard elements.shape == [models.count], Set(elements.values) == Set(models.keys) else {
            throw .badPotentialEntry(
                path: path, entry: "variance_elements",
                detail: "is \(elements.values) (shape \(elements.shape)), not one entry for each of \(models.keys.sorted())")
        }
        // Every order ≤ PotentialLimits.sparsePoints and at most species + terms of them: no overflow.
        let orders = elements.values.compactMap { models[$0]?.points.rows } + termPoints
        let m = orders.reduce(0, +)
        let blocks =
            metadata.formatVersion >= 3
            ? try lowerBlocks(npz, orders: orders, path: path) : try lowerBlocks(denseIn: npz, orders: orders, path: path)
        let storage = try unpackColumns(try values(npz, "variance_upper", shape: [m * (m + 1) / 2], path: path), m, path: path)
        let lower: BlockDiagonalLower, upper: ColumnMajorUpper
        do throws(LinearAlgebraError) {
            lower = try BlockDiagonalLower(blocks: blocks)
            upper = try ColumnMajorUpper(order: m, leadingDimension: max(m, 1), storage: storage)
        } catch {
            throw .badPotentialEntry(path: path, entry: "variance", detail: "\(error)")
        }
        return VarianceFactors(elements: elements.values, lower: lower, upper: upper)
    }

    /// The blocks of L from `variance_lower_blocks`: each block's packed lower triangle, row by row.
    private static func lowerBlocks(_ npz: NPZReader, orders: [Int], path: String) throws(GAPError) -> [Matrix] {
        let entry = "variance_lower_blocks"
        let packed = try finiteValues(npz, entry, shape: [orders.reduce(0) { $0 + $1 * ($1 + 1) / 2 }], path: path)
        var blocks = [Matrix](), start = 0
        for b in orders {
            var block = Matrix(rows: b, columns: b)
            for i in 0..<b {
                for j in 0...i { block[i, j] = packed[start + j] }
                start += i + 1
            }
            blocks.append(block)
        }
        return blocks
    }

    /// The blocks of L from a file before format 3: `variance_lower`, the dense packed lower triangle, row by
    /// row, which must be zero off the blocks.
    private static func lowerBlocks(denseIn npz: NPZReader, orders: [Int], path: String) throws(GAPError) -> [Matrix] {
        let entry = "variance_lower"
        let m = orders.reduce(0, +)
        let packed = try finiteValues(npz, entry, shape: [m * (m + 1) / 2], path: path)
        var blocks = [Matrix](), offset = 0
        for b in orders {
            var block = Matrix(rows: b, columns: b)
            for i in 0..<b {
                let row = (offset + i) * (offset + i + 1) / 2
                if let j = (0..<offset).first(where: { packed[row + $0] != 0 }) {
                    throw .badPotentialEntry(
                        path: path, entry: entry,
                        detail: "is not block diagonal by term and element: entry (\(offset + i), \(j)) is \(packed[row + j])")
                }
                for j in 0...i { block[i, j] = packed[row + offset + j] }
            }
            blocks.append(block)
            offset += b
        }
        return blocks
    }

    /// The float64 array `name`, which must have `shape`.
    private static func values(_ npz: NPZReader, _ name: String, shape: [Int], path: String) throws(GAPError) -> [Double] {
        guard let array = npz.doubles(name) else {
            throw .badPotentialEntry(path: path, entry: name, detail: "is missing or not float64")
        }
        guard array.shape == shape else {
            throw .badPotentialEntry(path: path, entry: name, detail: "has shape \(array.shape), but the metadata implies \(shape)")
        }
        return array.values
    }

    /// The float64 array `name`, which must have `shape` and finite values.
    private static func finiteValues(_ npz: NPZReader, _ name: String, shape: [Int], path: String) throws(GAPError) -> [Double] {
        let values = try values(npz, name, shape: shape, path: path)
        if let k = values.firstIndex(where: { !$0.isFinite }) {
            throw .badPotentialEntry(path: path, entry: name, detail: "holds a non-finite value (\(values[k]) at index \(k))")
        }
        return values
    }

    private static func matrix(_ rows: Int, _ columns: Int, _ values: [Double], entry: String, path: String) throws(GAPError)
        -> Matrix
    {
        do { return try Matrix(rows: rows, columns: columns, elements: values) } catch {
            throw .badPotentialEntry(path: path, entry: entry, detail: "\(error)")
        }
    }

    /// The n × n upper triangle packed column by column in `packed` (rows 0…j of column j: the lower
    /// triangle of its transpose row by row), unpacked column-major into fresh memory (huge pages for large
    /// factors, since zeroing and copying 100 MB triangles page by page dominated loading); non-finite values
    /// are caught on the way (x − x is NaN only for them).
    static func unpackColumns(_ packed: [Double], _ n: Int, path: String) throws(GAPError) -> [Double] {
        var check = 0.0
        let storage: [Double] = LargeArrays.uninitialised(n * n) { out in
            packed.withUnsafeBufferPointer { p in
                for j in 0..<n {
                    let column = out + j * n, start = j * (j + 1) / 2
                    for i in 0...j {
                        let x = p[start + i]
                        column[i] = x
                        check += x - x
                    }
                    for i in (j + 1)..<max(j + 1, n) { column[i] = 0 }
                }
            }
        }
        guard check == 0 else { throw .badPotentialEntry(path: path, entry: "variance_upper", detail: "holds non-finite values") }
        return storage
    }
}

extension GAPError {
    /// A potential file's archive is unreadable: the entry at fault, or the file.
    init(_ error: NPZError) {
        if let entry = error.entry {
            self = .badPotentialEntry(path: error.path, entry: entry, detail: error.problem)
        } else {
            self = .badPotentialFile(path: error.path, detail: error.problem)
        }
    }
}
