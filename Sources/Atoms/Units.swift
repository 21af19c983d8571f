/// The units SwiftGAP uses everywhere — eV, Å, amu, fs, K — and the constants that connect them.
///
/// Values follow CODATA 2014, the set ASE uses by default, so quantities agree with ASE to the last bit.
public enum Units {
    /// Elementary charge in C (CODATA 2014).
    public static let elementaryCharge = 1.6021766208e-19
    /// Atomic mass unit in kg (CODATA 2014).
    public static let atomicMassUnit = 1.660539040e-27
    /// Boltzmann constant in J/K (CODATA 2014).
    public static let boltzmannSI = 1.38064852e-23
    /// Boltzmann constant in eV/K.
    public static let boltzmann = boltzmannSI / elementaryCharge
    /// One amu·Å²/fs² expressed in eV (≈ 103.6427 eV): converts m·v² with v in Å/fs to energy in eV.
    public static let amuAngstromSquaredPerFsSquaredInEV = atomicMassUnit * 1e-20 / 1e-30 / elementaryCharge
    /// Converts force/mass in eV/(Å·amu) to acceleration in Å/fs².
    public static let accelerationPerForceOverMass = 1 / amuAngstromSquaredPerFsSquaredInEV
    /// One eV/Å³ in GPa (≈ 160.2177).
    public static let eVPerCubicAngstromInGPa = elementaryCharge * 1e30 / 1e9
    /// The Bohr radius in Å: ASE's `ase.units.Bohr` (4·10¹⁰ π ε₀ ħ² / (mₑ e²) from CODATA 2014), bit for bit, so
    /// that atomic-unit exchanges (the i-PI protocol) convert exactly as ASE does.
    public static let bohr = 0.5291772105638411
    /// The Hartree energy in eV: ASE's `ase.units.Hartree` (mₑ e³ / (16 π² ε₀² ħ²) from CODATA 2014), bit for bit.
    public static let hartree = 27.211386024367243
}
