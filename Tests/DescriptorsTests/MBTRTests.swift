import Atoms
import Descriptors
import Foundation
import TestSupport
import Testing

/// A rotation matrix from three angles.
private func rotation(_ a: Double, _ b: Double, _ c: Double) -> Matrix3 {
    let rz = Matrix3(SIMD3(cos(a), -sin(a), 0), SIMD3(sin(a), cos(a), 0), SIMD3(0, 0, 1))
    let ry = Matrix3(SIMD3(cos(b), 0, sin(b)), SIMD3(0, 1, 0), SIMD3(-sin(b), 0, cos(b)))
    let rx = Matrix3(SIMD3(1, 0, 0), SIMD3(0, cos(c), -sin(c)), SIMD3(0, sin(c), cos(c)))
    return rz * ry * rx
}

/// The largest |a − b| over two rows.
private func maxDifference(_ a: some Collection<Double>, _ b: some Collection<Double>) -> Double {
    zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

@Suite("MBTR")
struct MBTRTests {
    struct Case: Decodable {
        let name: String
        let structure: StructureFixture
        let settings: String
        let n_features: Int
        let locations: [String: [Int]]
        let descriptor: [Double]
        let derivatives: [[[Double]]]?
    }

    struct File: Decodable { let cases: [Case] }

    static let file: File = try! Fixtures.load(File.self, "dscribe_mbtr.json")

    static func mbtr(_ c: Case) throws -> MBTR {
        try #require(try DescriptorSettings.descriptor(json: c.settings) as? MBTR)
    }

    static func mbtr(_ json: String) throws -> MBTR {
        try #require(try DescriptorSettings.descriptor(json: json) as? MBTR)
    }

    @Test(arguments: file.cases.map(\.name))
    func matchesDScribe(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let mbtr = try Self.mbtr(c)
        #expect(mbtr.numberOfFeatures == c.n_features)
        for (key, range) in c.locations {
            let location = try mbtr.location(of: key.split(separator: ",").map { Int($0)! })
            #expect(location == range[0]..<range[1], "\(name): location of \(key)")
        }
        let (rows, derivatives) = try mbtr.derivatives([c.structure.structure])
        let scale = c.descriptor.map(abs).max() ?? 1
        let worst = maxDifference(rows.values, c.descriptor)
        #expect(scale > 0, "\(name): DScribe's row is zero")
        #expect(worst <= 1e-10 * scale, "\(name): values differ by \(worst / scale) relative to the largest")
        guard let reference = c.derivatives else { return }
        let flat = reference.flatMap { $0.flatMap { $0 } }
        // Relative to the largest derivative, or to the row where every derivative vanishes by symmetry.
        let dScale = max(flat.map(abs).max() ?? 0, scale)
        #expect(derivatives.count == reference.count)
        let dense = (0..<derivatives.count).flatMap { derivatives.block($0) }
        let dWorst = maxDifference(dense, flat)
        #expect(dWorst <= 1e-9 * dScale, "\(name): derivatives differ by \(dWorst / dScale) relative to the largest")
    }

    @Test(arguments: file.cases.map(\.name))
    func derivativesMatchFiniteDifferences(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let mbtr = try Self.mbtr(c)
        let s = c.structure.structure
        let (q, d) = try mbtr.derivatives([s])
        let D = mbtr.numberOfFeatures
        let blocks = (0..<d.count).map { Array(d.block($0)) }
        let (worst, differences) = try positionFiniteDifferences(
            s, h: 1e-5, features: D, create: { try mbtr.create([$0]) },
            analytic: { _, atom, axis, f in blocks[atom][axis * D + f] })
        // Relative to the largest difference, or to the row where every derivative vanishes by symmetry.
        let scale = max(differences, q.values.map(abs).max() ?? 0)
        #expect(worst <= 1e-6 * scale, "\(name): |analytic − central difference| = \(worst), scale \(scale)")
    }

    static let molecule = Structure(
        atomicNumbers: [6, 1, 1, 8, 7, 1],
        positions: [
            .zero, SIMD3(1.09, 0.1, 0), SIMD3(-0.3, 1.05, 0.2), SIMD3(-0.4, -0.5, 1.2), SIMD3(0.9, -0.8, -0.9),
            SIMD3(1.6, -1.4, -0.5)
        ])

    static let settings = [
        #"{"kind": "mbtr", "species": [1, 6, 7, 8], "geometry": {"function": "inverse_distance"},"#
            + #""grid": {"min": 0, "max": 1.2, "n": 30, "sigma": 0.05}, "normalization": "l2"}"#,
        #"{"kind": "mbtr", "species": [1, 6, 7, 8], "geometry": {"function": "angle"},"#
            + #""grid": {"min": 0, "max": 180, "n": 30, "sigma": 5}, "weighting": {"function": "exp", "scale": 0.5, "threshold": 1e-3}}"#
    ]

    @Test(arguments: settings)
    func moleculeInvariances(json: String) throws {
        let mbtr = try Self.mbtr(json)
        let s = Self.molecule
        let reference = try mbtr.create([s]).values
        let scale = reference.map(abs).max() ?? 1
        var moved = s
        let r = rotation(0.4, -1.2, 2.1)
        moved.positions = s.positions.map { r * $0 + SIMD3(3.5, -7.25, 20) }
        #expect(maxDifference(try mbtr.create([moved]).values, reference) <= 1e-12 * scale)
        let order = [3, 0, 5, 1, 4, 2]
        let permuted = Structure(atomicNumbers: order.map { s.atomicNumbers[$0] }, positions: order.map { s.positions[$0] })
        #expect(maxDifference(try mbtr.create([permuted]).values, reference) <= 1e-12 * scale)
        // The derivatives of a translation-invariant row sum to zero over the atoms.
        let (_, d) = try mbtr.derivatives([s])
        let D = mbtr.numberOfFeatures
        var total = [Double](repeating: 0, count: 3 * D)
        for atom in 0..<s.count { for (f, value) in d.block(atom).enumerated() { total[f] += value } }
        #expect((total.map(abs).max() ?? 0) <= 1e-10 * (d.values.map(abs).max() ?? 1))
    }

    /// A block holds only the combinations of the species its structure has (the others' entries are zero): with
    /// silicon and iron among the species of the molecule's MBTR, 40 of the 126 triplet combinations are stored, and
    /// the blocks still match central differences of the whole row.
    @Test func blocksHoldOnlyThePresentSpeciesCombinations() throws {
        let json = Self.settings[1].replacingOccurrences(of: "[1, 6, 7, 8]", with: "[1, 6, 7, 8, 14, 26]")
        let mbtr = try Self.mbtr(json)
        let s = Self.molecule
        let (q, d) = try mbtr.derivatives([s])
        let D = mbtr.numberOfFeatures, n = 30
        #expect(D == 6 * 21 * n)
        #expect(d.values.count == s.count * 3 * 40 * n)
        let blocks = (0..<d.count).map { Array(d.block($0)) }
        let (worst, differences) = try positionFiniteDifferences(
            s, h: 1e-5, features: D, create: { try mbtr.create([$0]) },
            analytic: { _, atom, axis, f in blocks[atom][axis * D + f] })
        #expect(differences > 0)
        #expect(worst <= 1e-6 * max(differences, q.values.map(abs).max() ?? 0))
    }

    @Test func periodicInvariances() throws {
        let c = try #require(Self.file.cases.first { $0.name == "k3_cosine_triclinic_exp_valle_oganov" })
        let mbtr = try Self.mbtr(c)
        let s = c.structure.structure
        let reference = try mbtr.create([s]).values
        let scale = reference.map(abs).max() ?? 1
        // Rotate cell and positions, translate, move atoms by lattice vectors, permute.
        let r = rotation(0.3, 0.9, -1.7)
        let order = [2, 0, 3, 1]
        var moved = s
        moved.cell = Cell(r * s.cell[0], r * s.cell[1], r * s.cell[2])
        moved.atomicNumbers = order.map { s.atomicNumbers[$0] }
        moved.positions = order.enumerated().map { k, i in
            r * (s.positions[i] + s.cell.cartesian(SIMD3(Double(k) - 1, 1, -2))) + SIMD3(0.5, 2, -3)
        }
        #expect(maxDifference(try mbtr.create([moved]).values, reference) <= 1e-10 * scale)
    }

    @Test func badSettingsAreRefusedByName() throws {
        let base = #""kind": "mbtr", "species": [1, 8], "grid": {"min": 0, "max": 4, "n": 20, "sigma": 0.1}"#
        let cases: [(String, String)] = [
            (#"{\#(base), "geometry": {"function": "volume"}}"#, "function"),
            (#"{\#(base), "geometry": {"function": "distance", "order": 2}}"#, "geometry"),
            (
                #"{\#(base), "geometry": {"function": "distance"}, "weighting": {"function": "smooth_cutoff", "r_cut": 3}}"#,
                "function"
            ),
            (
                #"{\#(base), "geometry": {"function": "cosine"}, "weighting": {"function": "inverse_square", "r_cut": 3}}"#,
                "function"
            ),
            (
                #"{\#(base), "geometry": {"function": "distance"}, "weighting": {"function": "exp", "threshold": 1e-3}}"#,
                "scale, r_cut"
            ),
            (
                #"{\#(base), "geometry": {"function": "distance"}, "weighting": {"function": "exp", "scale": 1, "r_cut": 3, "threshold": 1e-3}}"#,
                "scale, r_cut"
            ),
            (
                #"{\#(base), "geometry": {"function": "distance"}, "weighting": {"function": "exp", "scale": 1e-9, "threshold": 1e-3}}"#,
                "weighting"
            ),
            (
                #"{\#(base), "geometry": {"function": "distance"}, "weighting": {"function": "inverse_square", "r_cut": 3, "threshold": 1}}"#,
                "weighting"
            ),
            (#"{\#(base), "geometry": {"function": "distance"}, "periodic": true}"#, "function"),
            (#"{\#(base), "geometry": {"function": "distance"}, "normalization": "valle_oganov"}"#, "normalization"),
            (#"{\#(base), "geometry": {"function": "distance"}, "normalization": "max"}"#, "normalization"),
            (
                #"{"kind": "mbtr", "species": [1, 8], "geometry": {"function": "distance"}, "grid": {"min": 4, "max": 0, "n": 20, "sigma": 0.1}}"#,
                "min, max"
            ),
            (
                #"{"kind": "mbtr", "species": [1, 8], "geometry": {"function": "distance"}, "grid": {"min": 0, "max": 4, "n": 1, "sigma": 0.1}}"#,
                "n"
            ),
            (
                #"{"kind": "mbtr", "species": [1, 8], "geometry": {"function": "distance"}, "grid": {"min": 0, "max": 4, "n": 20, "sigma": 0}}"#,
                "sigma"
            ),
            (
                #"{"kind": "mbtr", "species": [1, 8], "geometry": {"function": "distance"}, "grid": {"min": 0, "max": 4, "n": 20}}"#,
                "sigma"
            ),
            (
                #"{"kind": "mbtr", "species": [1, 200], "geometry": {"function": "distance"}, "grid": {"min": 0, "max": 4, "n": 20, "sigma": 0.1}}"#,
                "species"
            ),
            (
                #"{"kind": "mbtr", "species": [1, 6, 7, 8, 9], "geometry": {"function": "cosine"}, "grid": {"min": 0, "max": 4, "n": 100000, "sigma": 0.1}}"#,
                "number of features"
            ),
            (
                #"{"kind": "mbtr", "geometry": {"function": "distance"}, "grid": {"min": 0, "max": 4, "n": 20, "sigma": 0.1}}"#,
                "species"
            ),
            (#"{\#(base), "geometry": {"function": "distance"}, "k2": {}}"#, "mbtr settings")
        ]
        for (json, key) in cases {
            #expect {
                _ = try DescriptorSettings.descriptor(json: json)
            } throws: { error in
                guard case let .invalidSetting(name, _, _)? = error as? DescriptorError else { return false }
                return name.hasSuffix(key)
            }
        }
    }

    @Test func badInputsThrow() throws {
        let mbtr = try MBTR(
            geometry: .distance, grid: MBTR.Grid(min: 0, max: 4, n: 20, sigma: 0.1), species: [1, 6])
        #expect(throws: DescriptorError.unknownSpecies(structure: 0, atom: 3, atomicNumber: 8, known: [1, 6])) {
            try mbtr.create([Self.molecule])
        }
        #expect(throws: DescriptorError.self) { try mbtr.create([Self.molecule], centers: [[0]]) }
        let overlapping = Structure(atomicNumbers: [1, 6, 1], positions: [.zero, SIMD3(1, 0, 0), .zero])
        #expect(throws: DescriptorError.overlappingAtoms(structure: 0, first: 0, second: 2)) {
            try mbtr.create([overlapping])
        }
        var nan = overlapping
        nan.positions[2] = SIMD3(.nan, 0, 0)
        #expect(throws: DescriptorError.self) { try mbtr.derivatives([nan]) }
        #expect(throws: DescriptorError.self) { try mbtr.location(of: [1, 8]) }
        #expect(throws: DescriptorError.self) { try mbtr.location(of: [1]) }
    }
}
