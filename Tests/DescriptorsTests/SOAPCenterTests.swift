import Atoms
import Descriptors
import Foundation
import TestSupport
import Testing

/// Point centers and centers that stay put (attach = false): finite differences with the centers fixed,
/// invariances, the relations between the center kinds, and errors.
@Suite("SOAP point centers and attach")
struct SOAPCenterTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let soap: SOAP
        let structure: Structure
        let centers: [SOAP.Center]
        var testDescription: String { name }
    }

    static let molecule = SOAPDerivativeTests.ethanol
    /// Two atoms in a cell of edge 3.84 Å, below the 5 Å cutoff: each center sees several images of every atom.
    static let smallCell = Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.07, seed: 31)
    static let moleculePoints: [SOAP.Center] = [
        .point(SIMD3(0.4, -0.3, 0.6)), .atom(2), .point(molecule.positions[4]),
        .point(molecule.positions[0] + SIMD3(1e-3, -2e-3, 5e-4)), .atom(7)
    ]
    static let cellPoints: [SOAP.Center] = [
        .point(SIMD3(0.7, 0.4, 1.1)), .atom(0), .point(smallCell.positions[1]), .point(SIMD3(-2, 7.5, 1))
    ]

    static let cases: [Case] = [
        Case(
            name: "molecule",
            soap: try! .dscribe(species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, periodic: false),
            structure: molecule, centers: moleculePoints),
        Case(
            name: "molecule, poly weighting with w0",
            soap: try! .dscribe(
                species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, weighting: .poly(c: 1, r0: 3.5, m: 2),
                centerWeight: 0.5, periodic: false),
            structure: molecule, centers: moleculePoints),
        Case(
            name: "periodic cell smaller than the cutoff",
            soap: try! .dscribe(species: [14], cutoff: 5, nMax: 3, lMax: 3, atomSigma: 0.5), structure: smallCell,
            centers: cellPoints),
        Case(
            name: "periodic cell, inner average",
            soap: try! .dscribe(species: [14], cutoff: 5, nMax: 3, lMax: 3, atomSigma: 0.5, average: .inner),
            structure: smallCell, centers: cellPoints),
        // w0 ≠ w(0): a density on a fixed center jumps when its atom moves off it; the inner average's gradients take
        // the reference the finite differences see (see SOAPEngine+CenterWeightJump).
        Case(
            name: "molecule, inner average, poly weighting with w0",
            soap: try! .dscribe(
                species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, weighting: .poly(c: 1, r0: 3.5, m: 2),
                centerWeight: 0.3, average: .inner, periodic: false),
            structure: molecule, centers: moleculePoints),
        Case(
            name: "molecule, inner average, mu1nu1, species weights, w0 = 0",
            soap: try! .dscribe(
                species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, centerWeight: 0, average: .inner,
                compression: .mu1nu1, speciesWeights: [1: 0.5, 8: -1.5], periodic: false),
            structure: molecule, centers: moleculePoints),
        // Na's only density is its own center's, weighed 0: X̄ has none of it, X̄ + Δ_Na has.
        Case(
            name: "molecule and a distant Na, inner average, w0 = 0",
            soap: try! .dscribe(
                species: [1, 6, 8, 11], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, centerWeight: 0, average: .inner,
                periodic: false),
            structure: Structure(
                atomicNumbers: molecule.atomicNumbers + [11], positions: molecule.positions + [SIMD3(12, 1, -2)]),
            centers: [.atom(0), .atom(2), .atom(9)]),
        Case(
            name: "periodic cell, inner average, w0 = 0",
            soap: try! .dscribe(species: [14], cutoff: 5, nMax: 3, lMax: 3, atomSigma: 0.5, centerWeight: 0, average: .inner),
            structure: smallCell, centers: cellPoints),
        Case(
            name: "molecule, outer average",
            soap: try! .dscribe(species: [1, 6, 8], cutoff: 3, nMax: 3, lMax: 2, atomSigma: 0.5, average: .outer, periodic: false),
            structure: molecule, centers: moleculePoints)
    ]

    /// Central differences of every atom with every center fixed in space: points, and atom centers taken
    /// as points where their atoms are.
    @Test(arguments: cases)
    func fixedCenterDerivatives(c: Case) throws {
        let s = c.structure
        let (q, d) = try c.soap.derivatives([s], at: [c.centers], attach: false)
        let fixed: [SOAP.Center] = c.centers.map {
            if case let .atom(i) = $0 { .point(s.positions[i]) } else { $0 }
        }
        let D = c.soap.numberOfFeatures
        let analytic = denseDerivatives(d, rows: q.count, atoms: s.count)
        let (worst, scale) = try positionFiniteDifferences(
            s, features: D, create: { try c.soap.create([$0], at: [fixed]) },
            analytic: { row, atom, axis, f in analytic[((row * s.count + atom) * 3 + axis) * D + f] })
        #expect(worst <= 1e-7 * max(scale, 1e-3), "\(c.name): |analytic − FD| = \(worst), scale \(scale)")
        #expect(scale > 0)
    }

    /// An atom center that stays put is a point center on its atom, values and derivatives; attach only
    /// changes each center's own block.
    @Test(arguments: cases.filter { $0.soap.average == .off })
    func atomCentersAsPoints(c: Case) throws {
        let s = c.structure
        let atoms = (0..<s.count).map(SOAP.Center.atom)
        let (fixed, dFixed) = try c.soap.derivatives([s], at: [atoms], attach: false)
        let (points, dPoints) = try c.soap.derivatives([s], at: [s.positions.map(SOAP.Center.point)], attach: false)
        let (attached, dAttached) = try c.soap.derivatives([s], centers: nil)
        #expect(fixed.values == attached.values)
        #expect(relativeDeviation(points.values, fixed.values) <= 1e-14)
        #expect(fixed.center == Array(0..<s.count) && points.center == Array(repeating: -1, count: s.count))
        let a = denseDerivatives(dFixed, rows: s.count, atoms: s.count)
        #expect(relativeDeviation(a, denseDerivatives(dPoints, rows: s.count, atoms: s.count)) <= 1e-12)
        let b = denseDerivatives(dAttached, rows: s.count, atoms: s.count)
        let block = 3 * c.soap.numberOfFeatures
        for row in 0..<s.count {
            for atom in 0..<s.count where atom != row {
                let range = ((row * s.count + atom) * block)..<((row * s.count + atom + 1) * block)
                #expect(a[range] == b[range], "\(c.name): block (\(row), \(atom))")
            }
        }
    }

    /// In a periodic cell a point's row and derivatives do not change when the point moves by lattice vectors, out of
    /// the cell included (DScribe's miss images of a point outside the cell).
    @Test func pointRowsArePeriodicInThePoint() throws {
        let s = Self.smallCell
        let soap = try SOAP.dscribe(species: [14], cutoff: 5, nMax: 3, lMax: 3, atomSigma: 0.5)
        let point = SIMD3(0.7, 0.4, 1.1)
        let (q, d) = try soap.derivatives([s], at: [[.point(point)]], attach: false)
        let dense = denseDerivatives(d, rows: 1, atoms: s.count)
        for shift in [s.cell[0], -2 * s.cell[1] + s.cell[2], 3 * s.cell[0] - s.cell[1] - 4 * s.cell[2]] {
            let (qs, ds) = try soap.derivatives([s], at: [[.point(point + shift)]], attach: false)
            #expect(relativeDeviation(qs.values, q.values) <= 1e-12, "shift \(shift)")
            #expect(relativeDeviation(denseDerivatives(ds, rows: 1, atoms: s.count), dense) <= 1e-11, "shift \(shift)")
        }
    }

    /// Rotating and translating the structure (cell included) and its points together changes nothing.
    @Test(arguments: cases.filter { $0.soap.average == .off })
    func rotationInvariance(c: Case) throws {
        let angle = 1.1, axis = SIMD3(0.3, -0.5, 0.8) / norm(SIMD3(0.3, -0.5, 0.8))
        func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
            v * cos(angle) + cross(axis, v) * sin(angle) + axis * dot(axis, v) * (1 - cos(angle))
                + SIMD3(3.5, -1.25, 0.5)
        }
        var moved = c.structure
        moved.positions = moved.positions.map(rotate)
        if c.structure.pbc.isAnyPeriodic {
            let origin = rotate(.zero)
            moved.cell = Cell(
                rotate(c.structure.cell[0]) - origin, rotate(c.structure.cell[1]) - origin, rotate(c.structure.cell[2]) - origin)
        }
        let centers: [SOAP.Center] = c.centers.map { if case let .point(r) = $0 { .point(rotate(r)) } else { $0 } }
        let reference = try c.soap.create([c.structure], at: [c.centers])
        let rotated = try c.soap.create([moved], at: [centers])
        #expect(relativeDeviation(rotated.values, reference.values) <= 1e-10, "\(c.name)")
    }

    @Test func pointOutOfRangeGivesAZeroRowWithoutBlocks() throws {
        let soap = try SOAP.dscribe(species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, periodic: false)
        let (q, d) = try soap.derivatives([Self.molecule], at: [[.point(SIMD3(30, 0, 0)), .atom(1)]], attach: false)
        #expect(q.center == [-1, 1])
        #expect(q.row(0).allSatisfy { $0 == 0 })
        #expect(!d.row.contains(0) && d.row.contains(1))
    }

    /// DScribe's pow weighting with d = 0 is infinite at r = 0: a density sitting on a center that stays put has no
    /// derivative, so such derivatives are refused, naming the center; centers that move with their atoms keep theirs.
    @Test func weightingInfiniteAtTheCenter() throws {
        let soap = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3, nMax: 3, lMax: 2, atomSigma: 0.5, weighting: .pow(c: 1, d: 0, r0: 2, m: 2),
            centerWeight: 0.5, periodic: false)
        let s = Self.molecule
        do {
            _ = try soap.derivatives([s], at: [[.point(.zero), .atom(2)]], attach: false)
            Issue.record("a center that stays put was accepted")
        } catch {
            guard case let .undefinedDerivative(structure, center, reason) = error else { throw error }
            #expect(structure == 0 && center == 1 && reason.contains("attach=False"), "\(reason)")
        }
        do {
            _ = try soap.derivatives([s, s], at: [[.atom(0)], [.point(s.positions[4])]], attach: true)
            Issue.record("an atom on a point center was accepted")
        } catch {
            guard case let .undefinedDerivative(structure, center, reason) = error else { throw error }
            #expect(structure == 1 && center == 0 && reason.contains("sits on the center"), "\(reason)")
        }
        // Attached centers and points away from the atoms: finite, and their finite differences agree.
        let centers: [SOAP.Center] = [.atom(2), .point(SIMD3(0.4, -0.3, 0.6)), .atom(7)]
        let (q, d) = try soap.derivatives([s], at: [centers], attach: true)
        let D = soap.numberOfFeatures
        let analytic = denseDerivatives(d, rows: q.count, atoms: s.count)
        #expect(analytic.allSatisfy { $0.isFinite })
        let (worst, scale) = try positionFiniteDifferences(
            s, features: D, create: { try soap.create([$0], at: [centers]) },
            analytic: { row, atom, axis, f in analytic[((row * s.count + atom) * 3 + axis) * D + f] })
        #expect(worst <= 1e-7 * max(scale, 1e-3), "|analytic − FD| = \(worst), scale \(scale)")
    }

    /// pow and exp with d = 0 have no bound: a geometry where a neighbor's weight passes `NeighborWeight.largest`
    /// (the power spectrum, ∝ w², would overflow to inf and NaN) is refused before the work, naming the neighbor's
    /// distance; the same weightings elsewhere, and bounded ones, compute finite rows.
    @Test func weightingThatOverflowsIsRefused() throws {
        let s = Self.molecule
        let steep = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, weighting: .pow(c: 1, d: 0, r0: 2, m: 1e6),
            centerWeight: 1, periodic: false)
        let growing = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, weighting: .exp(c: 1, d: 0, r0: 0.005),
            centerWeight: 1, periodic: false)
        let large = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, weighting: .pow(c: 1e300, d: 1, r0: 2, m: 3),
            centerWeight: 1, periodic: false)
        for soap in [steep, growing, large] {
            do {
                _ = try soap.create([s, s], at: [[.atom(0)], [.point(SIMD3(0.3, 0.2, 0.1))]])
                Issue.record("\(soap): an overflowing weight was accepted")
            } catch {
                guard case let .weightOverflow(structure, center, distance, weight) = error else { throw error }
                #expect(structure == 0 && center == 0 && distance > 0 && !(abs(weight) <= 1e100), "\(error)")
                #expect("\(error)".contains("d > 0"))
            }
        }
        // Settings that overflow whatever the geometry are refused at once: w(0) of pow with d = 0 as the center
        // weight, a center weight or a species weight past the bound.
        for (weighting, w0, species) in [
            (SOAP.Weighting.pow(c: 1, d: 0, r0: 2, m: 3), nil, [Int: Double]()), (nil, 1e120, [:]), (nil, nil, [8: 1e120])
        ] as [(SOAP.Weighting?, Double?, [Int: Double])] {
            #expect {
                try SOAP.dscribe(
                    species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, weighting: weighting, centerWeight: w0,
                    speciesWeights: species, periodic: false)
            } throws: { error in
                guard case let .invalidSetting(name, _, hint) = error as? DescriptorError else { return false }
                return name.hasPrefix(species.isEmpty ? "w0" : "species_weighting") && hint.contains("overflows")
            }
        }
        let gentle = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, weighting: .pow(c: 1, d: 0, r0: 2, m: 3),
            centerWeight: 1, periodic: false)
        #expect(try gentle.create([s]).values.allSatisfy(\.isFinite))
        let bounded = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, weighting: .pow(c: 1, d: 1, r0: 2, m: 1e6),
            periodic: false)
        #expect(try bounded.derivatives([s]).derivatives.values.allSatisfy(\.isFinite))
    }

    @Test func errorsNameStructureAndCenter() throws {
        let dscribe = try SOAP.dscribe(species: [1, 6, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5)
        let s = Self.molecule
        #expect(throws: DescriptorError.nonFinitePoint(structure: 1, center: 1)) {
            try dscribe.create([s, s], at: [[.atom(0)], [.atom(0), .point(SIMD3(0, .nan, 0))]])
        }
        #expect(throws: DescriptorError.invalidCenter(structure: 0, center: 9, atoms: 9)) {
            try dscribe.derivatives([s], at: [[.point(.zero), .atom(9)]], attach: false)
        }
        let quip = try SOAP.quip(cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5, speciesZ: [1, 6, 8])
        #expect(throws: DescriptorError.self) { try quip.create([s], at: [[.point(.zero)]]) }
        #expect(throws: DescriptorError.self) { try quip.derivatives([s], at: [[.atom(0)]], attach: false) }
        #expect(try quip.derivatives([s], at: [[.atom(0)]], attach: true).descriptors == quip.create([s], centers: [[0]]))
    }
}
