/// The errors of one group of configurations as they appear in `--metrics` JSON: RMSE and MAE of the
/// energy per atom (eV/atom), force components (eV/Å) and virial per atom (eV/atom); absent without data.
public struct ErrorMetrics: Codable, Sendable, Equatable {
    /// Energy RMSE per atom, eV/atom.
    public var energyRMSEPerAtom: Double?
    /// Energy MAE per atom, eV/atom.
    public var energyMAEPerAtom: Double?
    /// Force-component RMSE, eV/Å.
    public var forcesRMSE: Double?
    /// Force-component MAE, eV/Å.
    public var forcesMAE: Double?
    /// Virial RMSE per atom, eV/atom.
    public var virialRMSEPerAtom: Double?
    /// Virial MAE per atom, eV/atom.
    public var virialMAEPerAtom: Double?

    /// The JSON keys.
    public enum CodingKeys: String, CodingKey, CaseIterable {
        case energyRMSEPerAtom = "energy_rmse_per_atom", energyMAEPerAtom = "energy_mae_per_atom"
        case forcesRMSE = "forces_rmse", forcesMAE = "forces_mae"
        case virialRMSEPerAtom = "virial_rmse_per_atom", virialMAEPerAtom = "virial_mae_per_atom"
    }

    /// The metrics of a group.
    public init(_ g: ErrorStatistics.Group) {
        energyRMSEPerAtom = g.energyPerAtom.rmse
        energyMAEPerAtom = g.energyPerAtom.mae
        forcesRMSE = g.forces.rmse
        forcesMAE = g.forces.mae
        virialRMSEPerAtom = g.virialPerAtom.rmse
        virialMAEPerAtom = g.virialPerAtom.mae
    }

    /// The value under a JSON key.
    public subscript(key: CodingKeys) -> Double? {
        switch key {
        case .energyRMSEPerAtom: energyRMSEPerAtom
        case .energyMAEPerAtom: energyMAEPerAtom
        case .forcesRMSE: forcesRMSE
        case .forcesMAE: forcesMAE
        case .virialRMSEPerAtom: virialRMSEPerAtom
        case .virialMAEPerAtom: virialMAEPerAtom
        }
    }

    /// The present values by JSON key.
    public var dictionary: [String: Double] {
        Dictionary(uniqueKeysWithValues: CodingKeys.allCases.compactMap { key in self[key].map { (key.rawValue, $0) } })
    }
}
