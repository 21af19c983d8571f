import Atoms
import Descriptors
import Support
import TestSupport
import Testing

/// Both descriptors conform to `Descriptor`, and code written against `any Descriptor` (as `swiftgap
/// describe` is) gets exactly the numbers of the concrete calls.
@Suite("Descriptor protocol")
struct DescriptorProtocolTests {
    static func molecules() -> [Structure] {
        var rng = SeededGenerator(seed: 3)
        let box = Cell(SIMD3(6, 0, 0), SIMD3(0, 6, 0), SIMD3(0, 0, 6))
        return (0..<3).map { k in
            RandomStructures.atoms(count: 4 + k, cell: box, pbc: .none, elements: [6, 1, 8], minimumDistance: 0.9, rng: &rng)
        }
    }

    static func crystal() -> [Structure] {
        var rng = SeededGenerator(seed: 4)
        let cell = RandomStructures.triclinicCell(lengths: 4...5, rng: &rng)
        return [RandomStructures.atoms(count: 5, cell: cell, pbc: .all, elements: [14, 8], rng: &rng)]
    }

    /// What `describe` does: everything through the protocol.
    func generic(_ descriptor: any Descriptor, _ structures: [Structure], centers: [[Int]]?)
        throws -> (count: Int, rows: DescriptorRows, derivatives: (DescriptorRows, SparseDerivatives))
    {
        (
            descriptor.numberOfFeatures, try descriptor.create(structures, centers: centers, threads: 2),
            try descriptor.derivatives(structures, centers: centers, threads: 2)
        )
    }

    @Test func soapThroughTheProtocolMatchesTheConcreteCalls() throws {
        let structures = Self.crystal()
        let layouts: [SOAP] = [
            try SOAP.quip(cutoff: 4, nMax: 3, lMax: 2, atomSigma: 0.5, speciesZ: [14, 8]),
            try SOAP.dscribe(species: [8, 14], cutoff: 4, nMax: 3, lMax: 2, atomSigma: 0.5)
        ]
        for soap in layouts {
            for centers: [[Int]]? in [nil, [[0, 3]]] {
                let out = try generic(soap, structures, centers: centers)
                #expect(out.count == soap.numberOfFeatures)
                #expect(out.rows == (try soap.create(structures, centers: centers, threads: 1)))
                let (q, d) = try soap.derivatives(structures, centers: centers, threads: 1)
                #expect(out.derivatives.0 == q && out.derivatives.1 == d)
                #expect(out.rows.count == (centers?[0].count ?? structures[0].count))
                #expect(d.strain == nil, "the protocol's derivatives are with respect to positions only")
            }
        }
    }

    @Test func coulombMatrixThroughTheProtocolMatchesTheConcreteCalls() throws {
        let structures = Self.molecules()
        for permutation: CoulombMatrix.Permutation in [.none, .sortedL2, .eigenspectrum, .random(sigma: 0.1, seed: 7)] {
            let cm = try CoulombMatrix(nAtomsMax: 6, permutation: permutation)
            let out = try generic(cm, structures, centers: nil)
            #expect(out.count == cm.numberOfFeatures)
            #expect(out.rows == (try cm.create(structures, threads: 1)))
            let (q, d) = try cm.derivatives(structures, threads: 1)
            #expect(out.derivatives.0 == q && out.derivatives.1 == d)
            #expect(out.rows.count == structures.count && out.rows.center.allSatisfy { $0 == -1 })
        }
    }

    @Test func aGlobalDescriptorRefusesCenters() throws {
        let cm: any Descriptor = try CoulombMatrix(nAtomsMax: 6)
        let structures = Self.molecules()
        let centers = structures.map { _ in [0] }
        #expect(throws: DescriptorError.self) { try cm.create(structures, centers: centers, threads: 1) }
        #expect(throws: DescriptorError.self) { try cm.derivatives(structures, centers: centers, threads: 1) }
    }
}
