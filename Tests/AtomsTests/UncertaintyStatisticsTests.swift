import Evaluation
import Testing

/// Predicted standard deviations against errors.
@Suite("Uncertainty statistics")
struct UncertaintyStatisticsTests {
    @Test func fractionsRatioAndScale() throws {
        let errors: [Double] = [0.05, -0.3, 0.7, 5, 1]
        let sigmas: [Double] = [0.1, 0.2, 0.4, 1.0, 0]
        let s = try #require(UncertaintyStatistics(errors: errors, sigmas: sigmas))
        #expect(s.count == 4)
        #expect(s.withinOne == 0.25 && s.withinTwo == 0.75)
        let rms = ((0.05 * 0.05 + 0.09 + 0.49 + 25) / (0.01 + 0.04 + 0.16 + 1)).squareRoot()
        #expect(abs(s.rmsRatio - rms) < 1e-14)
        let scale = ((0.25 + 2.25 + 3.0625 + 25) / 4).squareRoot()
        #expect(abs(s.scale - scale) < 1e-14)
        // Scaled by its own factor, the z-scores have unit variance.
        let calibrated = try #require(UncertaintyStatistics(errors: errors, sigmas: sigmas.map { $0 * s.scale }))
        #expect(abs(calibrated.scale - 1) < 1e-14)
        #expect(UncertaintyStatistics(errors: [1], sigmas: [0]) == nil)
    }
}
