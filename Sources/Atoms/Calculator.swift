/// Energy, forces and virial of one structure, as a `Calculator` returns them.
public struct Calculation: Equatable, Sendable {
    /// Total energy in eV.
    public var energy: Double
    /// Force on each atom in eV/Å (−∂E/∂r).
    public var forces: [SIMD3<Double>]
    /// Virial W = −Σ_pairs r_ij ⊗ ∂E/∂r_ij in eV (= −V·stress for a periodic cell).
    public var virial: Matrix3
    /// Energy of each atom in eV, when the model defines one (they sum to `energy`).
    public var atomEnergies: [Double]?

    /// A calculation result.
    public init(energy: Double, forces: [SIMD3<Double>], virial: Matrix3, atomEnergies: [Double]? = nil) {
        self.energy = energy
        self.forces = forces
        self.virial = virial
        self.atomEnergies = atomEnergies
    }

    /// The stress σ = −W/V in eV/Å³ with ASE's sign (positive under tension), for a cell of volume `volume`.
    public func stress(volume: Double) -> Matrix3 { (-1 / volume) * virial }
}

/// Anything that gives the energy, forces and virial of a structure: a fitted GAP, a classical
/// reference potential, or a test double. `Dynamics` drives any of them.
public protocol Calculator: Sendable {
    /// Computes energy, forces and virial of `structure`.
    /// - Throws: a typed error of the calculator (unknown species, bad geometry, …).
    func calculate(_ structure: Structure) throws -> Calculation

    /// Computes each of `structures`, as `calculate(_:)` does, perhaps together (a GAP gives the local energies of
    /// many small structures' atoms in one matrix product); by default one after another.
    /// - Throws: as `calculate(_:)`, for the first structure that fails.
    func calculate(batch structures: [Structure]) throws -> [Calculation]
}

extension Calculator {
    public func calculate(batch structures: [Structure]) throws -> [Calculation] { try structures.map { try calculate($0) } }
}

/// Accumulates energy, forces and virial from gradients with respect to pair vectors.
///
/// Many-body terms written as functions of pair vectors D_ij = r_j − r_i add g = ∂E/∂D_ij with
/// `addPairGradient`; forces (F_i += g, F_j −= g) and the virial (W −= D ⊗ g) follow.
public struct PairGradientAccumulator: Sendable {
    /// Forces so far, eV/Å.
    public var forces: [SIMD3<Double>]
    /// Virial so far, eV.
    public var virial: Matrix3 = .zero

    /// An accumulator for `count` atoms.
    public init(count: Int) { forces = [SIMD3<Double>](repeating: .zero, count: count) }

    /// An accumulator holding these forces and virial.
    public init(forces: [SIMD3<Double>], virial: Matrix3) {
        self.forces = forces
        self.virial = virial
    }

    /// Adds the energy gradient `g` = ∂E/∂D with respect to the pair vector D = r_j − r_i.
    @inlinable
    public mutating func addPairGradient(_ g: SIMD3<Double>, vector d: SIMD3<Double>, center i: Int, neighbor j: Int) {
        forces[i] += g
        forces[j] -= g
        virial.r0 -= d.x * g
        virial.r1 -= d.y * g
        virial.r2 -= d.z * g
    }

    /// Adds the contents of another accumulator over the same atoms.
    public mutating func merge(_ other: PairGradientAccumulator) {
        for k in forces.indices { forces[k] += other.forces[k] }
        virial += other.virial
    }
}
