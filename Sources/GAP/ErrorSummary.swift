/// Overall errors of a potential on one data set, in eV and eV/Å (nil where the set has no such data).
public struct ErrorSummary: Codable, Equatable, Sendable {
    /// Energy RMSE per atom.
    public var energyRMSEPerAtom: Double?
    /// Energy MAE per atom.
    public var energyMAEPerAtom: Double?
    /// Force component RMSE.
    public var forcesRMSE: Double?
    /// Force component MAE.
    public var forcesMAE: Double?
    /// Virial component RMSE per atom.
    public var virialRMSEPerAtom: Double?
    /// Virial component MAE per atom.
    public var virialMAEPerAtom: Double?

    /// A summary from error metrics keyed as `ErrorStatistics.metrics` names them (`energy_rmse_per_atom`, …).
    public init(metrics: [String: Double]) {
        energyRMSEPerAtom = metrics[CodingKeys.energyRMSEPerAtom.rawValue]
        energyMAEPerAtom = metrics[CodingKeys.energyMAEPerAtom.rawValue]
        forcesRMSE = metrics[CodingKeys.forcesRMSE.rawValue]
        forcesMAE = metrics[CodingKeys.forcesMAE.rawValue]
        virialRMSEPerAtom = metrics[CodingKeys.virialRMSEPerAtom.rawValue]
        virialMAEPerAtom = metrics[CodingKeys.virialMAEPerAtom.rawValue]
    }

    enum CodingKeys: String, CodingKey {
        case energyRMSEPerAtom = "energy_rmse_per_atom", energyMAEPerAtom = "energy_mae_per_atom"
        case forcesRMSE = "forces_rmse", forcesMAE = "forces_mae"
        case virialRMSEPerAtom = "virial_rmse_per_atom", virialMAEPerAtom = "virial_mae_per_atom"
    }
}
