import Atoms
import Support
import TestSupport
import Testing

@testable import Descriptors

/// Pooling of local rows into one row per structure and random center sampling, values and derivatives.
@Suite("Pooling and center sampling")
struct PoolingTests {
    static let soap = try! SOAP.dscribe(species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, periodic: true)

    /// A molecule and a periodic cell smaller than the cutoff.
    static var structures: [Structure] {
        var rng = SeededGenerator(seed: 11)
        let molecule = Structure(
            atomicNumbers: [6, 1, 1, 8, 1],
            positions: [.zero, SIMD3(1.09, 0.1, 0), SIMD3(-0.3, 1.05, 0.2), SIMD3(-0.4, -0.5, 1.2), SIMD3(-1.2, -0.9, 1.4)])
        let cell = RandomStructures.triclinicCell(lengths: 2.8...3.2, rng: &rng)
        let crystal = RandomStructures.atoms(count: 4, cell: cell, pbc: .all, elements: [8, 1, 6], minimumDistance: 0.9, rng: &rng)
        return [molecule, crystal]
    }

    /// Per-atom weights in a column named "charge".
    static func weighted(_ s: Structure, _ weights: [Double]) -> Structure {
        var s = s
        s.arrays["charge"] = .doubles(weights, width: 1)
        return s
    }

    /// The largest difference between `a` and `b` relative to the largest magnitude in `b` (both sum the same rows,
    /// but threads may add them in another order).
    static func worst(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max()! / max(b.map(abs).max()!, 1e-300)
    }

    @Test func averagePoolingEqualsDScribeOuterAverage() throws {
        let outer = try SOAP.dscribe(
            species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, average: .outer, periodic: true)
        let pooled = try PooledDescriptor(Self.soap, pooling: .average)
        let (q, d) = try pooled.derivatives(Self.structures, centers: nil, threads: 2)
        let (r, e) = try outer.derivatives(Self.structures, centers: nil, threads: 2)
        #expect(q.count == 2 && q.center == [-1, -1])
        #expect(Self.worst(q.values, r.values) < 1e-13)
        #expect(d.row == e.row && d.atom == e.atom)
        // Derivatives sum many terms of both signs in two different orders: rounding reaches a few 1e-12.
        #expect(Self.worst(d.values, e.values) < 1e-11)
    }

    @Test func maxPoolingTakesEachFeaturesLargestCenter() throws {
        let pooled = try PooledDescriptor(Self.soap, pooling: .max)
        let rows = try Self.soap.create(Self.structures, centers: nil, threads: 1)
        let q = try pooled.create(Self.structures, centers: nil, threads: 1)
        let D = q.featureCount
        for (s, structure) in Self.structures.enumerated() {
            let members = (0..<rows.count).filter { rows.structure[$0] == s }
            #expect(members.count == structure.count)
            for f in 0..<D {
                #expect(q.values[s * D + f] == members.map { rows.values[$0 * D + f] }.max())
            }
        }
    }

    @Test(arguments: ["average", "max", "weighted"])
    func pooledDerivativesMatchFiniteDifferences(pooling name: String) throws {
        let pooling: Pooling = name == "average" ? .average : name == "max" ? .max : .siteWeighted(array: "charge")
        let pooled = try PooledDescriptor(Self.soap, pooling: pooling)
        for (k, plain) in Self.structures.enumerated() {
            let s = Self.weighted(plain, (0..<plain.count).map { 0.5 + Double($0 % 3) })
            let (worst, scale) = try pooledFiniteDifferences(pooled, s)
            #expect(worst <= 1e-6 * max(scale, 1), "structure \(k), \(name): \(worst) of \(scale)")
        }
    }

    @Test func equalSiteWeightsGiveTheAverageAndWeightsShiftTheRow() throws {
        let s = Self.structures[0]
        let average = try PooledDescriptor(Self.soap, pooling: .average).create([s], centers: nil, threads: 1)
        let weighted = try PooledDescriptor(Self.soap, pooling: .siteWeighted(array: "charge"))
        let equal = try weighted.create([Self.weighted(s, Array(repeating: 2.5, count: s.count))], centers: nil, threads: 1)
        #expect(zip(equal.values, average.values).map { abs($0 - $1) }.max()! < 1e-14)
        let onlyFirst = try weighted.create(
            [Self.weighted(s, [1] + Array(repeating: 0, count: s.count - 1))], centers: nil, threads: 1)
        let first = try Self.soap.create([s], centers: [[0]], threads: 1)
        #expect(zip(onlyFirst.values, first.values).map { abs($0 - $1) }.max()! < 1e-14)
    }

    @Test func samplingIsReproducibleAndDrawsDistinctCenters() throws {
        let big = Structure(
            atomicNumbers: Array(repeating: 1, count: 40), positions: (0..<40).map { SIMD3(Double($0) * 1.5, 0, 0) })
        let count = try CenterSampling(.count(7), seed: 3)
        let a = count.centers([big, big], given: nil)
        #expect(a == count.centers([big, big], given: nil))
        #expect(a[0].count == 7 && Set(a[0]).count == 7 && a[0] == a[0].sorted())
        #expect(a[0] != a[1], "structures draw from their own index")
        #expect(try CenterSampling(.count(7), seed: 4).centers([big], given: nil)[0] != a[0])
        #expect(try CenterSampling(.fraction(0.25), seed: 3).centers([big], given: nil)[0].count == 10)
        #expect(try CenterSampling(.fraction(0.01), seed: 3).centers([big], given: nil)[0].count == 1)
        #expect(try CenterSampling(.count(100), seed: 3).centers([big], given: nil)[0] == Array(0..<40))
        let among = try CenterSampling(.count(3), seed: 1).centers([big], given: [[5, 9, 13, 21, 30]])[0]
        #expect(among.count == 3 && among.allSatisfy { [5, 9, 13, 21, 30].contains($0) })
    }

    @Test func sampledRowsAreTheRowsOfTheirCenters() throws {
        let sampling = try CenterSampling(.count(2), seed: 9)
        let sampled = try PooledDescriptor(Self.soap, pooling: nil, sampling: sampling)
        let q = try sampled.create(Self.structures, centers: nil, threads: 1)
        let chosen = sampling.centers(Self.structures, given: nil)
        #expect(q.center == chosen.flatMap { $0 })
        let full = try Self.soap.create(Self.structures, centers: chosen, threads: 1)
        #expect(q == full)
        #expect(sampled.isLocal)
        #expect(try !PooledDescriptor(Self.soap, pooling: .max, sampling: sampling).isLocal)
    }

    @Test func badSettingsAreRefusedBeforeTheWork() throws {
        let cm = try CoulombMatrix(nAtomsMax: 6)
        #expect(throws: DescriptorError.self) { try PooledDescriptor(cm, pooling: .average) }
        #expect(throws: DescriptorError.self) { try PooledDescriptor(Self.soap, pooling: nil) }
        #expect(throws: DescriptorError.self) { try CenterSampling(.count(0), seed: 0) }
        #expect(throws: DescriptorError.self) { try CenterSampling(.fraction(1.5), seed: 0) }
        let weighted = try PooledDescriptor(Self.soap, pooling: .siteWeighted(array: "charge"))
        #expect(throws: DescriptorError.self) { try weighted.create(Self.structures, centers: nil, threads: 1) }
        let s = Self.structures[0]
        #expect(throws: DescriptorError.self) {
            try weighted.create([Self.weighted(s, [1, -1, 0, 0, 0])], centers: nil, threads: 1)
        }
        #expect(throws: DescriptorError.self) {
            try weighted.create([Self.weighted(s, Array(repeating: 0, count: s.count))], centers: nil, threads: 1)
        }
    }

    /// A large cell's centers go to the base descriptor in batches (`PooledDescriptor.batchCenters`), whole small
    /// structures together and the large one in pieces: the pooled blocks are those of all centers' blocks at once.
    @Test(arguments: ["average", "max", "weighted"])
    func batchedDerivativesAreThoseOfAllCentersAtOnce(pooling name: String) throws {
        var big = Crystal.diamond.structure([14], a: 5.43, cubic: true).repeated(SIMD3(4, 4, 4)).rattled(stdev: 0.1, seed: 5)
        for i in Swift.stride(from: 0, to: big.count, by: 4) { big.atomicNumbers[i] = 8 }
        #expect(big.count > 2 * PooledDescriptor.batchCenters - 5, "the cell's centers end the second batch")
        let soap = try SOAP.dscribe(species: [1, 6, 8, 14], cutoff: 3.2, nMax: 2, lMax: 2, atomSigma: 0.5, periodic: true)
        let structures = [Self.structures[0], big, Self.structures[1]].map {
            Self.weighted($0, (0..<$0.count).map { Double(($0 * 7) % 5) })  // a fifth of the centers weigh nothing
        }
        let pooling: Pooling = name == "average" ? .average : name == "max" ? .max : .siteWeighted(array: "charge")
        let (q, d) = try PooledDescriptor(soap, pooling: pooling).derivatives(structures, centers: nil, threads: 2)
        // The same sums from every center's blocks at once.
        let rows = try soap.create(structures, centers: nil, threads: 1)
        let (_, blocks) = try soap.derivatives(structures, centers: nil, threads: 1)
        let D = soap.numberOfFeatures
        // Per center row and feature, its weight in the pooled row: 1/n, w_i/Σw, or 1 for the row of the maximum.
        var weight = [Double](repeating: 0, count: rows.count * D)
        for (s, structure) in structures.enumerated() {
            let members = (0..<rows.count).filter { rows.structure[$0] == s }
            guard case let .doubles(w, _)? = structure.arrays["charge"] else {
                Issue.record("structure \(s) has no weights")
                return
            }
            for f in 0..<D {
                let best = members.max { rows.values[$0 * D + f] < rows.values[$1 * D + f] }!
                for k in members {
                    switch pooling {
                    case .average: weight[k * D + f] = 1 / Double(members.count)
                    case .max: weight[k * D + f] = k == best ? 1 : 0
                    case .siteWeighted: weight[k * D + f] = w[rows.center[k]] / w.reduce(0, +)
                    }
                }
            }
        }
        var expected = structures.map { [Double](repeating: 0, count: $0.count * 3 * D) }
        for b in 0..<blocks.count {
            let k = blocks.row[b], s = rows.structure[k], atom = blocks.atom[b], block = Array(blocks.block(b))
            for f in 0..<D {
                for axis in 0..<3 { expected[s][atom * 3 * D + axis * D + f] += weight[k * D + f] * block[axis * D + f] }
            }
        }
        #expect(q.count == 3 && d.row == d.row.sorted())
        #expect(Set(d.row.indices.map { "\(d.row[$0]) \(d.atom[$0])" }).count == d.count, "a block per (row, atom)")
        if pooling != .max {
            #expect(d.count == structures.map(\.count).reduce(0, +), "every atom moves a center of its structure")
        }
        var pooled = structures.map { [Double](repeating: 0, count: $0.count * 3 * D) }
        for b in 0..<d.count {
            pooled[d.row[b]].replaceSubrange((d.atom[b] * 3 * D)..<((d.atom[b] + 1) * 3 * D), with: d.block(b))
        }
        let scale = expected.joined().map(abs).max()!
        let worst = zip(pooled.joined(), expected.joined()).map { abs($0 - $1) }.max()!
        #expect(scale > 0 && worst <= 1e-12 * scale, "\(name): \(worst) of \(scale)")
    }

    @Test func settingsPoolTheirDescriptor() throws {
        let base = #"{"kind": "soap", "species": [1, 6, 8], "r_cut": 3.5, "n_max": 3, "l_max": 2, "sigma": 0.5, "periodic": true"#
        let weighted = try #require(
            try DescriptorSettings.descriptor(json: base + #", "pooling": "weighted", "site_weights": "charge"}"#)
                as? PooledDescriptor)
        #expect(weighted.pooling == .siteWeighted(array: "charge") && weighted.sampling == nil && !weighted.isLocal)
        let structures = Self.structures.map { Self.weighted($0, (0..<$0.count).map { 1 + Double($0) }) }
        let direct = try PooledDescriptor(Self.soap, pooling: .siteWeighted(array: "charge"))
        #expect(try weighted.create(structures, centers: nil, threads: 1) == direct.create(structures, centers: nil, threads: 1))
        for (name, pooling) in [("average", Pooling.average), ("max", .max)] {
            let pooled = try DescriptorSettings.descriptor(json: base + #", "pooling": "\#(name)"}"#) as? PooledDescriptor
            #expect(pooled?.pooling == pooling)
        }
        for (tail, expected) in [
            (#", "pooling": "sum"}"#, "sum"),
            (#", "pooling": "weighted"}"#, "site_weights"),
            (#", "pooling": "max", "site_weights": "charge"}"#, "site_weights"),
            (#", "site_weights": "charge"}"#, "site_weights"),
            (#", "average": "outer", "pooling": "max"}"#, "local descriptor"),
            (#", "pooling": "max", "sample_count": 3}"#, "sample_count")
        ] {
            #expect {
                try DescriptorSettings.descriptor(json: base + tail)
            } throws: { error in
                "\(error)".contains(expected)
            }
        }
    }
}

@Suite("Pooling ACSF")
struct PoolingACSFTests {
    @Test func maxPooledACSFDerivativesMatchFiniteDifferences() throws {
        let acsf = try DescriptorSettings.descriptor(
            json:
                #"{"kind": "acsf", "species": ["H", "O"], "r_cut": 4, "g2_params": [[1, 1], [0.5, 2]], "g4_params": [[0.1, 2, 1]]}"#
        )
        #expect(acsf.isLocal)
        let pooled = try PooledDescriptor(acsf, pooling: .max, sampling: CenterSampling(.count(2), seed: 1))
        let s = Structure(
            atomicNumbers: [8, 1, 1, 8, 1],
            positions: [.zero, SIMD3(0.96, 0, 0), SIMD3(-0.2, 0.93, 0), SIMD3(2.5, 0.4, 0.3), SIMD3(3.1, 1.1, 0)])
        let (worst, scale) = try pooledFiniteDifferences(pooled, s)
        #expect(worst <= 1e-6 * max(scale, 1), "\(worst) of \(scale)")
    }
}

/// Central differences of a pooled descriptor's single row against its derivative blocks (see
/// `positionFiniteDifferences`).
private func pooledFiniteDifferences(_ pooled: PooledDescriptor, _ s: Structure) throws -> (worst: Double, scale: Double) {
    let (_, d) = try pooled.derivatives([s], centers: nil, threads: 1)
    let D = pooled.numberOfFeatures
    let blocks = d.atom.indices.map { Array(d.block($0)) }
    return try positionFiniteDifferences(s, h: 1e-6, features: D) {
        try pooled.create([$0], centers: nil, threads: 1)
    } analytic: { _, atom, axis, f in
        guard let b = d.atom.firstIndex(of: atom) else { return 0 }
        return blocks[b][axis * D + f]
    }
}
