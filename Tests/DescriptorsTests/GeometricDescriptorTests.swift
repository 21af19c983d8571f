import Atoms
import Descriptors
import Foundation
import Support
import TestSupport
import Testing

/// One instance as the tests compare them: center, the center's element, vector and weight.
private struct Instance {
    let center: Int
    let element: Int
    let value: [Double]
    let weight: Double
}

/// The instances of `d` in `s`, from a neighbor list `extra` Å longer than the descriptor's cutoff.
private func instances(
    _ d: GeometricDescriptor, _ s: Structure, gradients: Bool = false, extra: Double = 0
) throws -> GeometricInstances {
    let list = try NeighborList(s, cutoff: d.cutoff.cutoff + extra, threads: 1)
    return d.instances(of: s, list: list, gradients: gradients)
}

/// The instances of `g` as plain values.
private func plain(_ g: GeometricInstances, _ s: Structure) -> [Instance] {
    (0..<g.count).map { k in
        Instance(center: g.center[k], element: s.atomicNumbers[g.center[k]], value: Array(g.value(k)), weight: g.weights[k])
    }
}

/// Whether the two lists hold the same instances (values and weights within `tolerance`), in any order;
/// `centers` compares the center atoms too, otherwise only the centers' elements.
private func sameMultiset(_ a: [Instance], _ b: [Instance], centers: Bool, tolerance: Double = 1e-10) -> Bool {
    guard a.count == b.count else { return false }
    var unused = Array(b.indices)
    for x in a {
        guard
            let k = unused.firstIndex(where: { i in
                let y = b[i]
                return (centers ? x.center == y.center : x.element == y.element) && x.value.count == y.value.count
                    && zip(x.value, y.value).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($0)) }
                    && abs(x.weight - y.weight) <= tolerance
            })
        else { return false }
        unused.remove(at: k)
    }
    return true
}

/// ½[cos(π (r − r_c + w)/w) + 1] across the transition, written out independently of `CosineCutoff`.
private func cutoffWeight(_ r: Double, cutoff: Double, width: Double) -> Double {
    if r >= cutoff { return 0 }
    if r <= cutoff - width { return 1 }
    return 0.5 * (cos(Double.pi * (r - cutoff + width) / width) + 1)
}

/// Whether an atom of element `z` is allowed where the descriptor asks for `wanted` (0: any).
private func allowed(_ z: Int, _ wanted: Int) -> Bool { wanted == 0 || z == wanted }

/// Every neighbor (atom and vector D = r_j − r_i + S·cell) of atom `i` closer than `cutoff`, by brute force
/// over enough periodic images, without a neighbor list.
private func bruteNeighbors(_ s: Structure, of i: Int, cutoff: Double) -> [(atom: Int, vector: SIMD3<Double>)] {
    let widths = s.pbc.isAnyPeriodic ? s.cell.perpendicularWidths : SIMD3(repeating: 1)
    let reach = (0..<3).map { s.pbc[$0] ? Int((cutoff / widths[$0]).rounded(.up)) + 1 : 0 }
    var out = [(atom: Int, vector: SIMD3<Double>)]()
    for j in 0..<s.count {
        for a in -reach[0]...reach[0] {
            for b in -reach[1]...reach[1] {
                for c in -reach[2]...reach[2] {
                    let d = s.positions[j] - s.positions[i] + s.cell.cartesian(SIMD3(Double(a), Double(b), Double(c)))
                    let r = norm(d)
                    if r > 0 && r < cutoff { out.append((j, d)) }
                }
            }
        }
    }
    return out
}

/// The instances `d` should have in `s`, from brute-force neighbors and the definitions written out.
private func bruteInstances(_ d: GeometricDescriptor, _ s: Structure) -> [Instance] {
    let rc = d.cutoff.cutoff, w = d.cutoff.width
    let z = s.atomicNumbers
    var out = [Instance]()
    for i in 0..<s.count {
        let neighbors = bruteNeighbors(s, of: i, cutoff: rc)
        switch d {
        case let .distance2b(t):
            for (j, v) in neighbors {
                let ok =
                    (allowed(z[i], t.z1) && allowed(z[j], t.z2)) || (allowed(z[i], t.z2) && allowed(z[j], t.z1))
                guard ok else { continue }
                let r = norm(v)
                out.append(Instance(center: i, element: z[i], value: [r], weight: cutoffWeight(r, cutoff: rc, width: w)))
            }
        case let .angle3b(t):
            guard allowed(z[i], t.z) else { continue }
            for (a, (j, vj)) in neighbors.enumerated() {
                for (b, (k, vk)) in neighbors.enumerated() where a != b {
                    let ok =
                        (allowed(z[j], t.z1) && allowed(z[k], t.z2)) || (allowed(z[j], t.z2) && allowed(z[k], t.z1))
                    guard ok else { continue }
                    let rij = norm(vj), rik = norm(vk)
                    out.append(
                        Instance(
                            center: i, element: z[i], value: [rij + rik, (rij - rik) * (rij - rik), norm(vk - vj)],
                            weight: cutoffWeight(rij, cutoff: rc, width: w) * cutoffWeight(rik, cutoff: rc, width: w)))
                }
            }
        }
    }
    return out
}

/// A random rotation (from a random unit quaternion).
private func randomRotation(_ rng: inout SeededGenerator) -> Matrix3 {
    var q = SIMD4(rng.normal(), rng.normal(), rng.normal(), rng.normal())
    q /= (q * q).sum().squareRoot()
    let (w, x, y, z) = (q[0], q[1], q[2], q[3])
    return Matrix3(
        SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)),
        SIMD3(2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)),
        SIMD3(2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)))
}

@Suite("distance_2b and angle_3b descriptors")
struct GeometricDescriptorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let descriptor: GeometricDescriptor
        var testDescription: String { name }
    }

    static let cutoff = CosineCutoff(cutoff: 4, width: 1.5)

    static let cases: [Case] = [
        Case(name: "distance_2b any", descriptor: .distance2b(DistanceTwoBody(cutoff: cutoff))),
        Case(name: "distance_2b Si–C", descriptor: .distance2b(DistanceTwoBody(cutoff: cutoff, z1: 14, z2: 6))),
        Case(name: "distance_2b C–C", descriptor: .distance2b(DistanceTwoBody(cutoff: cutoff, z1: 6, z2: 6))),
        Case(name: "distance_2b C–any", descriptor: .distance2b(DistanceTwoBody(cutoff: cutoff, z1: 6))),
        Case(name: "angle_3b any", descriptor: .angle3b(AngleThreeBody(cutoff: cutoff))),
        Case(name: "angle_3b Si(Si, C)", descriptor: .angle3b(AngleThreeBody(cutoff: cutoff, z: 14, z1: 14, z2: 6))),
        Case(name: "angle_3b C(Si, Si)", descriptor: .angle3b(AngleThreeBody(cutoff: cutoff, z: 6, z1: 14, z2: 14))),
        Case(name: "angle_3b any(C, any)", descriptor: .angle3b(AngleThreeBody(cutoff: cutoff, z1: 6)))
    ]

    /// Seven Si and C atoms in a 4.5 Å box, no two closer than 1.2 Å: many pairs in the cutoff transition.
    static let molecule: Structure = {
        var rng = SeededGenerator(seed: 41)
        var s = RandomStructures.atoms(
            count: 7, cell: .orthorhombic(SIMD3(repeating: 4.5)), pbc: .none, elements: [14, 6], minimumDistance: 1.2,
            rng: &rng)
        s.cell = .empty
        return s
    }()

    /// Two atoms in a triclinic cell whose widths are below the cutoff: every atom sees images of itself.
    static let smallCell: Structure = {
        var rng = SeededGenerator(seed: 42)
        let cell = RandomStructures.triclinicCell(lengths: 2.6...3.0, rng: &rng)
        return RandomStructures.atoms(count: 2, cell: cell, pbc: .all, elements: [14, 6], minimumDistance: 1.2, rng: &rng)
    }()

    /// Six atoms in a triclinic cell about as wide as the cutoff, periodic along a and b only.
    static let slab: Structure = {
        var rng = SeededGenerator(seed: 43)
        let cell = RandomStructures.triclinicCell(lengths: 4.2...5.0, rng: &rng)
        return RandomStructures.atoms(
            count: 6, cell: cell, pbc: Periodicity(true, true, false), elements: [14, 6, 14], minimumDistance: 1.2, rng: &rng)
    }()

    static let structures: [(String, Structure)] = [("molecule", molecule), ("small cell", smallCell), ("slab", slab)]

    // MARK: Instances and their counts

    /// The instances equal those found by brute force over periodic images (values, weights, centers), with a
    /// neighbor list exactly as long as the cutoff and with a longer one.
    @Test(arguments: cases)
    func instancesEqualBruteForce(c: Case) throws {
        for (name, s) in Self.structures {
            let reference = bruteInstances(c.descriptor, s)
            for extra in [0, 0.7] {
                let found = plain(try instances(c.descriptor, s, extra: extra), s)
                #expect(sameMultiset(found, reference, centers: true), "\(c.name), \(name), list +\(extra) Å")
            }
        }
        // The cases are only meaningful when they find something.
        #expect(!bruteInstances(c.descriptor, Self.molecule).isEmpty, "\(c.name) finds no instance in the molecule")
    }

    /// distance_2b: each pair twice, once from each end (i → j with D, j → i with −D); the count is twice the
    /// number of unordered pairs (self-images included) within the cutoff of the right elements.
    @Test func eachPairIsCountedTwice() throws {
        for c in Self.cases {
            guard case let .distance2b(t) = c.descriptor else { continue }
            for (name, s) in Self.structures {
                let g = try instances(c.descriptor, s)
                let z = s.atomicNumbers
                var unordered = 0
                for i in 0..<s.count {
                    for (j, v) in bruteNeighbors(s, of: i, cutoff: t.cutoff.cutoff) {
                        // Each unordered pair once: i < j, or a self-image whose shift points "forward".
                        let forward = j > i || (j == i && (v.x > 0 || (v.x == 0 && (v.y > 0 || (v.y == 0 && v.z > 0)))))
                        let ok = (allowed(z[i], t.z1) && allowed(z[j], t.z2)) || (allowed(z[i], t.z2) && allowed(z[j], t.z1))
                        if forward && ok { unordered += 1 }
                    }
                }
                #expect(g.count == 2 * unordered, "\(c.name), \(name): \(g.count) instances, \(unordered) pairs")
                for k in 0..<g.count {
                    let leg = g.legOffsets[k]
                    #expect(g.legOffsets[k + 1] - leg == 1)
                    let mirrored = (0..<g.count).contains { m in
                        g.center[m] == g.legNeighbor[leg] && g.legNeighbor[g.legOffsets[m]] == g.center[k]
                            && norm(g.legVector[g.legOffsets[m]] + g.legVector[leg]) < 1e-12
                    }
                    #expect(mirrored, "\(c.name), \(name): instance \(k) has no mirror")
                }
            }
        }
    }

    /// angle_3b: each triplet twice, as (j, k) and (k, j) with the same vector; the count is n(n − 1) over the
    /// centers' allowed neighbor pairs, self-images included.
    @Test func eachTripletIsCountedTwice() throws {
        for c in Self.cases {
            guard case let .angle3b(t) = c.descriptor else { continue }
            for (name, s) in Self.structures {
                let g = try instances(c.descriptor, s)
                let z = s.atomicNumbers
                var unordered = 0
                for i in 0..<s.count where allowed(z[i], t.z) {
                    let neighbors = bruteNeighbors(s, of: i, cutoff: t.cutoff.cutoff)
                    for a in neighbors.indices {
                        for b in neighbors.indices where b > a {
                            let j = neighbors[a].atom, k = neighbors[b].atom
                            if (allowed(z[j], t.z1) && allowed(z[k], t.z2)) || (allowed(z[j], t.z2) && allowed(z[k], t.z1)) {
                                unordered += 1
                            }
                        }
                    }
                }
                #expect(g.count == 2 * unordered, "\(c.name), \(name): \(g.count) instances, \(unordered) triplets")
                for k in 0..<g.count {
                    let legs = g.legOffsets[k]..<g.legOffsets[k + 1]
                    #expect(legs.count == 2)
                    let (j, l) = (legs.lowerBound, legs.lowerBound + 1)
                    let swapped = (0..<g.count).contains { m in
                        let p = g.legOffsets[m]
                        return m != k && g.center[m] == g.center[k] && g.legNeighbor[p] == g.legNeighbor[l]
                            && g.legNeighbor[p + 1] == g.legNeighbor[j] && norm(g.legVector[p] - g.legVector[l]) < 1e-12
                            && norm(g.legVector[p + 1] - g.legVector[j]) < 1e-12 && Array(g.value(m)) == Array(g.value(k))
                            && g.weights[m] == g.weights[k]
                    }
                    #expect(swapped, "\(c.name), \(name): instance \(k) has no swapped twin")
                }
            }
        }
    }

    /// A cell smaller than the cutoff: the only atom of a simple cubic cell of 2.5 Å has the 6 + 12 + 8
    /// images within 4.4 Å as neighbors, so 26 distance_2b and 26 × 25 angle_3b instances.
    @Test func selfImagesOfASingleAtom() throws {
        let s = Structure(atomicNumbers: [14], positions: [.zero], cell: .orthorhombic(SIMD3(repeating: 2.5)), pbc: .all)
        let cutoff = CosineCutoff(cutoff: 4.4, width: 0.5)
        let pairs = try instances(.distance2b(DistanceTwoBody(cutoff: cutoff)), s)
        #expect(pairs.count == 26)
        #expect(pairs.legNeighbor.allSatisfy { $0 == 0 })
        let triplets = try instances(.angle3b(AngleThreeBody(cutoff: cutoff)), s)
        #expect(triplets.count == 26 * 25)
        // Restricted to carbon, nothing is left.
        #expect(try instances(.distance2b(DistanceTwoBody(cutoff: cutoff, z1: 6)), s).count == 0)
    }

    // MARK: Gradients

    /// ∂x/∂D and ∂w/∂D of every leg equal central differences of the instance's vector and weight when the
    /// leg's neighbor moves (which changes that leg vector only, in a molecule), and moving the center changes
    /// the instance by minus the sum over its legs.
    @Test(arguments: cases)
    func gradientsEqualFiniteDifferences(c: Case) throws {
        let s = Self.molecule
        let g = try instances(c.descriptor, s, gradients: true)
        #expect(g.hasGradients && g.count > 0)
        let d = c.descriptor.dimension
        // Instances keyed by center and leg neighbors (unique in a molecule).
        func key(_ g: GeometricInstances, _ k: Int) -> [Int] {
            [g.center[k]] + g.legNeighbor[g.legOffsets[k]..<g.legOffsets[k + 1]]
        }
        func index(_ g: GeometricInstances) -> [[Int]: Int] {
            Dictionary(uniqueKeysWithValues: (0..<g.count).map { (key(g, $0), $0) })
        }
        #expect(Set((0..<g.count).map { key(g, $0) }).count == g.count)
        let h = 1e-6
        var worst = 0.0, transitionLegs = 0
        for atom in 0..<s.count {
            for axis in 0..<3 {
                var plus = s, minus = s
                plus.positions[atom][axis] += h
                minus.positions[atom][axis] -= h
                let gp = try instances(c.descriptor, plus), gm = try instances(c.descriptor, minus)
                let ip = index(gp), im = index(gm)
                for k in 0..<g.count {
                    let legs = g.legOffsets[k]..<g.legOffsets[k + 1]
                    let moving = legs.filter { g.legNeighbor[$0] == atom }
                    guard g.center[k] == atom || !moving.isEmpty else { continue }
                    let p = try #require(ip[key(g, k)]), m = try #require(im[key(g, k)])
                    // Analytic change of the instance per unit displacement of `atom` along `axis`.
                    let sign = g.center[k] == atom ? -1.0 : 1.0
                    let chosen = g.center[k] == atom ? Array(legs) : moving
                    for component in 0..<d {
                        let analytic = sign * chosen.reduce(0.0) { $0 + g.valueGradients[$1 * d + component][axis] }
                        let numeric = (gp.values[p * d + component] - gm.values[m * d + component]) / (2 * h)
                        let error = abs(analytic - numeric) / max(1, abs(analytic))
                        worst = max(worst, error)
                        #expect(error < 1e-7, "\(c.name) instance \(key(g, k)) x\(component) atom \(atom) axis \(axis)")
                    }
                    let analytic = sign * chosen.reduce(0.0) { $0 + g.weightGradients[$1][axis] }
                    let numeric = (gp.weights[p] - gm.weights[m]) / (2 * h)
                    #expect(abs(analytic - numeric) < 1e-7 * max(1, abs(analytic)), "\(c.name) instance \(key(g, k)) weight")
                    if analytic != 0 { transitionLegs += 1 }
                }
            }
        }
        // Some legs must lie in the cutoff's transition, or the weight gradients were not tested.
        #expect(transitionLegs > 0)
        #expect(worst < 1e-7)
    }

    /// Instances without gradients carry the same vectors and weights, and no gradient arrays.
    @Test(arguments: cases)
    func gradientsAreOptional(c: Case) throws {
        let with = try instances(c.descriptor, Self.slab, gradients: true)
        let without = try instances(c.descriptor, Self.slab, gradients: false)
        #expect(!without.hasGradients && without.valueGradients.isEmpty && without.weightGradients.isEmpty)
        #expect(with.values == without.values && with.weights == without.weights && with.legVector == without.legVector)
        #expect(with.valueGradients.count == with.legNeighbor.count * c.descriptor.dimension)
        #expect(with.weightGradients.count == with.legNeighbor.count)
    }

    // MARK: Invariances

    /// Rotating (cell too), translating or permuting the atoms leaves the multiset of instances unchanged
    /// (centers compared by element).
    @Test(arguments: cases)
    func instancesAreInvariant(c: Case) throws {
        var rng = SeededGenerator(seed: 44)
        for (name, s) in Self.structures {
            let reference = plain(try instances(c.descriptor, s), s)
            let r = randomRotation(&rng)
            var rotated = s
            rotated.positions = s.positions.map { r * $0 }
            if s.pbc.isAnyPeriodic { rotated.cell = Cell(r * s.cell[0], r * s.cell[1], r * s.cell[2]) }
            var translated = s
            let shift = SIMD3(rng.uniform() - 0.5, rng.uniform() - 0.5, rng.uniform() - 0.5) * 20
            translated.positions = s.positions.map { $0 + shift }
            let order = Array(0..<s.count).shuffled(using: &rng)
            let permuted = Structure(
                atomicNumbers: order.map { s.atomicNumbers[$0] }, positions: order.map { s.positions[$0] }, cell: s.cell, pbc: s.pbc
            )
            for (change, t) in [("rotated", rotated), ("translated", translated), ("permuted", permuted)] {
                let moved = plain(try instances(c.descriptor, t), t)
                #expect(sameMultiset(moved, reference, centers: false, tolerance: 1e-9), "\(c.name), \(name) \(change)")
            }
        }
    }

    // MARK: Cutoff function

    /// f_c′ equals a central difference of f_c across the transition; f_c is 1 (flat) up to r_c − w, 0 (flat)
    /// from r_c on, ½ with slope −π/(2w) halfway, continuous with vanishing slope at both ends, and decreasing.
    @Test(arguments: [(4.0, 1.5), (3.0, 3.0), (5.0, 0.25)])
    func cosineCutoff(cutoff rc: Double, width w: Double) {
        let f = CosineCutoff(cutoff: rc, width: w)
        var rng = SeededGenerator(seed: 45)
        let h = 1e-6
        for _ in 0..<50 {
            let r = rc - w + (0.001 + 0.998 * rng.uniform()) * w
            let numeric = (f(r + h).value - f(r - h).value) / (2 * h)
            #expect(abs(f(r).derivative - numeric) < 1e-7 * max(1, abs(numeric)), "r = \(r)")
            #expect(abs(f(r).value - cutoffWeight(r, cutoff: rc, width: w)) < 1e-15)
        }
        for r in [0, 0.5 * (rc - w), rc - w] where r >= 0 {
            #expect(f(r).value == 1 && f(r).derivative == 0, "r = \(r)")
        }
        for r in [rc, rc + 1e-12, rc + 3, 1e6] { #expect(f(r).value == 0 && f(r).derivative == 0, "r = \(r)") }
        let middle = f(rc - 0.5 * w)
        #expect(abs(middle.value - 0.5) < 1e-14)
        #expect(abs(middle.derivative + Double.pi / (2 * w)) < 1e-12)
        let epsilon = 1e-7 * w
        #expect(abs(f(rc - w + epsilon).value - 1) < 1e-12 && abs(f(rc - w + epsilon).derivative) < 1e-5)
        #expect(abs(f(rc - epsilon).value) < 1e-12 && abs(f(rc - epsilon).derivative) < 1e-5)
        let grid = (0...400).map { rc * 1.2 * Double($0) / 400 }
        #expect(zip(grid, grid.dropFirst()).allSatisfy { f($0).value >= f($1).value })
        #expect(grid.allSatisfy { f($0).derivative <= 0 })
    }

    // MARK: Validation

    @Test(arguments: [
        (GeometricDescriptor.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: -1, width: 0.5))), "distance_2b cutoff"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 0, width: 0.5))), "distance_2b cutoff"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: .nan, width: 0.5))), "distance_2b cutoff"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 1e3, width: 0.5))), "distance_2b cutoff"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 5))), "distance_2b cutoff_transition_width"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 0))), "distance_2b cutoff_transition_width"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 1), z1: 200)), "distance_2b Z1"),
        (.distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 1), z1: 14, z2: -3)), "distance_2b Z2"),
        (.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: -2, width: 0.5))), "angle_3b cutoff"),
        (.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: 3.5))), "angle_3b cutoff_transition_width"),
        (.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: -1))), "angle_3b cutoff_transition_width"),
        (.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: 1), z: 119)), "angle_3b Z"),
        (.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: 1), z: 14, z1: 1000)), "angle_3b Z1"),
        (.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: 1), z2: -1)), "angle_3b Z2")
    ])
    func invalidSettingsAreNamed(descriptor: GeometricDescriptor, setting: String) {
        do {
            try descriptor.validate()
            Issue.record("\(descriptor.summary) must be refused")
        } catch {
            guard case let .invalidSetting(name, _, hint) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(name == setting)
            #expect(!hint.isEmpty)
        }
    }

    @Test func validSettingsPass() throws {
        for c in Self.cases { try c.descriptor.validate() }
        try GeometricDescriptor.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: 3), z: 6, z1: 1, z2: 118)).validate()
    }
}
