/// Which predictive variance of total energies and forces a potential reports.
public enum UncertaintyModel: String, Sendable, CaseIterable, Codable {
    /// The variance the posterior of the sparse points' weights gives the prediction, ‖R⁻ᵀ k_Q‖² (the subset-of-
    /// regressors variance): it shrinks where the training data constrain the model and grows away from them,
    /// which is what error bars and data selection need.
    case projected
    /// The sparse GP's whole predictive variance, k(Q, Q) − ‖L⁻¹ k_Q‖² + ‖R⁻ᵀ k_Q‖², as GAP's local-energy
    /// variance: it adds the part of the prior that the sparse points cannot represent, which for forces (second
    /// derivatives of the kernel) stays large even at the training configurations.
    case full
}
