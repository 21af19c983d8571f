import Atoms

/// Regularisation σ of energies, forces and virials. Energy and virial σ are per atom and are multiplied
/// by √N for a configuration of N atoms, as gap_fit's `sigma_per_atom`.
public struct Sigmas: Codable, Equatable, Sendable {
    /// Energy σ in eV per atom.
    public var energy: Double
    /// Force σ in eV/Å.
    public var force: Double
    /// Virial σ in eV per atom.
    public var virial: Double

    /// σ values.
    public init(energy: Double, force: Double, virial: Double) {
        self.energy = energy
        self.force = force
        self.virial = virial
    }
}

/// One training configuration with its validated reference data and resolved σ.
struct Observation: Sendable {
    let index: Int
    let line: Int
    let structure: Structure
    /// Reference energy minus Σ e0, eV.
    var energy: Double?
    var forces: [SIMD3<Double>]?
    /// Symmetrised reference virial, eV.
    var virial: Matrix3?
    /// σ of the total energy, a force component and a virial component (absolute, per configuration).
    let sigmaEnergy: Double, sigmaForce: Double, sigmaVirial: Double
    let configType: String?
    /// The reference energy before e0 is subtracted (the core potential's already subtracted).
    var rawEnergy: Double?

    /// The same observation with the core potential's share `core` taken out of its targets.
    func subtracting(_ core: Calculation) -> Observation {
        var o = self
        o.rawEnergy = rawEnergy.map { $0 - core.energy }
        o.energy = o.rawEnergy
        o.forces = forces.map { zip($0, core.forces).map { $0 - $1 } }
        o.virial = virial.map { $0 - 0.5 * (core.virial + core.virial.transposed) }
        return o
    }

    /// Rows this configuration adds to the fit: 1 energy, 3N forces, 6 virial components.
    var rowCount: Int { (energy == nil ? 0 : 1) + (forces == nil ? 0 : 3 * structure.count) + (virial == nil ? 0 : 6) }
}

extension Observation {
    /// Reads reference data through `keys` and resolves σ: per-configuration `energy_sigma`, `force_sigma`,
    /// `virial_sigma` info values are absolute; otherwise the config type's (or the default) per-atom σ.
    /// - Throws: `GAPError.badReference` for unusable values.
    init(
        _ s: Structure, index: Int, line: Int, keys: ReferenceKeys, defaults: Sigmas,
        configTypeSigmas: [String: Sigmas], useVirials: Bool
    ) throws(GAPError) {
        func bad(_ error: ReferenceValueError) -> GAPError { .badReference(configuration: index, line: line, detail: "\(error)") }
        do {
            rawEnergy = try s.referenceEnergy(keys)
            forces = try s.referenceForces(keys)
            let w = useVirials ? try s.referenceVirial(keys) : nil
            virial = w.map { 0.5 * ($0 + $0.transposed) }
        } catch {
            throw bad(error)
        }
        self.index = index
        self.line = line
        structure = s
        energy = rawEnergy
        configType = s.configType(keys)
        let base = configType.flatMap { configTypeSigmas[$0] } ?? defaults
        let root = Double(max(s.count, 1)).squareRoot()
        func override(_ key: String) throws(GAPError) -> Double? {
            guard let value = s.info[key] else { return nil }
            guard let x = value.doubleValue, x > 0, x.isFinite else {
                throw .badReference(configuration: index, line: line, detail: "\(key) must be a positive number")
            }
            return x
        }
        sigmaEnergy = try override("energy_sigma") ?? base.energy * root
        sigmaForce = try override("force_sigma") ?? base.force
        sigmaVirial = try override("virial_sigma") ?? base.virial * root
    }
}
