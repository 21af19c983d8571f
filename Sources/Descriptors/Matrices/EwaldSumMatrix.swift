import Atoms
import Foundation

/// The Ewald sum matrix of a periodic cell as DScribe defines it (Faber et al., Int. J. Quantum Chem. 115,
/// 1094 (2015)): M_ij is the Coulomb energy between the point charges Z_i and Z_j and all their periodic
/// images in a neutralizing background, by Ewald summation — real-space, reciprocal-space, self and
/// charged-cell terms — with the diagonal halved so that the total energy is the sum of the upper triangle
/// (diagonal included). Zero-padded to `nAtomsMax` and flattened, with DScribe's permutation options;
/// derivatives are analytic with the permutation held fixed.
///
/// DScribe's `create` arguments are settings here, with its rules per structure (n atoms, volume V):
/// the Gaussian width a = √π (n·w/V²)^(1/6) unless given; without cutoffs, r_cut = f/a and g_cut = 2af with
/// f = √(−ln accuracy). As DScribe, the cell is taken as periodic along all three axes whatever the structure's
/// `pbc` says.
public struct EwaldSumMatrix: InteractionMatrix {
    /// Explicit real- and reciprocal-space cutoffs.
    public struct Cutoffs: Sendable, Equatable {
        /// Real-space cutoff in Å (DScribe's `r_cut`): image pairs at distance ≤ real are summed.
        public let real: Double
        /// Reciprocal-space cutoff in Å⁻¹ (DScribe's `g_cut`): reciprocal vectors with |G| ≤ reciprocal are summed.
        public let reciprocal: Double

        /// Both cutoffs.
        public init(real: Double, reciprocal: Double) {
            self.real = real
            self.reciprocal = reciprocal
        }
    }

    /// The size the matrix is padded to.
    public let nAtomsMax: Int
    /// The ordering.
    public let permutation: MatrixPermutation
    /// The accuracy A that sets the cutoffs when `cutoffs` is nil (DScribe's `accuracy`).
    public let accuracy: Double
    /// The relative cost w of a real-space to a reciprocal-space term, which sets the default width a
    /// (DScribe's `w`).
    public let weight: Double
    /// Explicit cutoffs, or nil for DScribe's rule from `accuracy`.
    public let cutoffs: Cutoffs?
    /// The width a of the screening Gaussians in Å⁻¹ (DScribe's `a`), or nil for DScribe's rule from `weight`.
    public let screening: Double?

    /// An Ewald-sum-matrix descriptor; the defaults are DScribe's.
    /// - Throws: `DescriptorError.invalidSetting` for nAtomsMax outside 1…`DescriptorLimits.coulombAtoms`, a
    ///   negative noise width, an accuracy outside (0, 1), or a weight, cutoff or width that is not positive
    ///   and finite.
    public init(
        nAtomsMax: Int, permutation: MatrixPermutation = .sortedL2, accuracy: Double = 1e-5, weight: Double = 1,
        cutoffs: Cutoffs? = nil, screening: Double? = nil
    ) throws(DescriptorError) {
        try Self.checkShared(nAtomsMax: nAtomsMax, permutation: permutation)
        guard accuracy > 0, accuracy < 1 else {
            throw .invalidSetting(name: "accuracy", value: "\(accuracy)", hint: "must be between 0 and 1 (exclusive)")
        }
        let positive: [(String, Double?)] = [
            ("w", weight), ("r_cut", cutoffs?.real), ("g_cut", cutoffs?.reciprocal), ("a", screening)
        ]
        for case let (name, value?) in positive where !(value > 0 && value.isFinite) {
            throw .invalidSetting(name: name, value: "\(value)", hint: "must be a positive finite number")
        }
        self.nAtomsMax = nAtomsMax
        self.permutation = permutation
        self.accuracy = accuracy
        self.weight = weight
        self.cutoffs = cutoffs
        self.screening = screening
    }

    /// The unordered Ewald sum matrix of `s`.
    /// - Throws: `DescriptorError.geometry` for a singular cell or non-finite positions, `.overlappingAtoms`
    ///   for two atoms a lattice vector apart, `.invalidSetting` when the cutoffs would need more terms than
    ///   `DescriptorLimits` allows.
    public func pairMatrix(of s: Structure, index: Int, gradients: Bool) throws(DescriptorError) -> PairMatrix {
        let inverse = try Self.periodicCellInverse(of: s, index: index)
        var periodic = s
        periodic.pbc = .all
        var m = PairMatrix(count: s.count, gradients: gradients)
        guard s.count > 0 else { return m }
        let sum = EwaldSum(
            structure: periodic, index: index, reciprocalLattice: 2 * Double.pi * inverse.transposed,
            parameters: parameters(atoms: s.count, volume: s.cell.volume))
        try sum.addRealSpace(to: &m)
        try sum.addReciprocalSpace(to: &m)
        sum.addConstant(to: &m)
        return m
    }

    /// DScribe's rules for the width and the cutoffs of a structure of `atoms` atoms in `volume` Å³.
    func parameters(atoms: Int, volume: Double) -> EwaldSum.Parameters {
        let a = screening ?? pow(Double(atoms) * weight / (volume * volume), 1.0 / 6.0) * Double.pi.squareRoot()
        if let cutoffs { return .init(a: a, realCutoff: cutoffs.real, reciprocalCutoff: cutoffs.reciprocal) }
        let f = (-log(accuracy)).squareRoot()
        return .init(a: a, realCutoff: f / a, reciprocalCutoff: 2 * a * f)
    }
}
