import Atoms
import Descriptors
import TestSupport
import Testing

@Suite("Coulomb matrix")
struct CoulombMatrixTests {
    struct Case: Decodable {
        let name: String
        let structure: StructureFixture
        let n_atoms_max: Int
        let permutation: String
        let descriptor: [Double]
        let reference_only: Bool
    }

    struct File: Decodable { let cases: [Case] }

    static let file: File = try! Fixtures.load(File.self, "dscribe_coulomb.json")

    static func permutation(_ name: String) -> CoulombMatrix.Permutation {
        switch name {
        case "none": return .none
        case "sorted_l2": return .sortedL2
        case "eigenspectrum": return .eigenspectrum
        default: return .random(sigma: 0.1, seed: 7)
        }
    }

    @Test(arguments: file.cases.filter { !$0.reference_only }.map(\.name))
    func matchesDScribe(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let cm = try CoulombMatrix(nAtomsMax: c.n_atoms_max, permutation: Self.permutation(c.permutation))
        let row = try cm.create([c.structure.structure])
        #expect(row.featureCount == c.descriptor.count)
        let scale = c.descriptor.map(abs).max() ?? 1
        let worst = zip(row.values, c.descriptor).map { abs($0 - $1) }.max() ?? 0
        #expect(worst <= 1e-12 * scale, "\(name): \(worst)")
    }

    @Test(arguments: ["none", "sorted_l2", "eigenspectrum", "random"])
    func derivativesMatchFiniteDifferences(permutation: String) throws {
        let s = Structure(
            atomicNumbers: [6, 1, 1, 8, 7],
            positions: [.zero, SIMD3(1.09, 0.1, 0), SIMD3(-0.3, 1.05, 0.2), SIMD3(-0.4, -0.5, 1.2), SIMD3(0.9, -0.8, -0.9)])
        let cm = try CoulombMatrix(nAtomsMax: 7, permutation: Self.permutation(permutation))
        let (q, d) = try cm.derivatives([s])
        let D = cm.numberOfFeatures
        let h = 1e-6
        var worst = 0.0
        for atom in 0..<s.count {
            for axis in 0..<3 {
                var plus = s, minus = s
                plus.positions[atom][axis] += h
                minus.positions[atom][axis] -= h
                let qp = try cm.create([plus]).values, qm = try cm.create([minus]).values
                let block = d.block(atom)
                for f in 0..<D {
                    worst = max(worst, abs((qp[f] - qm[f]) / (2 * h) - block[block.startIndex + axis * D + f]))
                }
            }
        }
        #expect(worst < 1e-6, "\(permutation): \(worst)")
        #expect(q.values.count == D)
    }

    /// Symmetric molecules, whose equivalent atoms' rows tie in the sorted order (and methane's eigenvalues are
    /// degenerate): the derivatives are the limit of central differences, which mix the two orders a step forward and
    /// a step back give (DScribe's, at its step of 1e-4 Å, carry an error of order the step there: the second
    /// derivatives of the two orders differ).
    @Test(arguments: ["water", "carbon dioxide", "methane"], ["sorted_l2", "eigenspectrum"])
    func derivativesAtTiesAreCentralDifferences(molecule: String, permutation: String) throws {
        let s =
            switch molecule {
            case "water":
                Structure(
                    atomicNumbers: [8, 1, 1], positions: [SIMD3(0, 0, 0.119), SIMD3(0, 0.763, -0.477), SIMD3(0, -0.763, -0.477)])
            case "carbon dioxide":
                Structure(atomicNumbers: [6, 8, 8], positions: [.zero, SIMD3(0, 0, 1.178), SIMD3(0, 0, -1.178)])
            default:
                Structure(
                    atomicNumbers: [6, 1, 1, 1, 1],
                    positions: [
                        .zero, SIMD3(0.629, 0.629, 0.629), SIMD3(-0.629, -0.629, 0.629), SIMD3(0.629, -0.629, -0.629),
                        SIMD3(-0.629, 0.629, -0.629)
                    ])
            }
        let cm = try CoulombMatrix(nAtomsMax: 6, permutation: Self.permutation(permutation))
        let error = try matrixFiniteDifferenceError(cm, s, h: 1e-6)
        #expect(error < 1e-5, "\(molecule), \(permutation): \(error)")
    }

    @Test func errors() throws {
        #expect(throws: DescriptorError.self) { try CoulombMatrix(nAtomsMax: 0) }
        let cm = try CoulombMatrix(nAtomsMax: 2)
        let three = Structure(atomicNumbers: [1, 1, 1], positions: [.zero, SIMD3(1, 0, 0), SIMD3(0, 1, 0)])
        #expect(throws: DescriptorError.tooManyAtoms(structure: 0, atoms: 3, maximum: 2)) { try cm.create([three]) }
        let overlap = Structure(atomicNumbers: [1, 1], positions: [.zero, .zero])
        #expect(throws: DescriptorError.overlappingAtoms(structure: 0, first: 0, second: 1)) { try cm.create([overlap]) }
    }

    @Test func randomPermutationIsSeeded() throws {
        let s = try #require(Self.file.cases.first { $0.name == "ethanol_random" }).structure.structure
        let a = try CoulombMatrix(nAtomsMax: 12, permutation: .random(sigma: 0.1, seed: 7)).create([s, s])
        let b = try CoulombMatrix(nAtomsMax: 12, permutation: .random(sigma: 0.1, seed: 7)).create([s, s])
        #expect(a == b)
        // Same multiset of entries as the unpermuted matrix.
        let plain = try CoulombMatrix(nAtomsMax: 12, permutation: .none).create([s])
        #expect(a.row(0).sorted() == plain.row(0).sorted())
    }
}
