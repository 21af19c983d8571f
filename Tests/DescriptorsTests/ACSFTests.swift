import Atoms
import Foundation
import TestSupport
import Testing

@testable import Descriptors

/// Dense ∂q[row][atom][axis][feature] of one structure's rows from sparse blocks.
private func dense(_ d: SparseDerivatives, rows: Int, atoms: Int) -> [[[[Double]]]] {
    let D = d.featureCount
    var out = [[[[Double]]]](
        repeating: [[[Double]]](repeating: [[Double]](repeating: [Double](repeating: 0, count: D), count: 3), count: atoms),
        count: rows)
    for k in 0..<d.count {
        let block = d.block(k)
        for axis in 0..<3 {
            for f in 0..<D { out[d.row[k]][d.atom[k]][axis][f] += block[block.startIndex + axis * D + f] }
        }
    }
    return out
}

private func largest(_ values: some Sequence<Double>) -> Double { values.map(abs).max() ?? 0 }

/// The largest |ours − DScribe's| relative to DScribe's largest entry; where DScribe has NaN, ours must be finite.
private func worstRelative(_ ours: some Sequence<Double>, _ dscribe: some Sequence<Double?>) -> Double {
    let scale = largest(dscribe.compactMap { $0 })
    var worst = 0.0
    for (a, b) in zip(ours, dscribe) {
        guard let b else {
            if !a.isFinite { return .infinity }
            continue
        }
        worst = max(worst, abs(a - b) / scale)
    }
    return worst
}

@Suite("ACSF")
struct ACSFTests {
    struct Settings: Decodable {
        let r_cut: Double
        let species: [Int]
        let g2_params: [[Double]]
        let g3_params: [Double]
        let g4_params: [[Double]]
        let g5_params: [[Double]]
        let periodic: Bool
    }

    struct Case: Decodable {
        let name: String
        let structure: StructureFixture
        let settings: Settings
        let centers: [Int]?
        let n_features: Int
        /// nil: DScribe's NaN (a fractional ζ at collinear neighbors, where 1 + λ cos θ rounds below zero).
        let descriptors: [[Double?]]
        let derivative_centers: [Int]?
        let derivatives: [[[[Double?]]]]?
    }

    struct File: Decodable { let cases: [Case] }

    static let file: File = try! Fixtures.load(File.self, "dscribe_acsf.json")

    static func acsf(_ s: Settings) throws -> ACSF {
        func angular(_ rows: [[Double]]) -> [ACSF.Angular] { rows.map { .init(eta: $0[0], zeta: $0[1], lambda: $0[2]) } }
        return try ACSF(
            cutoff: s.r_cut, species: s.species, g2: s.g2_params.map { .init(eta: $0[0], shift: $0[1]) }, g3: s.g3_params,
            g4: angular(s.g4_params), g5: angular(s.g5_params), periodic: s.periodic)
    }

    static let allTypes = try! ACSF(
        cutoff: 5, species: [1, 6, 8], g2: [.init(eta: 1, shift: 1), .init(eta: 0.5, shift: 2.5)], g3: [1, 2.5],
        g4: [.init(eta: 0.005, zeta: 1, lambda: 1), .init(eta: 0.02, zeta: 2.5, lambda: -1), .init(eta: 0, zeta: 4, lambda: 1)],
        g5: [.init(eta: 0.01, zeta: 2, lambda: -1), .init(eta: 0.02, zeta: 1.5, lambda: 1)])

    static var ethanol: Structure {
        Structure(
            atomicNumbers: [6, 6, 8, 1, 1, 1, 1, 1, 1],
            positions: [
                SIMD3(1.168, -0.400, 0.02), SIMD3(0.0, 0.35, -0.03), SIMD3(-1.19, -0.45, 0.01), SIMD3(-1.96, 0.09, 0.05),
                SIMD3(0.02, 1.0, 0.88), SIMD3(0.05, 0.97, -0.91), SIMD3(2.11, 0.15, 0.01), SIMD3(1.15, -1.04, 0.9),
                SIMD3(1.13, -1.05, -0.86)
            ])
    }

    /// A sheared two-atom CO cell smaller than the cutoff in every direction.
    static var smallCell: Structure {
        Structure(
            atomicNumbers: [6, 8], positions: [SIMD3(0.1, 0.05, -0.1), SIMD3(1.45, 1.3, 1.5)],
            cell: Cell(SIMD3(0, 2.8, 2.8), SIMD3(2.8, 0, 2.8), SIMD3(3.7, 2.9, 0.1)), pbc: .all)
    }

    @Test(arguments: file.cases.map(\.name))
    func valuesMatchDScribe(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let acsf = try Self.acsf(c.settings)
        #expect(acsf.numberOfFeatures == c.n_features)
        let rows = try acsf.create([c.structure.structure], centers: c.centers.map { [$0] })
        #expect(rows.count == c.descriptors.count)
        #expect(rows.values.count == c.descriptors.joined().count)
        let worst = worstRelative(rows.values, c.descriptors.joined())
        #expect(worst <= 1e-10, "\(name): \(worst)")
    }

    /// DScribe's ACSF derivatives are central differences with h = 1e-4 Å.
    @Test(arguments: file.cases.filter { $0.derivatives != nil }.map(\.name))
    func derivativesMatchDScribe(name: String) throws {
        let c = try #require(Self.file.cases.first { $0.name == name })
        let expected = try #require(c.derivatives), centers = try #require(c.derivative_centers)
        let s = c.structure.structure
        let (_, d) = try Self.acsf(c.settings).derivatives([s], centers: [centers])
        let ours = dense(d, rows: centers.count, atoms: s.count)
        let worst = worstRelative(ours.joined().joined().joined(), expected.joined().joined().joined())
        #expect(worst <= 1e-7, "\(name): \(worst)")
    }

    static let finiteDifferenceCases: [(String, Structure)] = [
        ("molecule", ethanol),
        ("periodic cell smaller than r_cut", smallCell),
        (
            "periodic one-atom cell",
            Structure(atomicNumbers: [6], positions: [.zero], cell: .orthorhombic(SIMD3(2.1, 2.4, 2.7)), pbc: .all)
        )
    ]

    @Test(arguments: finiteDifferenceCases.map(\.0))
    func derivativesMatchFiniteDifferences(name: String) throws {
        let s = try #require(Self.finiteDifferenceCases.first { $0.0 == name }).1
        let acsf = try ACSF(
            cutoff: 5, species: [1, 6, 8], g2: Self.allTypes.g2, g3: Self.allTypes.g3, g4: Self.allTypes.g4,
            g5: Self.allTypes.g5, periodic: true)
        let (q, d) = try acsf.derivatives([s])
        let analytic = dense(d, rows: q.count, atoms: s.count)
        let (worst, scale) = try positionFiniteDifferences(
            s, features: acsf.numberOfFeatures, create: { try acsf.create([$0]) },
            analytic: { analytic[$0][$1][$2][$3] })
        #expect(worst <= 1e-7 * max(scale, 1), "\(name): \(worst) of \(scale)")
        // Blocks: the center and each atom within r_c once, the center first.
        let atoms = zip(d.row, d.atom).map { [$0, $1] }
        #expect(Set(atoms).count == d.count)
        for row in 0..<q.count { #expect(d.atom[d.row.firstIndex(of: row)!] == q.center[row]) }
    }

    /// Values alone take their own path when every ζ is whole (`ACSFAngular.addValues`, which sums the functions
    /// sharing a weight in groups of up to four), else the rows that derivatives also use; both must give the rows
    /// `derivatives` returns. The third setting has groups of one to four and a weight shared by more than four
    /// functions.
    @Test(arguments: finiteDifferenceCases.map(\.0))
    func valuesAloneEqualTheRowsOfDerivatives(name: String) throws {
        let s = try #require(Self.finiteDifferenceCases.first { $0.0 == name }).1
        let whole = try ACSF(
            cutoff: 5, species: [1, 6, 8], g2: Self.allTypes.g2, g3: Self.allTypes.g3,
            g4: [
                .init(eta: 0.005, zeta: 1, lambda: 1), .init(eta: 0.005, zeta: 2, lambda: -1),
                .init(eta: 0.02, zeta: 4, lambda: 1), .init(eta: 0, zeta: 64, lambda: -1)
            ],
            g5: [.init(eta: 0.01, zeta: 2, lambda: -1), .init(eta: 0.005, zeta: 1, lambda: 1)], periodic: true)
        let crowded = try ACSF(
            cutoff: 5, species: [1, 6, 8], g2: [], g3: [],
            g4: [
                .init(eta: 0.005, zeta: 1, lambda: 1), .init(eta: 0.005, zeta: 2, lambda: -1),
                .init(eta: 0.005, zeta: 3, lambda: 1), .init(eta: 0.005, zeta: 64, lambda: -1),
                .init(eta: 0.005, zeta: 2, lambda: 1), .init(eta: 0.005, zeta: 1, lambda: -1),
                .init(eta: 0.02, zeta: 3, lambda: -1)
            ],
            g5: [
                .init(eta: 0.01, zeta: 1, lambda: 1), .init(eta: 0.01, zeta: 2, lambda: -1),
                .init(eta: 0.01, zeta: 3, lambda: 1), .init(eta: 0.01, zeta: 4, lambda: -1),
                .init(eta: 0.01, zeta: 5, lambda: 1), .init(eta: 0.005, zeta: 2, lambda: 1)
            ], periodic: true)
        for acsf in [
            whole, crowded,
            try ACSF(
                cutoff: 5, species: [1, 6, 8], g2: Self.allTypes.g2, g3: Self.allTypes.g3, g4: Self.allTypes.g4,
                g5: Self.allTypes.g5, periodic: true)
        ] {
            let values = try acsf.create([s]).values, rows = try acsf.derivatives([s]).descriptors.values
            #expect(values.count == rows.count)
            let scale = values.map(abs).max() ?? 0
            #expect(scale > 0)
            let worst = zip(values, rows).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-13 * scale, "\(name): \(worst) of \(scale)")
        }
    }

    @Test func polynomialCosineAndExponentialAreAccurate() {
        var worstCosine = 0.0, worstExponential = 0.0
        for k in 0...100_000 {
            let x = Double.pi * Double(k) / 100_000
            worstCosine = max(worstCosine, abs(PolynomialElementary.cosine(x) - cos(x)))
            let y = -750 * Double(k) / 100_000
            let e = exp(y)
            worstExponential = max(
                worstExponential, e == 0 ? PolynomialElementary.exponential(y) : abs(PolynomialElementary.exponential(y) / e - 1))
        }
        #expect(worstCosine <= 4e-16)
        #expect(worstExponential <= 5e-16)
        #expect(PolynomialElementary.exponential(0) == 1)
        // The square-root-free forms over [0, π²], and the branch-free exponential down to its limit.
        var worstRoot = 0.0, worstAboveLimit = 0.0
        for k in 0...100_000 {
            let x = Double.pi * Double(k) / 100_000
            worstRoot = max(worstRoot, abs(PolynomialElementary.cosineOfRoot(x * x) - cos(x)))
            worstRoot = max(worstRoot, abs(PolynomialElementary.sincOfRoot(x * x) - (x == 0 ? 1 : sin(x) / x)))
            let y = -708 * Double(k) / 100_000
            worstAboveLimit = max(worstAboveLimit, abs(PolynomialElementary.exponentialAboveLimit(y) / exp(y) - 1))
        }
        #expect(worstRoot <= 2e-15)
        #expect(worstAboveLimit <= 5e-16)
        // The exponential without range reduction over its whole range, and the cosine of any angle (reduced by
        // multiples of 2π; libm's past 10⁶).
        var worstNearZero = 0.0, worstAnyAngle = 0.0
        for k in -100_000...100_000 {
            let x = PolynomialElementary.nearZeroRange * Double(k) / 100_000
            worstNearZero = max(worstNearZero, abs(PolynomialElementary.exponentialNearZero(x) / exp(x) - 1))
            let angle = 1000 * Double(k) / 100_000 + 0.1 * Double(k % 7)
            worstAnyAngle = max(worstAnyAngle, abs(PolynomialElementary.cosine(anyAngle: angle) - cos(angle)))
        }
        #expect(worstNearZero <= 3e-16)
        #expect(PolynomialElementary.exponentialNearZero(0) == 1)
        #expect(worstAnyAngle <= 6e-16)
        #expect(abs(PolynomialElementary.cosine(anyAngle: 999_999.5) - cos(999_999.5)) <= 1e-15)
        for angle in [1e6 + 1, -3e7, 1e300] { #expect(PolynomialElementary.cosine(anyAngle: angle) == cos(angle)) }
    }

    @Test func translationRotationAndWrapping() throws {
        let molecule = Self.ethanol
        let reference = try Self.allTypes.create([molecule])
        let angle = 0.7, axis = SIMD3(1.0, -2.0, 0.5) / (1.0 + 4.0 + 0.25).squareRoot()
        func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
            // Rodrigues' formula.
            let c = cos(angle), s = sin(angle)
            let cross = SIMD3(axis.y * v.z - axis.z * v.y, axis.z * v.x - axis.x * v.z, axis.x * v.y - axis.y * v.x)
            return c * v + s * cross + (1 - c) * (axis * v).sum() * axis
        }
        var moved = molecule
        moved.positions = molecule.positions.map { rotate($0) + SIMD3(3.5, -7.25, 40) }
        let other = try Self.allTypes.create([moved])
        #expect(largest(zip(reference.values, other.values).map { $0 - $1 }) < 1e-12 * largest(reference.values))

        let periodic = try ACSF(cutoff: 5, species: [6, 8], g2: Self.allTypes.g2, g4: Self.allTypes.g4, periodic: true)
        let cell = Self.smallCell
        var shifted = cell
        shifted.positions = cell.positions.enumerated().map { i, p in p + cell.cell.cartesian(SIMD3(Double(i) - 1, 2, -1)) + 0.3 }
        let a = try periodic.create([cell]), b = try periodic.create([shifted])
        #expect(largest(zip(a.values, b.values).map { $0 - $1 }) < 1e-12 * largest(a.values))
        let big = try periodic.create([cell.repeated(SIMD3(2, 1, 3))])
        for row in 0..<big.count {
            #expect(largest(zip(big.row(row), a.row(row % cell.count)).map { $0 - $1 }) < 1e-12 * largest(a.values))
        }
    }

    @Test func permutingAtomsPermutesRows() throws {
        let s = Self.ethanol
        let order = [4, 2, 7, 0, 8, 1, 6, 3, 5]
        let reference = try Self.allTypes.create([s]), permuted = try Self.allTypes.create([s.selecting(order)])
        for (row, atom) in order.enumerated() {
            #expect(largest(zip(reference.row(atom), permuted.row(row)).map { $0 - $1 }) < 1e-12 * largest(reference.values))
        }
    }

    @Test func centersThreadsAndBatchesAgree() throws {
        let structures = [Self.ethanol, Self.smallCell, Self.ethanol.selecting([1, 0, 2, 3, 4, 5, 6, 7, 8])]
        let all = try Self.allTypes.derivatives(structures, threads: 1)
        let threaded = try Self.allTypes.derivatives(structures, threads: 3)
        #expect(all.descriptors == threaded.descriptors)
        #expect(all.derivatives == threaded.derivatives)
        let some = try Self.allTypes.create([Self.ethanol], centers: [[7, 2, 2]])
        let single = try Self.allTypes.create([Self.ethanol])
        #expect(some.center == [7, 2, 2])
        for (row, atom) in [7, 2, 2].enumerated() { #expect(some.row(row) == single.row(atom)) }
        #expect(try Self.allTypes.create([Self.ethanol], centers: [[]]).count == 0)
    }

    @Test func aPeriodicCellIsAClusterUnlessPeriodic() throws {
        let cluster = try ACSF(cutoff: 5, species: [6, 8], g2: Self.allTypes.g2, g4: Self.allTypes.g4)
        var open = Self.smallCell
        open.pbc = .none
        open.cell = .empty
        #expect(try cluster.create([Self.smallCell]) == cluster.create([open]))
    }

    @Test func settingsReaderTakesDScribeNames() throws {
        let json = """
            {"kind": "acsf", "r_cut": 5, "species": [8, 1, 6, 1], "g2_params": [[1, 1], [0.5, 2.5]], "g3_params": [1, 2.5],
             "g4_params": [[0.005, 1, 1], [0.02, 2.5, -1], [0, 4, 1]], "g5_params": [[0.01, 2, -1], [0.02, 1.5, 1]],
             "periodic": false}
            """
        let read = try #require(try DescriptorSettings.descriptor(json: json) as? ACSF)
        #expect(read.species == [1, 6, 8])
        #expect(read.numberOfFeatures == Self.allTypes.numberOfFeatures)
        #expect(try read.create([Self.ethanol]) == Self.allTypes.create([Self.ethanol]))
        let minimal = try #require(
            try DescriptorSettings.descriptor(json: #"{"kind": "acsf", "r_cut": 3, "species": [1]}"#) as? ACSF)
        #expect(minimal.numberOfFeatures == 1)
    }

    @Test(arguments: [
        (#"{"kind": "acsf", "species": [1]}"#, "r_cut"),
        (#"{"kind": "acsf", "r_cut": 5}"#, "species"),
        (#"{"kind": "acsf", "r_cut": 0, "species": [1]}"#, "r_cut"),
        (#"{"kind": "acsf", "r_cut": 51, "species": [1]}"#, "r_cut"),
        (#"{"kind": "acsf", "r_cut": 5, "species": []}"#, "species"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [0]}"#, "species"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [200]}"#, "species"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "g2_params": [[1, 2, 3]]}"#, "g2_params"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "g2_params": [[-1, 2]]}"#, "g2_params[0]"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "g3_params": [[1]]}"#, "g3_params"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "g4_params": [[1, 0.5, 1]]}"#, "g4_params[0]"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "g5_params": [[1, 1, 1], [1, 2, 3]]}"#, "g5_params[1]"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "g5_params": [[-1, 1, 1]]}"#, "g5_params[0]"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "n_max": 3}"#, "acsf settings"),
        (#"{"kind": "acsf", "r_cut": 5, "species": [1], "periodic": 1}"#, "periodic")
    ])
    func badSettingsNameTheSetting(json: String, setting: String) {
        #expect {
            try DescriptorSettings.descriptor(json: json)
        } throws: { error in
            guard case let .invalidSetting(name, _, _) = error as? DescriptorError else { return false }
            return name == setting || name.hasSuffix(": \(setting)")
        }
    }

    @Test func absurdSizesAreRefusedBeforeAllocating() {
        let many = [ACSF.Angular](repeating: .init(eta: 1, zeta: 1, lambda: 1), count: 1000)
        #expect(throws: DescriptorError.self) { try ACSF(cutoff: 5, species: Array(1...100), g4: many) }
    }

    @Test func badStructuresThrow() throws {
        let acsf = try ACSF(cutoff: 4, species: [1, 8], g4: [.init(eta: 0.01, zeta: 1, lambda: 1)])
        let water = Structure(atomicNumbers: [8, 1, 1], positions: [.zero, SIMD3(0.96, 0, 0), SIMD3(-0.24, 0.93, 0)])
        var carbon = water
        carbon.atomicNumbers[0] = 6
        #expect(throws: DescriptorError.unknownSpecies(structure: 0, atom: 0, atomicNumber: 6, known: [1, 8])) {
            try acsf.create([carbon])
        }
        #expect(throws: DescriptorError.invalidCenter(structure: 0, center: 3, atoms: 3)) {
            try acsf.create([water], centers: [[0, 3]])
        }
        #expect(throws: DescriptorError.self) { try acsf.create([water], centers: [[0], [1]]) }
        var overlap = water
        overlap.positions[2] = overlap.positions[1]
        #expect(throws: DescriptorError.overlappingAtoms(structure: 0, first: 1, second: 2)) { try acsf.create([overlap]) }
        var flat = water
        flat.pbc = .all
        flat.cell = Cell(SIMD3(3, 0, 0), SIMD3(0, 3, 0), SIMD3(3, 3, 0))
        let periodic = try ACSF(cutoff: 4, species: [1, 8], periodic: true)
        #expect(throws: DescriptorError.self) { try periodic.create([flat]) }
    }
}
