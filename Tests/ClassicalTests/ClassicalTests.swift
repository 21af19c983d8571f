import Atoms
import Classical
import TestSupport
import Testing

private struct LJCase: Decodable {
    let name: String
    let structure: StructureFixture
    let epsilon: Double, sigma: Double, rc: Double
    let energy: Double
    let forces: [[Double]]
    let energies: [Double]
    let stress: [Double]?
}

private struct SWCase: Decodable {
    let name: String
    let structure: StructureFixture
    let energy: Double
    let forces: [[Double]]
    let virial: [[Double]]?
    let energies: [Double]?
}

private struct Cases<C: Decodable>: Decodable { let cases: [C] }

private func maxDifference(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    zip(a, b).map { norm($0 - $1) }.max() ?? 0
}

@Suite("Lennard-Jones")
struct LennardJonesTests {
    @Test func matchesASE() throws {
        let file = try Fixtures.load(Cases<LJCase>.self, "lj_ase.json")
        #expect(file.cases.count == 3)
        for c in file.cases {
            let s = c.structure.structure
            let lj = try LennardJones(element: 18, epsilon: c.epsilon, sigma: c.sigma, cutoff: c.rc)
            let r = try lj.calculate(s)
            #expect(abs(r.energy - c.energy) < 1e-10, "\(c.name)")
            #expect(maxDifference(r.forces, c.forces.map(vector)) < 1e-10, "\(c.name)")
            #expect(zip(try #require(r.atomEnergies), c.energies).allSatisfy { abs($0 - $1) < 1e-10 }, "\(c.name)")
            if let stress = c.stress {
                let mine = r.stress(volume: s.cell.volume).voigt
                #expect(zip(mine, stress).allSatisfy { abs($0 - $1) < 1e-12 }, "\(c.name)")
            }
        }
    }

    @Test func forcesAndVirialAreEnergyDerivatives() throws {
        let lj = try LennardJones(pairs: [
            (18, 18, .init(epsilon: 0.0104, sigma: 3.4, cutoff: 7.0)),
            (18, 36, .init(epsilon: 0.014, sigma: 3.6, cutoff: 7.5)),
            (36, 36, .init(epsilon: 0.017, sigma: 3.65, cutoff: 8.0))
        ])
        var s = Crystal.fcc.structure([18], a: 5.3, cubic: true).repeated(SIMD3(2, 2, 1)).rattled(stdev: 0.15, seed: 4)
        for i in stride(from: 0, to: s.count, by: 3) { s.atomicNumbers[i] = 36 }
        s = s.strained(Matrix3(SIMD3(0.01, 0.02, 0), SIMD3(0, -0.01, 0.03), SIMD3(0, 0, 0.02)))
        let r = try lj.calculate(s)
        let energy = { (x: Structure) in try lj.calculate(x).energy }
        #expect(maxDifference(r.forces, try FiniteDifferences.forces(energy, at: s)) < 1e-8)
        #expect((r.virial - (try FiniteDifferences.virial(energy, at: s))).maxAbs < 1e-7)
        #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) < 1e-12)
    }

    @Test func energyIsContinuousAtTheCutoff() throws {
        let lj = try LennardJones(element: 18, epsilon: 0.0104, sigma: 3.4, cutoff: 8.5)
        func dimer(_ r: Double) throws -> Double {
            try lj.calculate(Structure(atomicNumbers: [18, 18], positions: [.zero, SIMD3(r, 0, 0)])).energy
        }
        #expect(abs(try dimer(8.5 - 1e-9)) < 1e-12)
        #expect(try dimer(8.5 + 1e-9) == 0)
    }

    @Test func missingPairsAndBadParametersAreErrors() throws {
        let lj = try LennardJones(element: 18, epsilon: 0.01, sigma: 3.4)
        let mixed = Structure(atomicNumbers: [18, 10], positions: [.zero, SIMD3(3.5, 0, 0)])
        #expect(throws: PotentialError.self) { try lj.calculate(mixed) }
        #expect(throws: PotentialError.invalidParameter(potential: "LennardJones", name: "sigma", value: -1)) {
            try LennardJones(element: 18, epsilon: 0.01, sigma: -1)
        }
    }
}

@Suite("Stillinger-Weber")
struct StillingerWeberTests {
    @Test func matchesQuippy() throws {
        let file = try Fixtures.load(Cases<SWCase>.self, "sw_quippy.json")
        #expect(file.cases.count == 4)
        let sw = StillingerWeber()
        for c in file.cases {
            let s = c.structure.structure
            let r = try sw.calculate(s)
            #expect(abs(r.energy - c.energy) < 1e-8, "\(c.name): \(r.energy) vs \(c.energy)")
            #expect(maxDifference(r.forces, c.forces.map(vector)) < 1e-8, "\(c.name)")
            if let virial = c.virial {
                #expect((r.virial - Matrix3(rowMajor: virial.flatMap { $0 })!).maxAbs < 1e-8, "\(c.name)")
            }
            if let energies = c.energies {
                #expect(zip(try #require(r.atomEnergies), energies).allSatisfy { abs($0 - $1) < 1e-8 }, "\(c.name)")
            }
        }
    }

    @Test(arguments: [
        Crystal.diamond.structure([14], a: 5.43, cubic: true).rattled(stdev: 0.1, seed: 1),
        Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.08, seed: 2),
        Crystal.diamond.structure([14], a: 5.2, cubic: true).repeated(SIMD3(2, 1, 1))
            .strained(Matrix3(SIMD3(0.02, 0.01, 0), SIMD3(0.01, -0.03, 0), SIMD3(0.02, 0, 0.01))).rattled(stdev: 0.15, seed: 3)
    ])
    func forcesAndVirialAreEnergyDerivatives(s: Structure) throws {
        let sw = StillingerWeber()
        let r = try sw.calculate(s)
        let energy = { (x: Structure) in try sw.calculate(x).energy }
        #expect(maxDifference(r.forces, try FiniteDifferences.forces(energy, at: s)) < 1e-7)
        #expect((r.virial - (try FiniteDifferences.virial(energy, at: s))).maxAbs < 1e-6)
        #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) < 1e-10)
        let f = r.forces.reduce(SIMD3<Double>.zero, +)
        #expect(norm(f) < 1e-10, "forces sum to zero")
    }

    @Test func perfectDiamondEnergy() throws {
        // The SW diamond cohesive energy is −4.3366 eV/atom with these parameters.
        let r = try StillingerWeber().calculate(Crystal.diamond.structure([14], a: 5.431, cubic: true))
        #expect(abs(r.energy / 8 + 4.3366) < 1e-3)
        #expect(r.forces.allSatisfy { norm($0) < 1e-10 })
    }

    @Test func otherElementsAreRejected() {
        let s = Structure(atomicNumbers: [14, 6], positions: [.zero, SIMD3(1.9, 0, 0)])
        #expect(throws: PotentialError.missingParameters(potential: "StillingerWeber", elements: [6])) {
            try StillingerWeber().calculate(s)
        }
    }
}
