import Atoms
import Foundation
import Support
import TestSupport
import Testing

@testable import Descriptors

/// DScribe 2.1.2 outputs (scripts/fixtures/make_dscribe_fixtures.py) reproduced to ≤ 1e-8 relative.
@Suite("SOAP against DScribe")
struct DScribeFixtureTests {
    struct Settings: Decodable {
        let species: [Int]
        let r_cut: Double
        let n_max: Int
        let l_max: Int
        let sigma: Double
        let periodic: Bool
        let average: String
        let compression: String
        let species_weighting: [String: Double]?
        let weighting: [String: JSONValue]?
    }

    struct Case: Decodable {
        let name: String
        let structure: StructureFixture
        let settings: Settings
        let centers: [Int]?
        let n_features: Int
        let locations: [String: [Int]]
        let descriptors: [[Double]]
        let derivatives: [[[[Double]]]]?
        let derivative_method: String?
        let derivatives_attach_false_self: [[[Double]]]?
    }

    struct GTOBasis: Decodable {
        let r_cut: Double
        let n_max: Int
        let l_max: Int
        let alphas: [[Double]]
        let betas: [[[Double]]]
    }

    struct File: Decodable {
        let gto_basis: GTOBasis
        let cases: [Case]
    }

    static let file: File = try! Fixtures.load(File.self, "dscribe_soap.json")

    static func soap(_ s: Settings) throws -> SOAP {
        let w = s.weighting ?? [:]
        func number(_ key: String) -> Double? { w[key]?.number }
        var weighting: SOAP.Weighting? = nil
        if case let .string(function)? = w["function"], let r0 = number("r0"), let c = number("c") {
            switch function {
            case "poly": weighting = .poly(c: c, r0: r0, m: number("m") ?? 0)
            case "pow": weighting = .pow(c: c, d: number("d") ?? 0, r0: r0, m: number("m") ?? 0)
            default: weighting = .exp(c: c, d: number("d") ?? 0, r0: r0)
            }
        }
        return try SOAP.dscribe(
            species: s.species, cutoff: s.r_cut, nMax: s.n_max, lMax: s.l_max, atomSigma: s.sigma, weighting: weighting,
            centerWeight: number("w0"), average: SOAP.Averaging(rawValue: s.average)!,
            compression: try #require(SOAP.Compression(rawValue: s.compression)),
            speciesWeights: Dictionary(uniqueKeysWithValues: (s.species_weighting ?? [:]).map { (Int($0.key)!, $0.value) }),
            periodic: s.periodic)
    }

    @Test(arguments: file.cases.map(\.name))
    func descriptorsMatch(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let soap = try Self.soap(c.settings)
        #expect(soap.numberOfFeatures == c.n_features)
        let rows = try soap.create([c.structure.structure], centers: c.centers.map { [$0] })
        #expect(rows.count == c.descriptors.count)
        let scale = c.descriptors.flatMap { $0 }.map(abs).max() ?? 1
        var worst = 0.0
        for (k, expected) in c.descriptors.enumerated() {
            for (a, b) in zip(rows.row(k), expected) { worst = max(worst, abs(a - b) / scale) }
        }
        #expect(worst <= 1e-10, "\(name): relative error \(worst)")
        for (key, range) in c.locations {
            let z = key.split(separator: ",").map { Int($0)! }
            #expect(soap.location(of: (z[0], z[1])) == range[0]..<range[1], "\(name) \(key)")
        }
    }

    @Test(arguments: file.cases.filter { $0.derivatives != nil }.map(\.name))
    func derivativesMatch(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let expected = try #require(c.derivatives)
        let soap = try Self.soap(c.settings)
        let (_, d) = try soap.derivatives([c.structure.structure])
        let D = soap.numberOfFeatures
        let atoms = c.structure.numbers.count
        // Dense [row][atom][axis][feature] from the sparse blocks (absent blocks are zero).
        var dense = [Double](repeating: 0, count: expected.count * atoms * 3 * D)
        for k in 0..<d.count {
            let base = (d.row[k] * atoms + d.atom[k]) * 3 * D
            for (offset, value) in d.block(k).enumerated() { dense[base + offset] += value }
        }
        let flat = expected.flatMap { $0.flatMap { $0.flatMap { $0 } } }
        let scale = flat.map(abs).max() ?? 1
        let worst = zip(dense, flat).map { abs($0 - $1) }.max() ?? 0
        // DScribe's analytic derivatives are exact; its periodic ones are finite differences (h = 1e-4 Å).
        let tolerance = c.derivative_method == "analytical" ? 1e-8 : 1e-6
        #expect(worst / scale <= tolerance, "\(name): relative error \(worst / scale)")
    }

    @Test func gtoBasisMatchesDScribe() throws {
        let b = Self.file.gto_basis
        let mine = try GTORadialFunctions(cutoff: b.r_cut, nMax: b.n_max, lMax: b.l_max, sigma: 0.5)
        for l in 0...b.l_max {
            for n in 0..<b.n_max {
                #expect(abs(mine.alphas[l][n] - b.alphas[l][n]) <= 1e-12 * abs(b.alphas[l][n]))
                for k in 0..<b.n_max {
                    #expect(abs(mine.betas[l][n][k] - b.betas[l][n][k]) <= 1e-8 * abs(b.betas[l].flatMap { $0 }.map(abs).max()!))
                }
            }
        }
    }
}
