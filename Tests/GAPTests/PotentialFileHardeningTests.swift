import Archive
import Foundation
import LinearAlgebra
import TestSupport
import Testing

@testable import GAP

/// Potential files whose metadata or arrays are out of range, inconsistent, not finite or truncated: each is a
/// `GAPError` naming the file and the bad entry, found before anything is built from it.
@Suite("Potential files with bad metadata and arrays")
struct PotentialFileHardeningTests {
    /// A small potential of silicon (n_max 2, l_max 2, 3 sparse points) with variance factors, built directly.
    static let potential: GAPPotential = {
        let soap = SOAPSettings(cutoff: 3, nMax: 2, lMax: 2, speciesZ: [14])
        let features = (try? soap.makeSOAP().numberOfFeatures) ?? 0
        let m = 3
        // Rows of sines, normalised as SOAP vectors are.
        let points = (0..<m).flatMap { k in
            let row = (0..<features).map { sin(Double(k * features + $0)) }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return row.map { $0 / norm }
        }
        let identity = (0..<(m * m)).map { $0 % (m + 1) == 0 ? 1.0 : 0.0 }
        let model = SparseModel(
            points: (try? Matrix(rows: m, columns: features, elements: points)) ?? Matrix(rows: m, columns: features),
            alpha: [0.5, -0.25, 1])
        let factor = (try? Matrix(rows: m, columns: m, elements: identity)) ?? Matrix(rows: m, columns: m)
        return
            (try? GAPPotential(
                soap: SOAPTerm(settings: soap, kernel: PolynomialKernel(delta: 1, zeta: 2), models: [14: model]),
                e0: [14: -158.5],
                variance: VarianceFactors(
                    elements: [14], lower: try BlockDiagonalLower(blocks: [factor]), upper: try ColumnMajorUpper(dense: factor))))!
    }()

    static let record = FitRecord(
        settings: FitSettings(), trainingFile: "train.xyz", trainingSHA256: "00", trainingConfigurations: 4,
        observations: 40, reciprocalCondition: 1e-6)

    /// The potential's archive, as the arrays and the metadata JSON text.
    static let parts: (arrays: [String: NPZReader.Array], metadata: String) = {
        guard let folder = try? TemporaryFolder(prefix: "swiftgap-hardening") else { return ([:], "") }
        return withExtendedLifetime(folder) {
            let path = folder.path("hardening.gap")
            try? potential.write(to: path, fit: record, codeVersion: "test")
            let npz = try? NPZReader(path: path)
            return (npz?.arrays ?? [:], npz?.text("metadata") ?? "")
        }
    }()

    /// The archive with `metadata` and arrays replaced or, for nil, dropped.
    private func archive(metadata: String = parts.metadata, replacing arrays: [String: NPZReader.Array?] = [:]) -> [UInt8] {
        PotentialArchiveParts(arrays: Self.parts.arrays, metadata: Self.parts.metadata).archive(
            metadata: metadata, replacing: arrays)
    }

    /// The metadata with `change` applied to its JSON object.
    private func metadata(_ change: (inout [String: Any]) -> Void) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.parts.metadata.utf8)) as? [String: Any])
        change(&object)
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// The error reading `bytes`, or nil when it reads.
    private func error(_ bytes: [UInt8]) -> GAPError? {
        do { _ = try GAPPotential.load(bytes: bytes, name: "bad.gap") } catch { return error }
        return nil
    }

    /// Whether `bytes` fail with an error about `entry` whose text contains `says`.
    private func rejects(_ bytes: [UInt8], entry: String, says: String) -> Bool {
        guard case let .badPotentialEntry(path, e, detail)? = error(bytes) else { return false }
        return path == "bad.gap" && e == entry && detail.contains(says)
    }

    @Test func aGoodPotentialReadsFromMemory() throws {
        let (read, metadata) = try GAPPotential.load(bytes: archive(), name: "good.gap")
        #expect(read.soap == Self.potential.soap && read.variance == Self.potential.variance && metadata.fit == Self.record)
    }

    @Test(arguments: [
        ("n_max", "1000000", "metadata soap.n_max", "1000000"), ("n_max", "0", "metadata soap.n_max", "is 0"),
        ("l_max", "99", "metadata soap.l_max", "99"), ("cutoff", "-1", "metadata soap.cutoff", "-1.0"),
        ("cutoff", "1e6", "metadata soap.cutoff", "1000000"), ("atom_sigma", "0", "metadata soap.atom_sigma", "0.0"),
        ("cutoff_transition_width", "10", "metadata soap.cutoff_transition_width", "10.0"),
        ("species_Z", "[0]", "metadata soap.species_Z", "[0]"), ("species_Z", "[14, 14]", "metadata soap.species_Z", "distinct"),
        ("species_Z", "[\((1...40).map(String.init).joined(separator: ","))]", "metadata soap.species_Z", "up to 16"),
        ("species_Z", "[6]", "metadata soap.species_Z", "without Si"), ("n_max", "\"eight\"", "metadata soap.n_max", "type")
    ])
    func badDescriptorSettingsAreNamed(key: String, json: String, entry: String, says: String) throws {
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let text = try metadata { m in
            var soap = m["soap"] as? [String: Any] ?? [:]
            soap[key] = value
            m["soap"] = soap
        }
        #expect(rejects(archive(metadata: text), entry: entry, says: says), "\(String(describing: error(archive(metadata: text))))")
    }

    @Test func badKernelE0AndSparseCountsAreNamed() throws {
        let zeta = try metadata { $0["kernel"] = ["delta": 1, "zeta": -2] }
        #expect(rejects(archive(metadata: zeta), entry: "metadata kernel.zeta", says: "-2"))
        let delta = try metadata { $0["kernel"] = ["delta": 0, "zeta": 2] }
        #expect(rejects(archive(metadata: delta), entry: "metadata kernel.delta", says: "0.0"))
        let e0 = try metadata { $0["e0"] = ["Si": -1, "Qq": 2] }
        #expect(rejects(archive(metadata: e0), entry: "metadata e0", says: "Qq"))
        let missing = try metadata { $0["e0"] = [String: Double]() }
        #expect(rejects(archive(metadata: missing), entry: "metadata e0", says: "no value for Si"))
        for count in [0, 2_000_000, -5] {
            let sparse = try metadata { $0["sparse_points"] = ["Si": count] }
            #expect(rejects(archive(metadata: sparse), entry: "metadata sparse_points.Si", says: "\(count)"))
        }
        let none = try metadata { $0["sparse_points"] = [String: Int]() }
        #expect(rejects(archive(metadata: none), entry: "metadata sparse_points", says: "empty"))
        let noSOAP = try metadata { $0["soap"] = nil }
        #expect(rejects(archive(metadata: noSOAP), entry: "metadata sparse_points", says: "no SOAP term"))
        let version1 = try metadata {
            $0["soap"] = nil
            $0["format_version"] = 1
        }
        #expect(rejects(archive(metadata: version1), entry: "metadata soap", says: "missing"))
    }

    @Test func shapesMustMatchTheMetadata() throws {
        let features = try #require(
            Self.parts.arrays["sparse_14"].flatMap { if case let .doubles(_, s) = $0 { s[1] } else { nil } })
        let wide = archive(replacing: [
            "sparse_14": .doubles([Double](repeating: 0, count: 3 * (features + 1)), shape: [3, features + 1])
        ])
        #expect(rejects(wide, entry: "sparse_14", says: "[3, \(features + 1)]"))
        #expect(rejects(archive(replacing: ["alpha_14": .doubles([1, 2], shape: [2])]), entry: "alpha_14", says: "[2]"))
        #expect(rejects(archive(replacing: ["alpha_14": nil]), entry: "alpha_14", says: "missing"))
        #expect(rejects(archive(replacing: ["alpha_14": .ints([1, 2, 3], shape: [3])]), entry: "alpha_14", says: "not float64"))
        #expect(
            rejects(
                archive(replacing: ["variance_lower_blocks": .doubles([1], shape: [1])]), entry: "variance_lower_blocks",
                says: "[6]"))
        #expect(
            rejects(
                archive(replacing: ["variance_elements": .ints([14, 14], shape: [2])]), entry: "variance_elements", says: "[14, 14]"
            ))
        #expect(rejects(archive(replacing: ["variance_elements": .ints([6], shape: [1])]), entry: "variance_elements", says: "[6]"))
        // Without variances asked for, the variance arrays are not read.
        #expect(throws: Never.self) {
            try GAPPotential.load(bytes: archive(replacing: ["variance_lower_blocks": nil]), name: "lean.gap", variances: false)
        }
    }

    @Test func aHugeShapeInAnArrayHeaderIsAnError() {
        var writer = NPZWriter()
        writer.add("metadata", text: Self.parts.metadata)
        writer.add("sparse_14", npy: NPZWriter.header(descr: "<f8", shape: [Int.max, 496]) + [UInt8](repeating: 0, count: 496 * 8))
        #expect(rejects(writer.bytes(), entry: "sparse_14.npy", says: "9223372036854775807"))
    }

    @Test func nonFiniteWeightsPointsAndFactorsAreReportedUpFront() {
        #expect(
            rejects(archive(replacing: ["alpha_14": .doubles([1, .nan, 2], shape: [3])]), entry: "alpha_14", says: "nan at index 1")
        )
        guard case let .doubles(points, shape)? = Self.parts.arrays["sparse_14"] else {
            Issue.record("no sparse points")
            return
        }
        var bad = points
        bad[5] = .infinity
        #expect(rejects(archive(replacing: ["sparse_14": .doubles(bad, shape: shape)]), entry: "sparse_14", says: "inf at index 5"))
        let triangle: [Double] = [1, 0, 1, -.infinity, 0, 1]
        #expect(
            rejects(
                archive(replacing: ["variance_upper": .doubles(triangle, shape: [6])]), entry: "variance_upper", says: "non-finite")
        )
    }

    @Test func truncatedAndForeignFilesAreErrors() throws {
        let good = archive()
        for length in stride(from: 0, to: good.count, by: 7) {
            #expect(error(Array(good.prefix(length))) != nil, "prefix \(length)")
        }
        let notJSON = archive(metadata: "[1, 2")
        #expect(rejects(notJSON, entry: "metadata", says: "not a JSON object"))
        let other = try metadata { $0["format"] = "something-else" }
        guard case let .badPotentialFile(_, detail)? = error(archive(metadata: other)) else {
            Issue.record("a foreign format must be refused")
            return
        }
        #expect(detail.contains("not a SwiftGAP potential"))
    }
}
