import Atoms
import Descriptors
import Foundation
import TestSupport
import Testing

/// quippy 0.10.3 `soap` values and gradients (scripts/fixtures/make_quip_soap_fixtures.py), to ≤ 1e-10.
@Suite("SOAP against quippy")
struct QUIPFixtureTests {
    struct Settings: Decodable {
        let cutoff: Double
        let cutoff_transition_width: Double
        let n_max: Int
        let l_max: Int
        let atom_sigma: Double
        let central_weight: Double
        let species_Z: [Int]
        let Z: Int
        let normalise: Bool
        let average: Bool
    }

    struct Case: Decodable {
        let name: String
        let structure: StructureFixture
        let settings: Settings
        let centers: [Int]
        let data: [[Double]]
        let grad_rows: [Int]?
        let grad_index: [[Int]]?
        let grad_data: [[[Double]]]?
    }

    struct File: Decodable { let cases: [Case] }

    static let file: File = try! Fixtures.load(File.self, "quip_soap.json")

    static func soap(_ s: Settings) throws -> SOAP {
        try SOAP.quip(
            cutoff: s.cutoff, cutoffTransitionWidth: s.cutoff_transition_width, nMax: s.n_max, lMax: s.l_max,
            atomSigma: s.atom_sigma, centralWeight: s.central_weight, speciesZ: s.species_Z == [0] ? [] : s.species_Z,
            centerSpecies: s.Z == 0 ? nil : s.Z, normalise: s.normalise, average: s.average)
    }

    @Test(arguments: file.cases.map(\.name))
    func valuesMatch(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let soap = try Self.soap(c.settings)
        let rows = try soap.create([c.structure.structure])
        #expect(rows.center == c.centers)
        #expect(rows.featureCount == c.data[0].count)
        var worst = 0.0
        for (k, expected) in c.data.enumerated() {
            for (a, b) in zip(rows.row(k), expected) { worst = max(worst, abs(a - b)) }
        }
        #expect(worst <= 1e-10, "\(name): error \(worst)")
    }

    @Test(arguments: file.cases.filter { $0.grad_data != nil && !($0.grad_data ?? []).isEmpty }.map(\.name))
    func gradientsMatch(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let index = try #require(c.grad_index), data = try #require(c.grad_data)
        let soap = try Self.soap(c.settings)
        let (_, d) = try soap.derivatives([c.structure.structure])
        // quippy lists one entry per neighbor image; SwiftGAP merges images of an atom.
        var expected = [[Int]: [Double]]()
        for (k, pair) in index.enumerated() {
            let flat = data[k].flatMap { $0 }
            expected[pair, default: [Double](repeating: 0, count: flat.count)] =
                zip(expected[pair] ?? [Double](repeating: 0, count: flat.count), flat).map(+)
        }
        var found = 0, worst = 0.0
        for k in 0..<d.count {
            guard let e = expected[[d.row[k], d.atom[k]]] else { continue }
            found += 1
            worst = max(worst, zip(d.block(k), e).map { abs($0 - $1) }.max() ?? 0)
        }
        #expect(found == expected.count, "\(name): \(found) of \(expected.count) quippy blocks present")
        #expect(worst <= 1e-9, "\(name): gradient error \(worst)")
    }
}
