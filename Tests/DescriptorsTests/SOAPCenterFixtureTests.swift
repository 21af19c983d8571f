import Atoms
import Descriptors
import TestSupport
import Testing

/// Dense [row][atom][axis][feature] values of sparse derivative blocks (absent blocks are zero).
func denseDerivatives(_ d: SparseDerivatives, rows: Int, atoms: Int) -> [Double] {
    let D = d.featureCount
    var dense = [Double](repeating: 0, count: rows * atoms * 3 * D)
    for k in 0..<d.count {
        let base = (d.row[k] * atoms + d.atom[k]) * 3 * D
        for (offset, value) in d.block(k).enumerated() { dense[base + offset] += value }
    }
    return dense
}

/// Largest |a − b| over the largest |b|.
func relativeDeviation(_ a: [Double], _ b: [Double]) -> Double {
    let scale = b.map(abs).max() ?? 1
    return (zip(a, b).map { abs($0 - $1) }.max() ?? 0) / scale
}

/// DScribe 2.1.2 at point centers and with attach=False (dscribe_soap_centers.json, made by
/// scripts/fixtures/make_dscribe_fixtures.py).
@Suite("SOAP centers and attach against DScribe")
struct SOAPCenterFixtureTests {
    struct CenterEntry: Decodable {
        let atom: Int?
        let point: [Double]?
        var center: SOAP.Center { atom.map(SOAP.Center.atom) ?? .point(vector(point!)) }
    }

    struct Case: Decodable {
        let name: String
        let structure: StructureFixture
        let settings: DScribeFixtureTests.Settings
        let centers: [CenterEntry]
        let n_features: Int
        let descriptors: [[Double]]
        let derivative_method: String
        let derivatives_attach_false: [[[[Double]]]]
    }

    struct File: Decodable { let cases: [Case] }

    static let file: File = try! Fixtures.load(File.self, "dscribe_soap_centers.json")

    @Test(arguments: file.cases.map(\.name))
    func valuesAndFixedCenterDerivativesMatch(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let soap = try DScribeFixtureTests.soap(c.settings)
        #expect(soap.numberOfFeatures == c.n_features)
        let s = c.structure.structure
        let (rows, d) = try soap.derivatives([s], at: [c.centers.map(\.center)], attach: false)
        let values = relativeDeviation(rows.values, c.descriptors.flatMap { $0 })
        #expect(values <= 1e-10, "\(name): values relative error \(values)")
        if c.settings.average == "off" {
            #expect(rows.center == c.centers.map { $0.atom ?? -1 })
        }
        let expected = c.derivatives_attach_false.flatMap { $0.flatMap { $0.flatMap { $0 } } }
        let error = relativeDeviation(denseDerivatives(d, rows: rows.count, atoms: s.count), expected)
        // DScribe's analytic derivatives are exact; the others are central differences with h = 1e-4 Å.
        let tolerance = c.derivative_method == "analytical" ? 1e-8 : 1e-6
        #expect(error <= tolerance, "\(name): derivatives relative error \(error)")
    }

    /// DScribe's analytic molecule: attach=False equals attach=True except each center's own block.
    @Test func attachFalseMoleculeMatches() throws {
        let c = try #require(DScribeFixtureTests.file.cases.first { $0.name == "co2h_derivs" })
        let attached = try #require(c.derivatives)
        let own = try #require(c.derivatives_attach_false_self)
        var expected = attached
        for (row, block) in own.enumerated() { expected[row][row] = block }
        let soap = try DScribeFixtureTests.soap(c.settings)
        let s = c.structure.structure
        let (rows, d) = try soap.derivatives([s], at: [(0..<s.count).map(SOAP.Center.atom)], attach: false)
        let error = relativeDeviation(
            denseDerivatives(d, rows: rows.count, atoms: s.count), expected.flatMap { $0.flatMap { $0.flatMap { $0 } } })
        #expect(error <= 1e-8, "relative error \(error)")
    }
}
