import Atoms
import Foundation

/// The Coulomb matrix of a molecule as DScribe defines it: M_ii = ½ Z_i^2.4, M_ij = Z_i Z_j / |r_i − r_j|,
/// zero-padded to `nAtomsMax` and flattened, with DScribe's permutation options. Periodicity is ignored
/// (the Coulomb matrix describes finite systems). Derivatives are analytic with the permutation held fixed.
public struct CoulombMatrix: InteractionMatrix {
    /// The size the matrix is padded to.
    public let nAtomsMax: Int
    /// The ordering.
    public let permutation: MatrixPermutation

    /// A Coulomb-matrix descriptor.
    /// - Throws: `DescriptorError.invalidSetting` for nAtomsMax outside 1…`DescriptorLimits.coulombAtoms`
    ///   or a negative noise width.
    public init(nAtomsMax: Int, permutation: MatrixPermutation = .sortedL2) throws(DescriptorError) {
        try Self.checkShared(nAtomsMax: nAtomsMax, permutation: permutation)
        self.nAtomsMax = nAtomsMax
        self.permutation = permutation
    }

    /// The unordered Coulomb matrix of `s`.
    /// - Throws: `DescriptorError` for unusable geometry or overlapping atoms.
    public func pairMatrix(of s: Structure, index: Int, gradients: Bool) throws(DescriptorError) -> PairMatrix {
        do { try s.validate() } catch { throw .geometry(structure: index, error) }
        let n = s.count
        let z = s.atomicNumbers.map(Double.init)
        var m = PairMatrix(count: n, gradients: gradients)
        for i in 0..<n {
            m.values[i * n + i] = 0.5 * pow(z[i], 2.4)
            for j in 0..<i {
                let r = s.positions[i] - s.positions[j]
                let d = norm(r)
                guard d > 0 else { throw .overlappingAtoms(structure: index, first: j, second: i) }
                m.addPair(i, j, value: z[i] * z[j] / d, gradient: -z[i] * z[j] / (d * d * d) * r)
            }
        }
        return m
    }
}
