import Atoms
import GAP
import TestSupport
import Testing

/// With gap_fit's own sparse points, SwiftGAP's weights α equal gap_fit's (quippy-ase 0.10.3).
@Suite("Agreement with gap_fit")
struct GapFitAgreementTests {
    struct Fixture: Decodable {
        struct Settings: Decodable {
            let cutoff: Double, cutoff_transition_width: Double, n_max: Int, l_max: Int, atom_sigma: Double
            let zeta: Double, delta: Double, n_sparse: Int, sigma: [Double], jitter: Double
        }
        let settings: Settings
        let sparse_indices: [Int]
        let alpha: [Double]
    }

    @Test func weightsMatchGapFit() throws {
        let f = try Fixtures.load(Fixture.self, "gap_fit_alpha.json")
        let data = try ExtXYZReader.read(path: Fixtures.url("gap_fit_train.xyz").path)
        let s = f.settings
        let settings = FitSettings(
            soap: SOAPSettings(
                cutoff: s.cutoff, cutoffTransitionWidth: s.cutoff_transition_width, nMax: s.n_max,
                lMax: s.l_max, atomSigma: s.atom_sigma, speciesZ: []),
            kernel: PolynomialKernel(delta: s.delta, zeta: s.zeta), sparseCount: s.n_sparse, sparseMethod: .indices([]),
            sparseIndices: [14: f.sparse_indices], sigmas: Sigmas(energy: s.sigma[0], force: s.sigma[1], virial: s.sigma[2]),
            e0: .explicit([14: 0]), jitter: s.jitter, threads: 2)
        let (gap, _) = try GAPTrainer.fit(data, settings: settings)
        let alpha = try #require(gap.soap?.models[14]).alpha
        #expect(alpha.count == f.alpha.count)
        let scale = f.alpha.map(abs).max()!
        let worst = zip(alpha, f.alpha).map { abs($0 - $1) }.max()!
        #expect(worst <= 1e-5 * scale, "max |α − α_gap_fit| = \(worst), max |α| = \(scale)")
    }
}
