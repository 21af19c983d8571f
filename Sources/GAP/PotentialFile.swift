import Archive
import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Support

/// The self-description stored in every potential file (the `metadata` array, JSON text).
public struct PotentialMetadata: Codable, Equatable, Sendable {
    /// Always "swiftgap-potential".
    public var format = PotentialMetadata.formatName
    /// Version of the file layout; readers refuse newer ones.
    public var formatVersion = PotentialMetadata.currentVersion
    /// The SwiftGAP version that wrote the file.
    public var codeVersion: String
    /// When the file was written (ISO 8601).
    public var created: String
    /// Descriptor settings.
    public var soap: SOAPSettings
    /// Kernel.
    public var kernel: PolynomialKernel
    /// Isolated-atom energies by element symbol, eV.
    public var e0: [String: Double]
    /// Sparse points per element symbol.
    public var sparsePoints: [String: Int]
    /// Everything else about the fit (settings as given, training file, errors, timings), free-form.
    public var fit: [String: JSONField]
    /// Whether variance factors are stored.
    public var hasVariance: Bool

    /// The `format` value.
    public static let formatName = "swiftgap-potential"
    /// The layout version this code writes and the newest it reads.
    public static let currentVersion = 1

    enum CodingKeys: String, CodingKey {
        case format, formatVersion = "format_version", codeVersion = "code_version", created, soap, kernel, e0
        case sparsePoints = "sparse_points", fit, hasVariance = "has_variance"
    }
}

/// A JSON value in free-form metadata.
public enum JSONField: Codable, Equatable, Sendable {
    case number(Double)
    case text(String)
    case flag(Bool)
    case list([JSONField])
    case object([String: JSONField])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) { self = .text(s) } else if let l = try? c.decode([JSONField].self) {
            self = .list(l)
        } else {
            self = .object(try c.decode([String: JSONField].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .number(x): try c.encode(x)
        case let .text(s): try c.encode(s)
        case let .flag(b): try c.encode(b)
        case let .list(l): try c.encode(l)
        case let .object(o): try c.encode(o)
        }
    }
}

extension GAPPotential {
    /// Writes the potential as an `.npz` archive (numpy-readable): `metadata` (JSON text), per element Z
    /// `sparse_Z` [M, D] and `alpha_Z` [M], and, when present, `variance_elements`, `variance_lower` and
    /// `variance_upper` (packed triangles, row-major). Written atomically.
    public func write(to path: String, fit: [String: JSONField], codeVersion: String) throws {
        let formatter = ISO8601DateFormatter()
        let metadata = PotentialMetadata(
            codeVersion: codeVersion, created: formatter.string(from: Date()), soap: soapSettings, kernel: kernel,
            e0: Dictionary(uniqueKeysWithValues: e0.map { (Element.label($0.key), $0.value) }),
            sparsePoints: Dictionary(uniqueKeysWithValues: models.map { (Element.label($0.key), $0.value.points.rows) }),
            fit: fit, hasVariance: variance != nil)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var npz = NPZWriter()
        npz.add("metadata", text: String(decoding: try encoder.encode(metadata), as: UTF8.self))
        for (z, model) in models.sorted(by: { $0.key < $1.key }) {
            npz.add("sparse_\(z)", model.points.elements, shape: [model.points.rows, model.points.columns])
            npz.add("alpha_\(z)", model.alpha, shape: [model.alpha.count])
        }
        if let variance {
            npz.add("variance_elements", variance.elements, shape: [variance.elements.count])
            npz.add("variance_lower", Self.packLower(variance.lower), shape: [variance.lower.rows * (variance.lower.rows + 1) / 2])
            npz.add("variance_upper", Self.packLower(variance.upper.transposed), shape: [variance.upper.rows * (variance.upper.rows + 1) / 2])
        }
        try npz.write(to: path)
    }

    /// Reads a potential file. With `variances: false` the variance factors (two M × M triangles, most of a
    /// large file) are not unpacked and the potential predicts without variances, e.g. for MD.
    /// - Throws: `GAPError.badPotentialFile` for a missing, truncated, corrupt, foreign or newer file.
    public static func load(
        path: String, variances: Bool = true
    ) throws(GAPError) -> (potential: GAPPotential, metadata: PotentialMetadata) {
        func bad(_ detail: String) -> GAPError { .badPotentialFile(path: path, detail: detail) }
        let npz: NPZReader
        do { npz = try NPZReader(path: path) } catch { throw bad("\(error.problem)") }
        guard let text = npz.text("metadata") else { throw bad("is not a SwiftGAP potential (no metadata)") }
        let metadata: PotentialMetadata
        do { metadata = try JSONDecoder().decode(PotentialMetadata.self, from: Data(text.utf8)) } catch {
            throw bad("has unreadable metadata (\(error.localizedDescription))")
        }
        guard metadata.format == PotentialMetadata.formatName else { throw bad("is a '\(metadata.format)' file, not a SwiftGAP potential") }
        guard metadata.formatVersion <= PotentialMetadata.currentVersion else {
            throw bad("was written by a newer SwiftGAP (format \(metadata.formatVersion), this one reads up to "
                + "\(PotentialMetadata.currentVersion)); update SwiftGAP")
        }
        var e0 = [Int: Double]()
        for (symbol, value) in metadata.e0 {
            guard let z = Element.atomicNumber(symbol) else { throw bad("names an unknown element '\(symbol)'") }
            e0[z] = value
        }
        let soap: SOAP
        do { soap = try metadata.soap.makeSOAP() } catch { throw bad("has invalid descriptor settings: \(error)") }
        let D = soap.numberOfFeatures
        var models = [Int: SparseModel]()
        for (symbol, count) in metadata.sparsePoints {
            guard let z = Element.atomicNumber(symbol), let x = npz.doubles("sparse_\(z)"), let a = npz.doubles("alpha_\(z)") else {
                throw bad("lacks the sparse points or weights of \(symbol)")
            }
            guard x.shape == [count, D], a.shape == [count] else {
                throw bad("has sparse points of \(symbol) shaped \(x.shape) and weights \(a.shape), expected [\(count), \(D)] and [\(count)]")
            }
            models[z] = SparseModel(points: try matrix(count, D, x.values, path: path), alpha: a.values)
        }
        var variance: VarianceFactors? = nil
        if metadata.hasVariance && variances {
            guard let elements = npz.ints("variance_elements")?.values, let l = npz.doubles("variance_lower")?.values,
                  let u = npz.doubles("variance_upper")?.values
            else { throw bad("lacks its variance factors") }
            let m = models.values.reduce(0) { $0 + $1.points.rows }
            guard l.count == m * (m + 1) / 2, u.count == l.count else { throw bad("has variance factors of the wrong size") }
            variance = VarianceFactors(elements: elements, lower: try unpackLower(l, m, path: path),
                                       upper: try unpackLower(u, m, transposed: true, path: path))
        }
        do {
            return (try GAPPotential(soapSettings: metadata.soap, kernel: metadata.kernel, e0: e0, models: models, variance: variance), metadata)
        } catch {
            throw bad("cannot be rebuilt: \(error)")
        }
    }

    private static func matrix(_ rows: Int, _ columns: Int, _ values: [Double], path: String) throws(GAPError) -> Matrix {
        do { return try Matrix(rows: rows, columns: columns, elements: values) } catch {
            throw .badPotentialFile(path: path, detail: "\(error)")
        }
    }

    /// The lower triangle, row by row.
    static func packLower(_ m: Matrix) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(m.rows * (m.rows + 1) / 2)
        for i in 0..<m.rows { out += m.elements[(i * m.columns)...(i * m.columns + i)] }
        return out
    }

    /// The n × n matrix whose lower triangle is `packed` (row by row), or its transpose. Written once into
    /// fresh memory (huge pages for large factors), since zeroing and copying 100 MB triangles page by
    /// page dominated loading.
    static func unpackLower(_ packed: [Double], _ n: Int, transposed: Bool = false, path: String) throws(GAPError) -> Matrix {
        let elements: [Double] = LargeArrays.uninitialised(n * n) { out in
            packed.withUnsafeBufferPointer { p in
                for i in 0..<n {
                    let row = out + i * n
                    if transposed {
                        for j in 0..<i { row[j] = 0 }
                        for j in i..<n { row[j] = p[j * (j + 1) / 2 + i] }
                    } else {
                        let start = i * (i + 1) / 2
                        for j in 0...i { row[j] = p[start + j] }
                        for j in (i + 1)..<n { row[j] = 0 }
                    }
                }
            }
        }
        return try matrix(n, n, elements, path: path)
    }
}
