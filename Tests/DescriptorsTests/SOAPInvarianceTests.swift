import Atoms
import Descriptors
import Foundation
import TestSupport
import Testing

private func maxDifference(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

/// A rotation matrix from Euler-like angles.
private func rotation(_ a: Double, _ b: Double, _ c: Double) -> Matrix3 {
    let rz = Matrix3(SIMD3(cos(a), -sin(a), 0), SIMD3(sin(a), cos(a), 0), SIMD3(0, 0, 1))
    let ry = Matrix3(SIMD3(cos(b), 0, sin(b)), SIMD3(0, 1, 0), SIMD3(-sin(b), 0, cos(b)))
    let rx = Matrix3(SIMD3(1, 0, 0), SIMD3(0, cos(c), -sin(c)), SIMD3(0, sin(c), cos(c)))
    return rz * ry * rx
}

@Suite("SOAP invariances, smoothness and errors")
struct SOAPInvarianceTests {
    static let layouts: [SOAP] = [
        try! .dscribe(species: [6, 14], cutoff: 4, nMax: 4, lMax: 4, atomSigma: 0.5),
        try! .quip(cutoff: 4, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [14, 6])
    ]

    static var crystal: Structure {
        var s = Crystal.diamond.structure([14], a: 4.36, cubic: true).rattled(stdev: 0.1, seed: 21)
        for i in stride(from: 1, to: 8, by: 2) { s.atomicNumbers[i] = 6 }
        return s
    }

    @Test(arguments: layouts)
    func rotationTranslationAndWrapping(soap: SOAP) throws {
        let s = Self.crystal
        let reference = try soap.create([s])
        // Rotate positions and cell together, translate, and move atoms by lattice vectors.
        let r = rotation(0.3, -1.1, 2.0)
        var moved = s
        moved.positions = s.positions.enumerated().map { i, p in
            r * (p + s.cell.cartesian(SIMD3(Double(i % 3) - 1, 2, -1))) + SIMD3(7.5, -3.25, 100)
        }
        moved.cell = Cell(r * s.cell[0], r * s.cell[1], r * s.cell[2])
        let other = try soap.create([moved])
        #expect(maxDifference(reference.values[...], other.values[...]) < 1e-10)
    }

    @Test(arguments: layouts)
    func permutingAtomsPermutesRows(soap: SOAP) throws {
        let s = Self.crystal
        let order = [5, 2, 7, 0, 1, 6, 3, 4]
        let reference = try soap.create([s]), permuted = try soap.create([s.selecting(order)])
        for (row, atom) in order.enumerated() {
            #expect(maxDifference(reference.row(atom), permuted.row(row)) < 1e-12)
        }
    }

    @Test(arguments: layouts)
    func supercellsGiveTheSameEnvironments(soap: SOAP) throws {
        let s = Self.crystal
        let reference = try soap.create([s])
        let big = try soap.create([s.repeated(SIMD3(2, 1, 3))])
        for row in 0..<big.count {
            #expect(maxDifference(big.row(row), reference.row(row % s.count)) < 1e-10)
        }
    }

    /// In a cell far smaller than the range, a center's own periodic images come in mirror pairs (d, −d), which
    /// `create` takes once each (even l twice, odd l not at all). Against the rows of `derivatives` (every pair
    /// expanded) and of a supercell where no atom meets its own image: a one-atom fcc cell (every neighbor an
    /// image of the center), and a strained two-atom one (images of both atoms, from lattice vectors of no
    /// symmetry).
    @Test(arguments: layouts)
    func mirrorImagesOfTheCenterAreTakenOnce(soap: SOAP) throws {
        let strain = Matrix3(SIMD3(1.02, 0.03, -0.01), SIMD3(0.01, 0.97, 0.04), SIMD3(-0.02, 0.05, 1.01))
        let cells = [
            Crystal.fcc.structure([14], a: 3.6),
            Crystal.rocksalt.structure([14, 6], a: 4.4).strained(strain).rattled(stdev: 0.05, seed: 5)
        ]
        for cell in cells {
            let rows = try soap.create([cell])
            let (expanded, _) = try soap.derivatives([cell], centers: [Array(0..<cell.count)])
            let big = try soap.create([cell.repeated(SIMD3(4, 4, 4))])
            let scale = rows.values.map(abs).max()!
            for atom in 0..<cell.count {
                #expect(maxDifference(rows.row(atom), expanded.row(atom)) < 1e-13 * scale)
                #expect(maxDifference(rows.row(atom), big.row(atom)) < 1e-12 * scale)
            }
        }
    }

    @Test func quipDescriptorIsSmoothAcrossTheCutoff() throws {
        let soap = try SOAP.quip(cutoff: 4, cutoffTransitionWidth: 0.5, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [14])
        let cluster = Structure(
            atomicNumbers: [14, 14, 14],
            positions: [.zero, SIMD3(2.3, 0.2, 0.1), SIMD3(-0.5, 1.9, 0.7)])
        func withFarAtom(at r: Double) -> Structure {
            var s = cluster
            s.atomicNumbers.append(14)
            s.positions.append(SIMD3(r, 0, 0))
            return s
        }
        let beyond = try soap.create([withFarAtom(at: 4.0001)]).row(0)
        var previous = Double.infinity
        for delta in [1e-1, 1e-2, 1e-3, 1e-4] {
            let (inside, d) = try soap.derivatives([withFarAtom(at: 4 - delta)], centers: [[0]])
            let jump = maxDifference(inside.row(0), beyond)
            #expect(jump < previous, "the descriptor approaches its value beyond the cutoff")
            #expect(jump < 20 * delta * delta, "value and slope are continuous: jump \(jump) at δ = \(delta)")
            previous = jump
            let farBlock = try #require((0..<d.count).first { d.atom[$0] == 3 })
            #expect(d.block(farBlock).map(abs).max()! < 20 * delta, "the derivative vanishes at the cutoff")
        }
    }

    @Test func badSettingsAreClearErrors() {
        func fails(_ make: () throws -> SOAP, _ name: String) {
            #expect {
                _ = try make()
            } throws: { error in
                guard case let .invalidSetting(n, _, _) = error as? DescriptorError else { return false }
                return n.contains(name)
            }
        }
        fails({ try .dscribe(species: [1], cutoff: 4, nMax: 4, lMax: 21, atomSigma: 0.5) }, "l_max")
        fails({ try .dscribe(species: [1], cutoff: 4, nMax: 0, lMax: 4, atomSigma: 0.5) }, "n_max")
        fails({ try .dscribe(species: [1], cutoff: 1, nMax: 4, lMax: 4, atomSigma: 0.5) }, "cutoff")
        fails({ try .quip(cutoff: 0, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [1]) }, "cutoff")
        fails({ try .quip(cutoff: -3, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [1]) }, "cutoff")
        fails({ try .quip(cutoff: 4, nMax: 4, lMax: 4, atomSigma: 0, speciesZ: [1]) }, "atom_sigma")
        fails({ try .quip(cutoff: 4, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [1, 1]) }, "species_Z")
        fails({ try .dscribe(species: [200], cutoff: 4, nMax: 4, lMax: 4, atomSigma: 0.5) }, "species")
        fails(
            { try .dscribe(species: [1], cutoff: 4, nMax: 4, lMax: 4, atomSigma: 0.5, weighting: .poly(c: 1, r0: -1, m: 2)) }, "r0")
    }

    @Test func unknownSpeciesAndBadCentersAreClearErrors() throws {
        let soap = try SOAP.dscribe(species: [1, 8], cutoff: 3, nMax: 2, lMax: 2, atomSigma: 0.5)
        let methane = Structure(atomicNumbers: [6, 1], positions: [.zero, SIMD3(1.1, 0, 0)])
        #expect(throws: DescriptorError.unknownSpecies(structure: 0, atom: 0, atomicNumber: 6, known: [1, 8])) {
            try soap.create([methane])
        }
        let water = Structure(atomicNumbers: [8, 1, 1], positions: [.zero, SIMD3(0.96, 0, 0), SIMD3(-0.24, 0.93, 0)])
        #expect(throws: DescriptorError.invalidCenter(structure: 1, center: 3, atoms: 3)) {
            try soap.create([water, water], centers: [[0], [3]])
        }
        var broken = water
        broken.positions[1].x = .nan
        #expect(throws: DescriptorError.geometry(structure: 0, .nonFinitePosition(atom: 1))) { try soap.create([broken]) }
        #expect(
            DescriptorError.unknownSpecies(structure: 0, atom: 0, atomicNumber: 6, known: [1, 8]).description.contains("C is not"))
        #expect("\(soap)" == "SOAP(dscribe, species [1, 8], n_max 2, l_max 2, range 4.86 Å, periodic, 30 features)")
    }

    @Test func threadsAndBatchesGiveIdenticalResults() throws {
        let soap = try SOAP.quip(cutoff: 4, nMax: 4, lMax: 3, atomSigma: 0.5, speciesZ: [14, 6])
        let structures = [Self.crystal, Self.crystal.rattled(stdev: 0.05, seed: 3), Self.crystal.repeated(SIMD3(2, 2, 1))]
        let (q1, d1) = try soap.derivatives(structures, threads: 1)
        let (q2, d2) = try soap.derivatives(structures, threads: 2)
        #expect(q1 == q2 && d1 == d2)
        let single = try soap.create([structures[1]])
        #expect(Array(single.values) == Array(q1.values[(8 * q1.featureCount)..<(16 * q1.featureCount)]))
        #expect(q1.structure == [Int](repeating: 0, count: 8) + [Int](repeating: 1, count: 8) + [Int](repeating: 2, count: 32))
    }

    @Test func derivativesAreSparseAndSmall() throws {
        let soap = try SOAP.quip(cutoff: 5, nMax: 4, lMax: 3, atomSigma: 0.5, speciesZ: [14])
        let s = Crystal.diamond.structure([14], a: 5.43, cubic: true).repeated(SIMD3(3, 3, 3)).rattled(stdev: 0.05, seed: 1)
        let (_, d) = try soap.derivatives([s])
        let pairs = try NeighborList(s, cutoff: 5).pairCount
        // One block per (center, neighbor atom) plus the center's own: pairs + centers blocks.
        #expect(d.count == pairs + s.count)
        #expect(d.values.count == d.count * 3 * soap.numberOfFeatures)
    }
}
