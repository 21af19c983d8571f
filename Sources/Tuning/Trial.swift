import GAP

/// One fit of a search and how it did on the validation configurations.
public struct Trial: Codable, Sendable {
    /// 1, 2, … in the order they ran.
    public var number: Int
    /// "cheap" (a fraction of the sparse points) or "full".
    public var phase: String
    /// The setting tried and what it changed from the best so far ("start" for the first).
    public var settings: TrialSettings, change: String
    /// Sparse points of all terms.
    public var sparsePoints: Int
    /// Whether new kernel rows were computed (else kept ones were re-solved for other σ or δ).
    public var newRows: Bool
    /// Validation errors and the search's score of them (lower is better).
    public var errors: ValidationErrors, score: Double
    /// Wall time, seconds.
    public var seconds: Double
    /// Why the setting could not be fitted (its score is +∞), e.g. a 2-body term for an element pair that is
    /// never within the cutoff; nil when it was.
    public var failure: String?
}
