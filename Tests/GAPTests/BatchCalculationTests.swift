import Atoms
import Evaluation
import Testing

@testable import GAP

/// A GAP computes many structures together (`calculate(batch:)`: the SOAP term's local energies of all their
/// atoms in one model call per held batch) with each structure's own results.
@Suite("GAP calculations of many structures together")
struct BatchCalculationTests {
    /// Cells smaller than the cutoffs, molecules and triclinic cells of several sizes: more centers (about 290)
    /// than one held batch, so that a batch boundary falls inside a structure.
    static let structures: [Structure] = (0..<60).map { k in
        switch k % 3 {
        case 0: MultiTermModels.structure(count: 2, lengths: 2.6...3.0, periodic: true, seed: 900 + UInt64(k))
        case 1: MultiTermModels.structure(count: 4 + k % 5, lengths: 4...4.5, periodic: false, seed: 900 + UInt64(k))
        default: MultiTermModels.structure(count: 5 + k % 4, lengths: 4.5...5.5, periodic: true, seed: 900 + UInt64(k))
        }
    }

    @Test("each structure's energy, forces, virial and atom energies as computed alone")
    func batchEqualsOneByOne() throws {
        #expect(Self.structures.reduce(0) { $0 + $1.count } > 256)
        for (name, gap) in MultiTermPotentialTests.models {
            let together = try gap.calculate(batch: Self.structures)
            #expect(together.count == Self.structures.count)
            for (s, r) in zip(Self.structures, together) {
                let alone = try gap.calculate(s)
                let scale = max(1, abs(alone.energy))
                #expect(abs(r.energy - alone.energy) <= 1e-11 * scale, "\(name)")
                let forces = zip(r.forces, alone.forces).map { a, b in max(abs(a.x - b.x), abs(a.y - b.y), abs(a.z - b.z)) }
                #expect((forces.max() ?? 0) <= 1e-11 * scale, "\(name)")
                let dv = [r.virial.r0 - alone.virial.r0, r.virial.r1 - alone.virial.r1, r.virial.r2 - alone.virial.r2]
                let virial = dv.map { max(abs($0.x), abs($0.y), abs($0.z)) }.max()!
                #expect(virial <= 1e-11 * scale, "\(name)")
                let atoms = zip(r.atomEnergies ?? [], alone.atomEnergies ?? []).map { abs($0 - $1) }
                #expect(atoms.count == s.count && (atoms.max() ?? 0) <= 1e-11 * scale, "\(name)")
            }
        }
    }

    /// On two threads a held batch's local energies are formed in two row blocks at once (`SOAPTerm.blockRows`):
    /// the same energies, forces, virials and atom energies as on one.
    @Test("the same results on two threads")
    func twoThreadsEqualOne() throws {
        for (name, one) in MultiTermPotentialTests.models where one.soap != nil {
            var two = one
            two.threads = 2
            #expect(one.threads == 1)
            let a = try one.calculate(batch: Self.structures), b = try two.calculate(batch: Self.structures)
            for (r, q) in zip(a, b) {
                let scale = max(1, abs(r.energy))
                #expect(abs(r.energy - q.energy) <= 1e-11 * scale, "\(name)")
                let forces = zip(r.forces, q.forces).map { u, v in max(abs(u.x - v.x), abs(u.y - v.y), abs(u.z - v.z)) }
                #expect((forces.max() ?? 0) <= 1e-11 * scale, "\(name)")
                let dv = [r.virial.r0 - q.virial.r0, r.virial.r1 - q.virial.r1, r.virial.r2 - q.virial.r2]
                #expect(dv.map { max(abs($0.x), abs($0.y), abs($0.z)) }.max()! <= 1e-11 * scale, "\(name)")
                let atoms = zip(r.atomEnergies ?? [], q.atomEnergies ?? []).map { abs($0 - $1) }
                #expect(!atoms.isEmpty && (atoms.max() ?? 0) <= 1e-11 * scale, "\(name)")
            }
        }
    }

    @Test("each structure's local variances as computed alone")
    func batchVariancesEqualOneByOne() throws {
        let gap = MultiTermModels.fitted
        let together = try #require(try gap.localVariances(batch: Self.structures))
        #expect(together.count == Self.structures.count)
        for (s, v) in zip(Self.structures, together) {
            let alone = try #require(try gap.localVariances(s))
            let scale = alone.map(abs).max() ?? 0
            #expect(v.count == s.count && scale > 0)
            #expect(zip(v, alone).allSatisfy { abs($0 - $1) <= 1e-10 * scale })
        }
    }

    @Test("prediction batches cut at the atom limit and keep a larger structure alone")
    func predictionBatches() {
        func structures(_ sizes: [Int]) -> [Structure] {
            sizes.map {
                Structure(atomicNumbers: [Int](repeating: 14, count: $0), positions: (0..<$0).map { SIMD3(Double($0) * 2, 0, 0) })
            }
        }
        #expect(Predictions.batches(of: structures([100, 100, 100, 300, 10, 246])) == [0..<2, 2..<3, 3..<4, 4..<6])
        #expect(Predictions.batches(of: structures([12, 12, 12])) == [0..<3])
        #expect(Predictions.batches(of: []).isEmpty)
    }
}
