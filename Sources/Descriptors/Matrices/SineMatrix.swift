import Atoms
import Foundation

/// The sine matrix of a periodic cell as DScribe defines it (Faber et al., Int. J. Quantum Chem. 115, 1094
/// (2015)): M_ii = ½ Z_i^2.4 and M_ij = Z_i Z_j / φ_ij with φ_ij = |Σ_k sin²(π f_k) a_k|, where f = (r_j − r_i)·B⁻¹
/// are the fractional coordinates of the pair vector and a_k the lattice vectors (the rows of B). Zero-padded
/// to `nAtomsMax` and flattened, with DScribe's permutation options; derivatives are analytic with the
/// permutation held fixed.
///
/// As DScribe, the cell is taken as periodic along all three axes whatever the structure's `pbc` says, so a
/// structure needs three linearly independent lattice vectors.
public struct SineMatrix: InteractionMatrix {
    /// The size the matrix is padded to.
    public let nAtomsMax: Int
    /// The ordering.
    public let permutation: MatrixPermutation

    /// A sine-matrix descriptor.
    /// - Throws: `DescriptorError.invalidSetting` for nAtomsMax outside 1…`DescriptorLimits.coulombAtoms`
    ///   or a negative noise width.
    public init(nAtomsMax: Int, permutation: MatrixPermutation = .sortedL2) throws(DescriptorError) {
        try Self.checkShared(nAtomsMax: nAtomsMax, permutation: permutation)
        self.nAtomsMax = nAtomsMax
        self.permutation = permutation
    }

    /// The unordered sine matrix of `s`.
    /// - Throws: `DescriptorError.geometry` for a singular cell or non-finite positions, `.overlappingAtoms`
    ///   for two atoms a lattice vector apart (φ = 0; DScribe gives huge entries).
    public func pairMatrix(of s: Structure, index: Int, gradients: Bool) throws(DescriptorError) -> PairMatrix {
        let cell = (vectors: s.cell.matrix, inverse: try Self.periodicCellInverse(of: s, index: index))
        let n = s.count
        let z = s.atomicNumbers.map(Double.init)
        var m = PairMatrix(count: n, gradients: gradients)
        for i in 0..<n {
            m.values[i * n + i] = 0.5 * pow(z[i], 2.4)
            for j in (i + 1)..<n {
                let f = cell.inverse.leftMultiply(s.positions[j] - s.positions[i])
                // Atoms a lattice vector apart (to 10⁻⁸ Å, DScribe's Ewald threshold) would give φ ≈ 0.
                guard norm(cell.vectors.leftMultiply(f - f.rounded(.toNearestOrAwayFromZero))) > 1e-8 else {
                    throw .overlappingAtoms(structure: index, first: i, second: j)
                }
                let sine = SIMD3(sin(Double.pi * f.x), sin(Double.pi * f.y), sin(Double.pi * f.z))
                let v = cell.vectors.leftMultiply(sine * sine)
                let phi = norm(v)
                let zz = z[i] * z[j]
                m.addPair(
                    i, j, value: zz / phi, gradient: gradients ? -zz / (phi * phi) * Self.phiGradient(f, v, phi, cell) : .zero)
            }
        }
        return m
    }

    /// ∂φ/∂r_i for the pair vector with fractional coordinates `f` and v = Σ_k sin²(πf_k) a_k, φ = |v|:
    /// ∂φ/∂f_k = (v·a_k / φ) · 2π sin(πf_k) cos(πf_k), and ∂f/∂r_i = −B⁻¹ by columns.
    private static func phiGradient(
        _ f: SIMD3<Double>, _ v: SIMD3<Double>, _ phi: Double, _ cell: (vectors: Matrix3, inverse: Matrix3)
    ) -> SIMD3<Double> {
        let angle = Double.pi * f
        let sineCosine = SIMD3(sin(angle.x) * cos(angle.x), sin(angle.y) * cos(angle.y), sin(angle.z) * cos(angle.z))
        let dPhiDf = (cell.vectors * v) * (2 * Double.pi / phi) * sineCosine
        return -(cell.inverse * dPhiDf)
    }
}
