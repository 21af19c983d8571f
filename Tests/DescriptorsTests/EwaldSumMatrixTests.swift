import Atoms
import TestSupport
import Testing

@testable import Descriptors

@Suite("Ewald sum matrix")
struct EwaldSumMatrixTests {
    static let file: MatrixFixtureCase.File = try! Fixtures.load(MatrixFixtureCase.File.self, "dscribe_ewald.json")

    static func structure(_ name: String) -> Structure { file.cases.first { $0.name == name }!.structure.structure }

    static func ewald(_ c: MatrixFixtureCase) throws -> EwaldSumMatrix {
        let s = c.settings
        let cutoffs = s?.r_cut.flatMap { r in s?.g_cut.map { EwaldSumMatrix.Cutoffs(real: r, reciprocal: $0) } }
        return try EwaldSumMatrix(
            nAtomsMax: c.n_atoms_max, permutation: c.matrixPermutation, accuracy: s?.accuracy ?? 1e-5, weight: s?.w ?? 1,
            cutoffs: cutoffs, screening: s?.a)
    }

    @Test(arguments: file.cases.filter { !$0.reference_only }.map(\.name))
    func matchesDScribe(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let em = try Self.ewald(c)
        let s = c.structure.structure
        let p = em.parameters(atoms: s.count, volume: s.cell.volume)
        let expected = try #require(c.parameters)
        for (ours, theirs) in [(p.a, expected.a), (p.realCutoff, expected.r_cut), (p.reciprocalCutoff, expected.g_cut)] {
            #expect(abs(ours - theirs) <= 1e-14 * theirs, "\(name): \(ours) vs \(theirs)")
        }
        let rows = try em.create([s])
        #expect(rows.featureCount == c.descriptor.count)
        let error = c.descriptorError(rows)
        #expect(error <= 1e-13, "\(name): \(error)")
    }

    @Test(arguments: file.cases.filter { $0.derivatives != nil }.map(\.name))
    func derivativesMatchDScribesFiniteDifferences(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let (_, d) = try Self.ewald(c).derivatives([c.structure.structure])
        let error = try #require(c.derivativeError(d))
        #expect(error <= 3e-8, "\(name): \(error)")
    }

    /// Central differences on rattled cells, the NaCl one (3.3 Å wide) much smaller than its real-space cutoff
    /// (6 Å by default, 9 Å explicit), with default and explicit cutoffs.
    @Test(arguments: ["none", "sorted_l2", "eigenspectrum", "random"])
    func derivativesMatchFiniteDifferences(permutation: String) throws {
        let p = MatrixFixtureCase.permutation(permutation)
        for name in ["triclinic_default_none", "srtio3_default_none", "nacl_default_none"] {
            var s = Self.structure(name)
            s.positions = s.positions.enumerated().map { $1 + 0.03 * SIMD3(Double($0 % 3), 1, -Double($0 % 2)) }
            for cutoffs: EwaldSumMatrix.Cutoffs? in [nil, .init(real: 9, reciprocal: 7)] {
                let em = try EwaldSumMatrix(
                    nAtomsMax: s.count + 1, permutation: p, cutoffs: cutoffs, screening: cutoffs.map { _ in 0.6 })
                let error = try matrixFiniteDifferenceError(em, s)
                #expect(
                    error < (permutation == "eigenspectrum" ? 1e-6 : 1e-8),
                    "\(name) \(permutation) \(String(describing: cutoffs)): \(error)")
            }
        }
    }

    /// Converged sums do not depend on the Gaussian width a: the matrices for two widths agree.
    @Test func convergedEntriesDoNotDependOnTheWidth() throws {
        let s = Self.structure("triclinic_default_none")
        let narrow = try EwaldSumMatrix(nAtomsMax: 5, permutation: .none, accuracy: 1e-14, screening: 0.5).create([s])
        let wide = try EwaldSumMatrix(nAtomsMax: 5, permutation: .none, accuracy: 1e-14, screening: 0.9).create([s])
        let worst = zip(narrow.values, wide.values).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-9 * (wide.values.map(abs).max() ?? 1), "\(worst)")
    }

    /// Rows that tie in the sorted order (a mirror-symmetric water in a box): the derivatives are the limit of central
    /// differences, which mix the orders a step forward and a step back give (see `InteractionMatrix`).
    @Test func derivativesAtTiesAreCentralDifferences() throws {
        let error = try matrixFiniteDifferenceError(
            try EwaldSumMatrix(nAtomsMax: 3, permutation: .sortedL2), mirroredWaterInABox, h: 1e-6)
        #expect(error < 1e-5, "\(error)")
    }

    @Test func invariantUnderTranslationLatticeShiftsAndSortedPermutation() throws {
        let s = Self.structure("triclinic_default_none")
        let em = try EwaldSumMatrix(nAtomsMax: 6, permutation: .sortedL2)
        let reference = try em.create([s]).values
        var moved = s
        moved.positions = s.positions.map { $0 + SIMD3(0.37, -1.2, 2.9) }
        var shifted = s
        for i in shifted.positions.indices { shifted.positions[i] += Double(i - 2) * s.cell[i % 3] }
        let permuted = s.selecting([3, 0, 4, 2, 1])
        for (what, other) in [("translation", moved), ("lattice shifts", shifted), ("permutation", permuted)] {
            let worst = zip(try em.create([other]).values, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-10 * (reference.map(abs).max() ?? 1), "\(what): \(worst)")
        }
    }

    @Test func settingErrors() throws {
        for accuracy in [0, 1, -1e-5, .nan] as [Double] {
            #expect(throws: DescriptorError.self) { try EwaldSumMatrix(nAtomsMax: 2, accuracy: accuracy) }
        }
        for bad in [0, -1, .infinity, .nan] as [Double] {
            #expect(throws: DescriptorError.self) { try EwaldSumMatrix(nAtomsMax: 2, weight: bad) }
            #expect(throws: DescriptorError.self) { try EwaldSumMatrix(nAtomsMax: 2, screening: bad) }
            #expect(throws: DescriptorError.self) { try EwaldSumMatrix(nAtomsMax: 2, cutoffs: .init(real: bad, reciprocal: 5)) }
            #expect(throws: DescriptorError.self) { try EwaldSumMatrix(nAtomsMax: 2, cutoffs: .init(real: 5, reciprocal: bad)) }
        }
        for bad in [
            #"{"kind": "ewald_sum_matrix"}"#, #"{"kind": "ewald_sum_matrix", "n_atoms_max": 3, "r_cut": 5}"#,
            #"{"kind": "ewald_sum_matrix", "n_atoms_max": 3, "g_cut": 5}"#,
            #"{"kind": "ewald_sum_matrix", "n_atoms_max": 3, "accuracy": 2}"#,
            #"{"kind": "ewald_sum_matrix", "n_atoms_max": 3, "rcut": 5, "gcut": 5}"#,
            #"{"kind": "ewald_sum_matrix", "n_atoms_max": 3, "a": "wide"}"#
        ] {
            #expect(throws: DescriptorError.self, "\(bad)") { try DescriptorSettings.descriptor(json: bad) }
        }
        let read = try DescriptorSettings.descriptor(
            json:
                #"{"kind": "ewald_sum_matrix", "n_atoms_max": 3, "permutation": "none", "accuracy": 1e-6, "w": 2, "r_cut": 8, "g_cut": 6, "a": 0.7}"#
        )
        #expect(
            (read as? EwaldSumMatrix).map {
                $0.accuracy == 1e-6 && $0.weight == 2 && $0.cutoffs == .init(real: 8, reciprocal: 6) && $0.screening == 0.7
            } == true)
    }

    @Test func structureErrors() throws {
        let em = try EwaldSumMatrix(nAtomsMax: 2)
        let molecule = Structure(atomicNumbers: [1, 1], positions: [.zero, SIMD3(0.7, 0, 0)])
        #expect(throws: DescriptorError.self) { try em.create([molecule]) }
        let cube = Cell.orthorhombic(SIMD3(3, 3, 3))
        let images = Structure(atomicNumbers: [1, 1], positions: [.zero, SIMD3(3, 0, 0)], cell: cube, pbc: .all)
        #expect(throws: DescriptorError.overlappingAtoms(structure: 0, first: 0, second: 1)) { try em.create([images]) }
        // Absurd cutoffs fail before any large allocation, naming the cutoff.
        let pair = Structure(atomicNumbers: [1, 1], positions: [.zero, SIMD3(1, 0, 0)], cell: cube, pbc: .all)
        for (cutoffs, name) in [
            (EwaldSumMatrix.Cutoffs(real: 1e4, reciprocal: 5), "r_cut"), (.init(real: 5, reciprocal: 1e4), "g_cut")
        ] {
            let huge = try EwaldSumMatrix(nAtomsMax: 2, cutoffs: cutoffs)
            #expect {
                try huge.create([pair])
            } throws: { error in
                guard case let .invalidSetting(setting, _, _)? = error as? DescriptorError else { return false }
                return setting == name
            }
        }
    }

    @Test func anEmptyCellGivesZeros() throws {
        let empty = Structure(atomicNumbers: [], positions: [], cell: .orthorhombic(SIMD3(3, 3, 3)), pbc: .all)
        let rows = try EwaldSumMatrix(nAtomsMax: 2).create([empty])
        #expect(rows.values == [0, 0, 0, 0])
    }
}
