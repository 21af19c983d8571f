/// Which predictive variance of total energies and forces a potential reports.
public enum UncertaintyModel: String, Sendable, CaseIterable, Codable {
    /// The sparse GP's whole predictive variance, k(Q, Q) − ‖L⁻¹ k_Q‖² + ‖R⁻ᵀ k_Q‖², as GAP's local-energy
    /// variance (the default): it includes the part of the prior that the sparse points cannot represent, which
    /// for forces (second derivatives of the kernel) stays even at the training configurations. On held-out SW
    /// silicon (800 sparse points) its force deviations came out calibrated as they are (factor 1.04).
    case full
    /// Only the variance that the posterior of the sparse points' weights gives the prediction, ‖R⁻ᵀ k_Q‖²
    /// (the subset-of-regressors variance): it shrinks where the training data constrain the weights; it is
    /// smaller than `full` and needs a calibration factor to be read as an error bar.
    case projected
}
