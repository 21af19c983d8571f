import Atoms
import Descriptors
import TestSupport

/// One case of dscribe_sine.json or dscribe_ewald.json (scripts/fixtures/make_matrix_fixtures.py).
struct MatrixFixtureCase: Decodable, Sendable {
    /// DScribe's `create` arguments of an Ewald case (nil: its default).
    struct EwaldSettings: Decodable, Sendable {
        let accuracy: Double?
        let w: Double?
        let r_cut: Double?
        let g_cut: Double?
        let a: Double?
    }

    /// The width and cutoffs DScribe used.
    struct EwaldParameters: Decodable, Sendable {
        let a: Double
        let r_cut: Double
        let g_cut: Double
    }

    let name: String
    let structure: StructureFixture
    let n_atoms_max: Int
    let permutation: String
    let descriptor: [Double]
    let reference_only: Bool
    /// DScribe's finite-difference derivatives [atoms][3][features], when made.
    let derivatives: [[[Double]]]?
    let settings: EwaldSettings?
    let parameters: EwaldParameters?

    struct File: Decodable { let cases: [MatrixFixtureCase] }

    /// The permutation (random: the fixture's sigma 0.1, seed 7).
    var matrixPermutation: MatrixPermutation { Self.permutation(permutation) }

    /// The permutation named as DScribe names it (random: the fixture's sigma 0.1, seed 7).
    static func permutation(_ name: String) -> MatrixPermutation {
        switch name {
        case "none": return .none
        case "sorted_l2": return .sortedL2
        case "eigenspectrum": return .eigenspectrum
        default: return .random(sigma: 0.1, seed: 7)
        }
    }

    /// The largest |ours − DScribe's| relative to DScribe's largest entry.
    func descriptorError(_ rows: DescriptorRows) -> Double {
        let scale = descriptor.map(abs).max() ?? 1
        return zip(rows.values, descriptor).map { abs($0 - $1) }.max().map { $0 / scale } ?? .infinity
    }

    /// The largest |ours − DScribe's| derivative relative to DScribe's largest derivative (nil without them).
    func derivativeError(_ d: SparseDerivatives) -> Double? {
        guard let derivatives else { return nil }
        let D = descriptor.count
        var worst = 0.0, scale = 0.0
        for (atom, axes) in derivatives.enumerated() {
            let block = d.block(atom)
            for (axis, values) in axes.enumerated() {
                for (f, x) in values.enumerated() {
                    worst = max(worst, abs(block[block.startIndex + axis * D + f] - x))
                    scale = max(scale, abs(x))
                }
            }
        }
        return worst / scale
    }
}

/// Analytic derivatives of a one-row descriptor against central differences; the worst error relative to
/// the largest difference.
func matrixFiniteDifferenceError(_ descriptor: some Descriptor, _ s: Structure, h: Double = 1e-5) throws -> Double {
    let (_, d) = try descriptor.derivatives([s], centers: nil, threads: 1)
    let D = descriptor.numberOfFeatures
    let (worst, scale) = try positionFiniteDifferences(
        s, h: h, features: D, create: { try descriptor.create([$0], centers: nil, threads: 1) },
        analytic: { _, atom, axis, f in d.block(atom)[d.block(atom).startIndex + axis * D + f] })
    return worst / max(scale, 1e-300)
}

/// A water molecule in a 5 Å cubic box with a mirror plane through its O (x = 2.5 Å): its two H's rows tie in the
/// sorted order of a periodic matrix descriptor.
let mirroredWaterInABox = Structure(
    atomicNumbers: [8, 1, 1], positions: [SIMD3(2.5, 2.5, 2.5), SIMD3(3.3, 3.1, 2.5), SIMD3(1.7, 3.1, 2.5)],
    cell: .orthorhombic(SIMD3(5, 5, 5)), pbc: .all)
