import Atoms
import Descriptors
import TestSupport
import Testing

@Suite("Sine matrix")
struct SineMatrixTests {
    static let file: MatrixFixtureCase.File = try! Fixtures.load(MatrixFixtureCase.File.self, "dscribe_sine.json")

    /// A rattled triclinic Mg₂O₂H cell (the fixtures' "triclinic").
    static var triclinic: Structure { file.cases.first { $0.name == "triclinic_none" }!.structure.structure }

    static func sine(_ c: MatrixFixtureCase) throws -> SineMatrix {
        try SineMatrix(nAtomsMax: c.n_atoms_max, permutation: c.matrixPermutation)
    }

    @Test(arguments: file.cases.filter { !$0.reference_only }.map(\.name))
    func matchesDScribe(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let sm = try Self.sine(c)
        let rows = try sm.create([c.structure.structure])
        #expect(rows.featureCount == c.descriptor.count)
        let error = c.descriptorError(rows)
        #expect(error <= 1e-13, "\(name): \(error)")
    }

    @Test(arguments: file.cases.filter { $0.derivatives != nil }.map(\.name))
    func derivativesMatchDScribesFiniteDifferences(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let (_, d) = try Self.sine(c).derivatives([c.structure.structure])
        let error = try #require(c.derivativeError(d))
        #expect(error <= 3e-8, "\(name): \(error)")
    }

    @Test(arguments: ["none", "sorted_l2", "eigenspectrum", "random"])
    func derivativesMatchFiniteDifferences(permutation: String) throws {
        let p = MatrixFixtureCase.permutation(permutation)
        for name in ["triclinic_none", "srtio3_none", "nacl_none"] {
            var s = try #require(Self.file.cases.first { $0.name == name }).structure.structure
            s.positions = s.positions.enumerated().map { $1 + 0.02 * SIMD3(Double($0 % 3), 1, -Double($0 % 2)) }
            let error = try matrixFiniteDifferenceError(try SineMatrix(nAtomsMax: s.count + 1, permutation: p), s)
            // Eigenvalues carry rounding of ~10⁻¹⁶ of the largest, which the 2h = 2·10⁻⁵ Å difference magnifies.
            #expect(error < (permutation == "eigenspectrum" ? 1e-6 : 1e-8), "\(name) \(permutation): \(error)")
        }
    }

    /// Rows that tie in the sorted order (a mirror-symmetric water in a box): the derivatives are the limit of central
    /// differences, which mix the orders a step forward and a step back give (see `InteractionMatrix`).
    @Test func derivativesAtTiesAreCentralDifferences() throws {
        let error = try matrixFiniteDifferenceError(
            try SineMatrix(nAtomsMax: 3, permutation: .sortedL2), mirroredWaterInABox, h: 1e-6)
        #expect(error < 1e-5, "\(error)")
    }

    @Test func invariantUnderTranslationLatticeShiftsAndSortedPermutation() throws {
        let s = Self.triclinic
        let sm = try SineMatrix(nAtomsMax: 6, permutation: .sortedL2)
        let reference = try sm.create([s]).values
        var moved = s
        moved.positions = s.positions.map { $0 + SIMD3(0.37, -1.2, 2.9) }
        var shifted = s
        for i in shifted.positions.indices { shifted.positions[i] += Double(i - 2) * s.cell[i % 3] }
        let order = [3, 0, 4, 2, 1]
        let permuted = s.selecting(order)
        for (what, other) in [("translation", moved), ("lattice shifts", shifted), ("permutation", permuted)] {
            let worst = zip(try sm.create([other]).values, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-10 * (reference.map(abs).max() ?? 1), "\(what): \(worst)")
        }
    }

    @Test func randomPermutationIsSeededAndPermutesTheMatrix() throws {
        let s = Self.triclinic
        let a = try SineMatrix(nAtomsMax: 7, permutation: .random(sigma: 0.1, seed: 7)).create([s, s])
        #expect(a == (try SineMatrix(nAtomsMax: 7, permutation: .random(sigma: 0.1, seed: 7)).create([s, s])))
        let plain = try SineMatrix(nAtomsMax: 7, permutation: .none).create([s])
        #expect(a.row(0).sorted() == plain.row(0).sorted())
        // DScribe's own noise comes from NumPy's generator: same entries, possibly another order.
        let dscribe = try #require(Self.file.cases.first { $0.name == "triclinic_random" })
        let worst = zip(a.row(0).sorted(), dscribe.descriptor.sorted()).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-12 * (dscribe.descriptor.map(abs).max() ?? 1))
    }

    @Test func errors() throws {
        #expect(throws: DescriptorError.self) { try SineMatrix(nAtomsMax: 0) }
        #expect(throws: DescriptorError.self) { try SineMatrix(nAtomsMax: 3, permutation: .random(sigma: -1, seed: 0)) }
        let sm = try SineMatrix(nAtomsMax: 2)
        let molecule = Structure(atomicNumbers: [1, 1], positions: [.zero, SIMD3(0.7, 0, 0)])
        #expect(throws: DescriptorError.self) { try sm.create([molecule]) }
        let flat = Structure(
            atomicNumbers: [1, 1], positions: [.zero, SIMD3(0.7, 0, 0)],
            cell: Cell(SIMD3(3, 0, 0), SIMD3(0, 3, 0), SIMD3(3, 3, 0)), pbc: .all)
        #expect(throws: DescriptorError.self) { try sm.create([flat]) }
        let cube = Cell.orthorhombic(SIMD3(3, 3, 3))
        let images = Structure(atomicNumbers: [1, 1], positions: [.zero, SIMD3(3, 0, 0)], cell: cube, pbc: .all)
        #expect(throws: DescriptorError.overlappingAtoms(structure: 0, first: 0, second: 1)) { try sm.create([images]) }
        let three = Structure(atomicNumbers: [1, 1, 1], positions: [.zero, SIMD3(1, 0, 0), SIMD3(0, 1, 0)], cell: cube, pbc: .all)
        #expect(throws: DescriptorError.tooManyAtoms(structure: 0, atoms: 3, maximum: 2)) { try sm.create([three]) }
        #expect(throws: DescriptorError.self) { try sm.create([images], centers: [[0]]) }
    }

    @Test func periodicityFlagsAreIgnoredAsInDScribe() throws {
        var s = Self.triclinic
        let sm = try SineMatrix(nAtomsMax: 5, permutation: .none)
        let periodic = try sm.create([s])
        s.pbc = .none
        #expect(try sm.create([s]) == periodic)
    }

    @Test func jsonSettings() throws {
        let read = try DescriptorSettings.descriptor(
            json: #"{"kind": "sine_matrix", "n_atoms_max": 4, "permutation": "eigenspectrum"}"#)
        #expect((read as? SineMatrix).map { $0.nAtomsMax == 4 && $0.permutation == .eigenspectrum } == true)
        let random = try DescriptorSettings.descriptor(
            json: #"{"kind": "sine_matrix", "n_atoms_max": 4, "permutation": "random", "sigma": 0.5, "seed": 3}"#)
        #expect((random as? SineMatrix)?.permutation == .random(sigma: 0.5, seed: 3))
        for bad in [
            #"{"kind": "sine_matrix"}"#, #"{"kind": "sine_matrix", "n_atoms_max": 0}"#,
            #"{"kind": "sine_matrix", "n_atoms_max": 4, "permutation": "sorted"}"#,
            #"{"kind": "sine_matrix", "n_atoms_max": 4, "sigma": 0.1}"#,
            #"{"kind": "sine_matrix", "n_atoms_max": 4, "permutation": "random"}"#,
            #"{"kind": "sine_matrix", "n_atoms_max": 4, "accuracy": 1e-5}"#
        ] {
            #expect(throws: DescriptorError.self, "\(bad)") { try DescriptorSettings.descriptor(json: bad) }
        }
    }
}
