import Foundation

/// One round of an active-learning loop: the potential fitted on `labelled` configurations, its errors on the
/// test set and its predicted force deviations over the candidates it scored.
public struct LearningRound: Sendable, Equatable {
    /// 0 for the fit on the initial set, then 1, 2, … after each batch of labels.
    public var round: Int
    /// Configurations the potential was fitted on.
    public var labelled: Int
    /// Test RMSE of the energy per atom, eV/atom (nil without a test set or test energies).
    public var testEnergyRMSE: Double?
    /// Test RMSE of the force components, eV/Å (nil without a test set or test forces).
    public var testForceRMSE: Double?
    /// Candidates scored.
    public var candidates: Int
    /// Mean over the candidates of their mean predicted force-component σ, eV/Å (0 when none was left).
    public var meanSigma: Double
    /// Largest candidate score, eV/Å.
    public var maxSigma: Double
    /// Seconds since the loop started.
    public var seconds: Double
    /// What happened out of the ordinary (an MD run that stopped early).
    public var note: String?

    /// The columns of `csvLine`.
    public static let csvHeader =
        "round,labelled,test_energy_rmse_ev_per_atom,test_force_rmse_ev_per_a,candidates,mean_force_sigma,max_force_sigma,seconds"

    /// The round as a CSV line (empty fields for missing test errors).
    public var csvLine: String {
        let e = testEnergyRMSE.map { String(format: "%.6g", $0) } ?? ""
        let f = testForceRMSE.map { String(format: "%.6g", $0) } ?? ""
        return "\(round),\(labelled),\(e),\(f),\(candidates),"
            + String(format: "%.6g,%.6g,%.2f", meanSigma, maxSigma, seconds)
    }
}
