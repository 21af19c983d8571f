import Atoms
import Classical
import Foundation
import TestSupport
import Testing

private struct QuipCase: Decodable {
    let name: String
    let cutoff: Double
    let cutoffWidth: Double
    let structure: StructureFixture
    let energy: Double
    let forces: [[Double]]
    let virial: [[Double]]
    let stress: [Double]?

    enum CodingKeys: String, CodingKey {
        case name, cutoff, cutoffWidth = "cutoff_width", structure, energy, forces, virial, stress
    }
}

private struct QuipFile: Decodable { let cases: [QuipCase] }

/// QUIP's unswitched pair energy k Z_i Z_j / r · Σ p_m exp(q_m r/a) and its r-derivative, written out
/// from IPModel_ZBL.f95 independently of the implementation.
private func quipScreened(_ zi: Int, _ zj: Int, _ r: Double) -> (Double, Double) {
    let p = [0.18175, 0.50986, 0.28022, 0.02817], q = [-3.19980, -0.94229, -0.40290, -0.20162]
    let a = 0.46850 / (pow(Double(zi), 0.23) + pow(Double(zj), 0.23))
    let c = 14.399645805358887 * Double(zi * zj) / r
    let t = zip(p, q).map { $0 * exp($1 * r / a) }
    let sum = t.reduce(0, +)
    return (c * sum, -c / r * sum + c / a * zip(q, t).map { $0 * $1 }.reduce(0, +))
}

private func dimer(_ zi: Int, _ zj: Int, _ r: Double) -> Structure {
    let u = SIMD3<Double>(1, 2, 2) / 3
    return Structure(atomicNumbers: [zi, zj], positions: [SIMD3(0.1, -0.2, 0.3), SIMD3(0.1, -0.2, 0.3) + r * u])
}

private func maxDifference(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    zip(a, b).map { norm($0 - $1) }.max() ?? 0
}

private func maxNorm(_ a: [SIMD3<Double>]) -> Double { a.map(norm).max() ?? 0 }

@Suite("ZBL, QUIP form")
struct ZBLQuipTests {
    @Test func matchesQuippy() throws {
        let file = try Fixtures.load(QuipFile.self, "zbl_quippy.json")
        #expect(file.cases.count == 45)
        #expect(Set(file.cases.map { [$0.cutoff, $0.cutoffWidth] }) == [[2.5, 0], [3, 1], [4.2, 4.2]])
        for c in file.cases {
            let label = "\(c.name), cutoff \(c.cutoff), width \(c.cutoffWidth)"
            let zbl = try ZBLPotential(quipCutoff: c.cutoff, width: c.cutoffWidth)
            let s = c.structure.structure
            let r = try zbl.calculate(s)
            #expect(abs(r.energy - c.energy) <= 1e-10 * abs(c.energy), "\(label): \(r.energy) vs \(c.energy)")
            #expect(maxDifference(r.forces, c.forces.map(vector)) <= 1e-9, "\(label)")
            let virial = try #require(Matrix3(rowMajor: c.virial.flatMap { $0 }))
            #expect((r.virial - virial).maxAbs <= 1e-9, "\(label)")
            if let stress = c.stress {
                let mine = r.stress(volume: s.cell.volume).voigt
                #expect(zip(mine, stress).allSatisfy { abs($0 - $1) <= 1e-10 }, "\(label)")
            }
            // QUIP's IP ZBL has no per-atom energies; ours are half of each pair energy.
            #expect(abs((r.atomEnergies ?? []).reduce(0, +) - r.energy) <= 1e-12 * max(1, abs(r.energy)))
            if c.structure.numbers.count == 2, !s.pbc.isAnyPeriodic {
                let distance = norm(s.positions[1] - s.positions[0])
                let pair = zbl.pairEnergy(s.atomicNumbers[0], s.atomicNumbers[1], distance: distance)
                #expect(abs(pair.energy - c.energy) <= 1e-10 * abs(c.energy), "\(label)")
            }
        }
    }

    @Test(arguments: [(3.0, 1.0), (2.5, 0.0), (4.2, 4.2), (3.0, 0.4)])
    func forcesAndVirialAreEnergyDerivatives(cutoff: Double, width: Double) throws {
        let zbl = try ZBLPotential(quipCutoff: cutoff, width: width)
        let cluster = Structure(
            atomicNumbers: [14, 6, 1, 14, 8, 6],
            positions: [
                SIMD3(0, 0, 0), SIMD3(1.3, 0.2, -0.1), SIMD3(0.4, 1.6, 0.3), SIMD3(2.2, 1.9, 0.8),
                SIMD3(-0.9, 0.7, 1.4), SIMD3(3.6, 0.1, 0.2)
            ]
        ).rattled(stdev: 0.05, seed: 7)
        // Two atoms in a cell whose perpendicular widths are all below the cutoff.
        let cell = Structure(
            atomicNumbers: [14, 6], positions: [SIMD3(0, 0, 0), SIMD3(1.1, 1.05, 1.0)],
            cell: .orthorhombic(SIMD3(2.2, 2.3, 2.4)), pbc: .all
        )
        .strained(Matrix3(SIMD3(0.02, 0.05, 0), SIMD3(0, -0.01, 0.04), SIMD3(0.03, 0, 0.01))).rattled(stdev: 0.05, seed: 3)
        #expect(cell.cell.perpendicularWidths.max() < cutoff)
        for s in [cluster, cell] {
            let r = try zbl.calculate(s)
            #expect(r.energy > 0)
            let energy = { (x: Structure) in try zbl.calculate(x).energy }
            let fd = try FiniteDifferences.forces(energy, at: s)
            #expect(maxDifference(r.forces, fd) < 1e-6 * max(1, maxNorm(r.forces)))
            let w = try FiniteDifferences.virial(energy, at: s)
            #expect((r.virial - w).maxAbs < 1e-6 * max(1, r.virial.maxAbs))
            #expect(norm(r.forces.reduce(.zero, +)) < 1e-10 * max(1, maxNorm(r.forces)))
        }
    }

    @Test func pairEnergyIsQUIPsFormula() throws {
        let zbl = try ZBLPotential(quipCutoff: 3, width: 1)
        for (zi, zj) in [(14, 6), (1, 1), (74, 8)] {
            for r in [0.2, 1.0, 1.999, 2.0, 2.3, 2.7, 2.999] {
                let (e, de) = quipScreened(zi, zj, r)
                let x = max(0, (r - 2) / 1)
                let f = 1 - 35 * pow(x, 4) + 84 * pow(x, 5) - 70 * pow(x, 6) + 20 * pow(x, 7)
                let df = 140 * pow(x - 1, 3) * pow(x, 3)
                let pair = zbl.pairEnergy(zi, zj, distance: r)
                #expect(abs(pair.energy - e * f) <= 1e-13 * abs(e), "Z \(zi), \(zj) at \(r) Å")
                #expect(abs(pair.derivative - (de * f + e * df)) <= 1e-13 * (abs(de) + abs(e)), "Z \(zi), \(zj) at \(r) Å")
            }
            // dE/dr is the derivative of E, across the whole range.
            for r in stride(from: 0.5, through: 2.99, by: 0.07) {
                let h = 1e-6
                let fd = (zbl.pairEnergy(zi, zj, distance: r + h).energy - zbl.pairEnergy(zi, zj, distance: r - h).energy) / (2 * h)
                let de = zbl.pairEnergy(zi, zj, distance: r).derivative
                #expect(abs(fd - de) <= 1e-7 * max(1, abs(de)), "Z \(zi), \(zj) at \(r) Å")
            }
        }
    }

    @Test(arguments: [(3.0, 1.0), (4.2, 4.2), (3.0, 0.4)])
    func energyAndSlopeAreContinuousAcrossTheTransition(cutoff: Double, width: Double) throws {
        let zbl = try ZBLPotential(quipCutoff: cutoff, width: width)
        for (zi, zj) in [(14, 6), (1, 1), (74, 74)] {
            func energyAndSlope(_ r: Double) throws -> (Double, Double) {
                let result = try zbl.calculate(dimer(zi, zj, r))
                let u = SIMD3<Double>(1, 2, 2) / 3
                return (result.energy, -dot(result.forces[1], u))
            }
            let scale = abs(try energyAndSlope(0.5).0)
            for r in [cutoff - width, cutoff] where r > 0 {
                let (eBelow, dBelow) = try energyAndSlope(r - 1e-9)
                let (eAbove, dAbove) = try energyAndSlope(r + 1e-9)
                #expect(abs(eBelow - eAbove) < 1e-8 * scale, "E jumps at \(r) Å for Z \(zi), \(zj)")
                #expect(abs(dBelow - dAbove) < 1e-7 * scale, "dE/dr jumps at \(r) Å for Z \(zi), \(zj)")
            }
            // Below the transition E is the unswitched ZBL energy; beyond the cutoff it is zero.
            if cutoff - width > 0.3 {
                let (e, de) = try energyAndSlope(0.3)
                let expected = quipScreened(zi, zj, 0.3)
                #expect(abs(e - expected.0) <= 1e-12 * expected.0 && abs(de - expected.1) <= 1e-12 * abs(expected.1))
            }
            // f and its first three derivatives vanish at the cutoff: E ≈ F f⁗ δ⁴/24 just inside.
            let (eNear, dNear) = try energyAndSlope(cutoff - 1e-3)
            #expect(abs(eNear) < 1e-9 * scale && abs(dNear) < 1e-6 * scale)
            for r in [cutoff, cutoff + 1e-12, cutoff + 0.5] {
                #expect(zbl.pairEnergy(zi, zj, distance: r) == (0, 0))
                // The dimer's distance is r only to rounding: at r = cutoff it may lie a hair inside, where
                // QUIP's polynomial 1 − 35x⁴ + … cancels to rounding noise.
                #expect(abs(try zbl.calculate(dimer(zi, zj, r)).energy) <= (r == cutoff ? 1e-13 * scale : 0))
            }
        }
    }

    @Test func widthZeroIsAHardCutoffAsInQUIP() throws {
        let zbl = try ZBLPotential(quipCutoff: 2.5, width: 0)
        #expect(zbl.inner == 2.5 && zbl.outer == 2.5)
        for r in [0.4, 1.5, 2.4999] {
            let pair = zbl.pairEnergy(14, 6, distance: r)
            let expected = quipScreened(14, 6, r)
            #expect(abs(pair.energy - expected.0) <= 1e-13 * expected.0)
            #expect(abs(pair.derivative - expected.1) <= 1e-13 * abs(expected.1))
        }
        #expect(try zbl.calculate(dimer(14, 6, 2.5 - 1e-9)).energy > 0.4)
        #expect(try zbl.calculate(dimer(14, 6, 2.5 + 1e-9)).energy == 0)
    }

    @Test func propertiesAndConstants() throws {
        let zbl = try ZBLPotential(quipCutoff: 3, width: 1, pairs: [ElementPair(14, 6)])
        #expect(zbl.switching == .quip(cutoff: 3, width: 1))
        #expect(zbl.inner == 2 && zbl.outer == 3 && zbl.pairs == [ElementPair(6, 14)])
        #expect(try ZBLPotential(switching: .quip(cutoff: 3, width: 1), pairs: [ElementPair(6, 14)]) == zbl)
        #expect(try ZBLPotential(inner: 2, outer: 3).switching == .lammps(inner: 2, outer: 3))
        #expect(try ZBLPotential(inner: 2, outer: 3) != (try ZBLPotential(quipCutoff: 3, width: 1)))
        #expect(ZBLPotential.quipCoulombConstant == 14.399645805358887)
        #expect(try zbl.calculate(dimer(14, 14, 1)).energy == 0)
    }

    @Test func badCutoffsAndWidthsAreTypedErrors() throws {
        let bad: [(Double, Double)] = [
            (0, 0), (-1, 0.5), (3, -0.1), (3, 3.0001), (.infinity, 1), (.nan, 1), (3, .nan), (3, .infinity)
        ]
        for (cutoff, width) in bad {
            let error = #expect(throws: PotentialError.self) { try ZBLPotential(quipCutoff: cutoff, width: width) }
            guard case .invalidCutoffWidth("ZBLPotential", let c, let w) = error else {
                Issue.record("\(cutoff), \(width): \(String(describing: error))")
                continue
            }
            #expect(c.isNaN && cutoff.isNaN || c == cutoff, "\(cutoff), \(width)")
            #expect(w.isNaN && width.isNaN || w == width, "\(cutoff), \(width)")
        }
        for (cutoff, width) in [(3.0, 0.0), (3.0, 3.0), (1e-3, 5e-4)] {
            #expect(throws: Never.self) { try ZBLPotential(quipCutoff: cutoff, width: width) }
        }
        let error = PotentialError.invalidCutoffWidth(potential: "ZBLPotential", cutoff: 3, width: 4)
        #expect(error.description.contains("0 ≤ width ≤ cutoff"))
    }

    @Test func codableKeepsTheLAMMPSFormAndMarksTheQUIPForm() throws {
        let old = try JSONDecoder().decode(ZBLPotential.self, from: Data(#"{"inner": 2, "outer": 3, "pairs": ["Si-C"]}"#.utf8))
        #expect(old == (try ZBLPotential(inner: 2, outer: 3, pairs: [ElementPair(14, 6)])))
        let explicit = try JSONDecoder().decode(ZBLPotential.self, from: Data(#"{"form": "lammps", "inner": 2, "outer": 3}"#.utf8))
        #expect(explicit.switching == .lammps(inner: 2, outer: 3))

        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let lammpsJSON = String(decoding: try encoder.encode(try ZBLPotential(inner: 2, outer: 3)), as: UTF8.self)
        #expect(lammpsJSON == #"{"inner":2,"outer":3}"#)
        let quip = try ZBLPotential(quipCutoff: 3, width: 1, pairs: [ElementPair(14, 6)])
        let quipJSON = String(decoding: try encoder.encode(quip), as: UTF8.self)
        #expect(quipJSON == #"{"cutoff":3,"form":"quip","pairs":["C-Si"],"width":1}"#)
        for potential in [quip, try ZBLPotential(quipCutoff: 2.5, width: 0), old] {
            #expect(try JSONDecoder().decode(ZBLPotential.self, from: try JSONEncoder().encode(potential)) == potential)
        }
        // The switching alone codes the same keys.
        let switching = ZBLPotential.Switching.quip(cutoff: 3, width: 1)
        #expect(try JSONDecoder().decode(ZBLPotential.Switching.self, from: try JSONEncoder().encode(switching)) == switching)

        for json in [
            #"{"form": "quip", "cutoff": 3, "width": 4}"#, #"{"form": "quip", "cutoff": 0, "width": 0}"#,
            #"{"form": "quip", "cutoff": 3}"#, #"{"form": "quip", "inner": 2, "outer": 3}"#,
            #"{"form": "quip", "cutoff": 3, "width": 1, "inner": 2}"#, #"{"inner": 2, "outer": 3, "width": 1}"#,
            #"{"form": "gromacs", "inner": 2, "outer": 3}"#, #"{"cutoff": 3, "width": 1, "pairs": ["Si-Xx"]}"#
        ] {
            #expect(throws: DecodingError.self, "\(json)") {
                try JSONDecoder().decode(ZBLPotential.self, from: Data(json.utf8))
            }
        }
        // Without "form", "cutoff" alone selects the QUIP form.
        let implicit = try JSONDecoder().decode(ZBLPotential.self, from: Data(#"{"cutoff": 3, "width": 1}"#.utf8))
        #expect(implicit.switching == .quip(cutoff: 3, width: 1))
    }
}
