/// How predicted standard deviations compare with actual errors: the fractions of errors within 1σ and 2σ
/// (0.683 and 0.954 for calibrated Gaussian errors), the ratio of the RMS error to the RMS σ, and the
/// maximum-likelihood factor s = √(mean (error/σ)²) by which σ would have to be scaled.
public struct UncertaintyStatistics: Codable, Equatable, Sendable {
    /// Errors compared (those with a positive σ).
    public var count: Int
    /// Fraction of errors with |error| ≤ σ.
    public var withinOne: Double
    /// Fraction of errors with |error| ≤ 2σ.
    public var withinTwo: Double
    /// RMS error over RMS σ.
    public var rmsRatio: Double
    /// √(mean (error/σ)²), the calibration factor that makes the errors' z-scores of unit variance.
    public var scale: Double

    /// Statistics of `errors` (prediction − reference) against predicted standard deviations `sigmas`, over
    /// the pairs whose σ is positive and whose error is finite; nil when there is none.
    public init?(errors: [Double], sigmas: [Double]) {
        var n = 0, one = 0, two = 0
        var squaredErrors = 0.0, squaredSigmas = 0.0, squaredScores = 0.0
        for (e, s) in zip(errors, sigmas) where s > 0 && e.isFinite && s.isFinite {
            n += 1
            if abs(e) <= s { one += 1 }
            if abs(e) <= 2 * s { two += 1 }
            squaredErrors += e * e
            squaredSigmas += s * s
            squaredScores += (e / s) * (e / s)
        }
        guard n > 0 else { return nil }
        count = n
        withinOne = Double(one) / Double(n)
        withinTwo = Double(two) / Double(n)
        rmsRatio = (squaredErrors / squaredSigmas).squareRoot()
        scale = (squaredScores / Double(n)).squareRoot()
    }

    enum CodingKeys: String, CodingKey {
        case count, withinOne = "within_1_sigma", withinTwo = "within_2_sigma", rmsRatio = "rms_error_over_rms_sigma"
        case scale = "calibration_scale"
    }
}
