import Support
import Testing

@testable import Descriptors

/// The power spectrum against its definition, feature by feature: f = scale_f · Σ_m X[lm, ia] X[lm, jb] for the
/// (l, ia, jb) the layout gives it. The products are summed a vector of n′ at a time and copied in runs
/// (`PowerSpectrumPlan`): radial counts below, at and above a vector's width, and between whole vectors, take every
/// path of those sums and runs, with every species present and with one left without density.
@Suite("Power spectrum from the expansion coefficients")
struct PowerSpectrumPlanTests {
    /// The layout's features from coefficients `X` ((l_max+1)² rows of K), as they are defined.
    static func definition(_ engine: SOAPEngine, _ X: UnsafePointer<Double>) -> [Double] {
        let K = engine.channels
        var out = [Double](repeating: 0, count: engine.layout.length)
        for (k, f) in engine.layout.features.enumerated() {
            let l = Int(f.l)
            var sum = 0.0
            for lm in (l * l)..<((l + 1) * (l + 1)) { sum += X[lm * K + Int(f.ia)] * X[lm * K + Int(f.jb)] }
            out[k] = f.scale * sum
        }
        return out
    }

    /// Random coefficients in the workspace, a species left without density (its channels zero) when `absent`.
    static func fill(_ ws: Workspace, engine: SOAPEngine, absent: Int?, seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let K = engine.channels, rows = (engine.lMax + 1) * (engine.lMax + 1)
        for lm in 0..<rows {
            for c in 0..<K {
                ws.coefficients[lm * K + c] = c / engine.nMax == absent ? 0 : Double.random(in: -1...1, using: &rng)
            }
        }
    }

    @Test(
        "DScribe's layout: each feature its definition",
        arguments: [
            ([1], 1, 0, false), ([1], 3, 2, false), ([1, 8], 8, 3, false), ([1, 6, 8], 9, 2, false),
            ([1, 6, 8], 10, 1, false), ([6, 8], 11, 1, false), ([1, 6, 8], 9, 2, true), ([1, 6, 7, 8], 5, 4, false)
        ])
    func dscribe(species: [Int], nMax: Int, lMax: Int, crossover: Bool) throws {
        let soap = try SOAP.dscribe(
            species: species, cutoff: 5, nMax: nMax, lMax: lMax, atomSigma: 0.5, compression: crossover ? .crossover : .off,
            periodic: false)
        let engine = soap.engine
        let ws = Workspace(channels: engine.channels, nMax: nMax, lMax: lMax)
        for absent in [nil] + (species.count > 1 ? [species.count - 1] : []) {
            Self.fill(ws, engine: engine, absent: absent, seed: UInt64(nMax * 10 + lMax))
            let expected = Self.definition(engine, ws.coefficients)
            var row = [Double](repeating: .nan, count: engine.layout.length)
            engine.powerSpectrum(ws, into: &row)
            let largest = expected.map(abs).max()!
            let worst = zip(row, expected).map { abs($0 - $1) }.max()!
            #expect(largest > 0 && worst <= 1e-14 * largest, "absent \(String(describing: absent)): \(worst) of \(largest)")
        }
    }

    @Test("QUIP's layout: each feature its definition, normalised")
    func quip() throws {
        let soap = try SOAP.quip(cutoff: 4, nMax: 9, lMax: 3, atomSigma: 0.5, speciesZ: [1, 8])
        let engine = soap.engine
        let ws = Workspace(channels: engine.channels, nMax: engine.nMax, lMax: engine.lMax)
        Self.fill(ws, engine: engine, absent: nil, seed: 5)
        let expected = Self.definition(engine, ws.coefficients)
        let norm = expected.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var row = [Double](repeating: .nan, count: engine.layout.length)
        let returned = engine.powerSpectrum(ws, into: &row)
        #expect(abs(returned - norm) <= 1e-14 * norm)
        let worst = zip(row, expected).map { abs($0 - $1 / norm) }.max()!
        #expect(worst <= 1e-14, "\(worst)")
    }
}
