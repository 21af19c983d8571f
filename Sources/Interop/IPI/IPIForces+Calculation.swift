import Atoms

extension IPIForces {
    /// The FORCEREADY payload of `calculation`, converted as ASE's client converts: energy / Hartree, forces ×
    /// (Bohr / Hartree), the virial transposed × (1 / Hartree). The extra string is JSON with the per-atom
    /// energies ("energies", eV) and, when given, the per-atom local-energy variances ("variances", eV²).
    /// - Throws: `IPIError.nonFiniteResult` naming `request` and the quantity when a number is NaN or infinite,
    ///   or a per-atom list has the wrong length.
    public init(_ calculation: Calculation, variances: [Double]?, request: Int) throws(IPIError) {
        let n = calculation.forces.count
        guard calculation.energy.isFinite else { throw .nonFiniteResult(request: request, what: "energy") }
        guard calculation.forces.allSatisfy(\.isFinite) else { throw .nonFiniteResult(request: request, what: "force") }
        guard calculation.virial.rowMajor.allSatisfy(\.isFinite) else {
            throw .nonFiniteResult(request: request, what: "virial")
        }
        for (name, values) in [("per-atom energy", calculation.atomEnergies), ("per-atom variance", variances)] {
            guard let values else { continue }
            guard values.count == n, values.allSatisfy(\.isFinite) else { throw .nonFiniteResult(request: request, what: name) }
        }
        let forceUnit = Units.bohr / Units.hartree
        self.init(
            energy: calculation.energy / Units.hartree, forces: calculation.forces.map { forceUnit * $0 },
            virial: (1 / Units.hartree) * calculation.virial.transposed,
            extra: IPIExtras.json(energies: calculation.atomEnergies, variances: variances))
    }

    /// The calculation this payload holds, in eV and Å, converted back as ASE's server does (energy × Hartree,
    /// forces × (Hartree / Bohr), the virial transposed × Hartree); per-atom energies from the extra string.
    public var calculation: Calculation {
        let forceUnit = Units.hartree / Units.bohr
        return Calculation(
            energy: energy * Units.hartree, forces: forces.map { forceUnit * $0 }, virial: Units.hartree * virial.transposed,
            atomEnergies: IPIExtras.values("energies", in: extra))
    }
}
