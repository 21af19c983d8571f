import Atoms
import Foundation
import TestSupport
import Testing

@testable import Descriptors

/// A smooth nonlinear model of the descriptor: e(q) = Σ_f c_f q_f + (Σ_f q_f)², c_f = sin(f).
private func localModel(_ q: ArraySlice<Double>) -> (Double, [Double]) {
    var linear = 0.0, sum = 0.0
    for (f, x) in q.enumerated() {
        linear += sin(Double(f)) * x
        sum += x
    }
    return (linear + sum * sum, (0..<q.count).map { sin(Double($0)) + 2 * sum })
}

private func model(_ rows: DescriptorRows) -> (energies: [Double], gradients: [Double]) {
    var energies = [Double](), gradients = [Double]()
    for r in 0..<rows.count {
        let (e, g) = localModel(rows.row(r))
        energies.append(e)
        gradients += g
    }
    return (energies, gradients)
}

@Suite("SOAP back-propagation")
struct BackPropagationTests {
    static let cases: [(String, SOAP, Structure)] = [
        (
            "QUIP, periodic small cell", try! .quip(cutoff: 5, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [14]),
            Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.1, seed: 31)
        ),
        (
            "QUIP, two species", try! .quip(cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [14, 6]),
            {
                var s = Crystal.diamond.structure([14], a: 4.36, cubic: true).rattled(stdev: 0.1, seed: 32)
                for i in stride(from: 1, to: 8, by: 2) { s.atomicNumbers[i] = 6 }
                return s
            }()
        ),
        (
            "DScribe, molecule", try! .dscribe(species: [1, 8], cutoff: 3, nMax: 3, lMax: 3, atomSigma: 0.5, periodic: false),
            Structure(
                atomicNumbers: [8, 1, 1, 8, 1, 1],
                positions: [
                    .zero, SIMD3(0.96, 0, 0), SIMD3(-0.24, 0.93, 0), SIMD3(2.8, 0.1, 0.2), SIMD3(3.3, 0.9, 0.1),
                    SIMD3(3.2, -0.6, 0.5)
                ])
        )
    ]

    @Test(arguments: 0..<3)
    func energyForcesAndVirialAreConsistent(index: Int) throws {
        let (_, soap, s) = Self.cases[index]
        let result = try soap.backPropagate(s, threads: 2, model: model)
        // Energy equals the model on the descriptors from `create`.
        let rows = try soap.create([s])
        let energy = (0..<rows.count).reduce(0.0) { $0 + localModel(rows.row($1)).0 }
        #expect(abs(result.energy - energy) < 1e-10 * max(1, abs(energy)))
        #expect(abs((result.atomEnergies ?? []).reduce(0, +) - result.energy) < 1e-10 * max(1, abs(energy)))
        // Forces are −∂E/∂r and the virial −∂E/∂ε.
        let e = { (x: Structure) in try soap.backPropagate(x, threads: 1, model: model).energy }
        let fd = try FiniteDifferences.forces(e, at: s, h: 1e-5)
        let scale = fd.map { norm($0) }.max() ?? 1
        #expect(zip(result.forces, fd).map { norm($0 - $1) }.max()! < 1e-6 * max(scale, 1))
        if s.pbc.isAnyPeriodic {
            let w = try FiniteDifferences.virial(e, at: s)
            #expect((result.virial - w).maxAbs < 1e-5 * max(w.maxAbs, 1))
        }
    }

    /// A cell of more atoms than one batch holds (`HeldExpansions.maximumCenters`): every batch's energies
    /// reach their atoms, and the forces of atoms in both batches (and a neighbor of both) are −∂E/∂r.
    @Test func batchesOfCentersGiveTheWholeStructure() throws {
        let soap = try SOAP.quip(cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [14])
        let s = Crystal.diamond.structure([14], a: 5.43, cubic: true).repeated(SIMD3(3, 3, 4)).rattled(stdev: 0.1, seed: 33)
        #expect(s.count == 288 && s.count > HeldExpansions.maximumCenters)
        let result = try soap.backPropagate(s, threads: 2, model: model)
        let rows = try soap.create([s])
        let energies = (0..<rows.count).map { localModel(rows.row($0)).0 }
        #expect(zip(result.atomEnergies ?? [], energies).allSatisfy { abs($0 - $1) < 1e-10 * max(1, abs($1)) })
        #expect(norm(result.forces.reduce(.zero, +)) < 1e-9)
        let h = 1e-5
        for atom in [0, 255, 256, 287] {
            for axis in 0..<3 {
                var plus = s, minus = s
                plus.positions[atom][axis] += h
                minus.positions[atom][axis] -= h
                let fd =
                    -(try soap.backPropagate(plus, threads: 1, model: model).energy
                    - soap.backPropagate(minus, threads: 1, model: model).energy) / (2 * h)
                #expect(abs(result.forces[atom][axis] - fd) < 1e-6 * max(1, abs(fd)))
            }
        }
    }

    /// A neighbor list built for a longer cutoff (as a model's 2- and 3-body terms build it) stands in for the
    /// SOAP's own: the same energies, forces, descriptors and derivatives to rounding; a list that cannot be
    /// shared (too short, half, another structure's) is not used.
    @Test func aSharedNeighborListGivesTheSameNumbers() throws {
        let soap = try SOAP.quip(cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [14])
        let s = Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.1, seed: 34)
        let shared = try NeighborList(s, cutoff: 5, threads: 1)
        #expect(soap.canShare(shared, of: s))
        #expect(!soap.canShare(try NeighborList(s, cutoff: 3, threads: 1), of: s))
        #expect(!soap.canShare(try NeighborList(s, cutoff: 5, kind: .half, threads: 1), of: s))
        let bigger = Crystal.diamond.structure([14], a: 5.43, cubic: true)
        #expect(!soap.canShare(try NeighborList(bigger, cutoff: 5, threads: 1), of: s))
        let own = try soap.backPropagate(s, threads: 1, model: model)
        let given = try soap.backPropagate(s, list: shared, threads: 1, model: model)
        #expect(abs(own.energy - given.energy) < 1e-12 * abs(own.energy))
        #expect(zip(own.forces, given.forces).allSatisfy { norm($0 - $1) < 1e-12 })
        let (q, dq) = try soap.derivatives([s], strain: true, threads: 1)
        let (sq, sdq) = try soap.derivatives([s], strain: true, lists: [shared], threads: 1)
        #expect(zip(q.values, sq.values).allSatisfy { abs($0 - $1) < 1e-14 })
        #expect(dq.values.count == sdq.values.count && zip(dq.values, sdq.values).allSatisfy { abs($0 - $1) < 1e-13 })
        #expect(try soap.create([s], lists: [shared], threads: 1).values.elementsEqual(sq.values) { abs($0 - $1) < 1e-14 })
    }
}
