import Atoms
import Classical
import Descriptors
import LinearAlgebra
import Testing
import TrainingData

@testable import GAP

/// Small SW silicon sets generated in the test itself.
enum SiliconData {
    static let stillingerWeber = StillingerWeber()
    static func labelled(seed: UInt64, counts: (bulk: Int, defects: Int, surfaces: Int)) -> [Structure] {
        try! SiliconRecipe(seed: seed).structures(counts: counts).map { try $0.labelled(by: stillingerWeber) }
    }
    static let settings: FitSettings = {
        var s = FitSettings(
            soap: SOAPSettings(cutoff: 5, nMax: 6, lMax: 4, speciesZ: []), kernel: PolynomialKernel(delta: 1, zeta: 4),
            sparseCount: 150, e0: .average)
        s.sigmas = Sigmas(energy: 0.001, force: 0.05, virial: 0.05)
        s.threads = 2
        return s
    }()
}

@Suite("GAP trainer consistency")
struct TrainerConsistencyTests {
    /// The design rows times α must equal what the fitted potential predicts (energy, forces, virial).
    @Test func designRowsAgreeWithThePotential() throws {
        let data = SiliconData.labelled(seed: 3, counts: (4, 2, 2))
        let (gap, report) = try GAPTrainer.fit(data, settings: SiliconData.settings)
        #expect(report.observations > 0)
        let term = try #require(gap.soap)
        let soap = try term.settings.makeSOAP()
        let model = try #require(term.models[14])
        let layout = DesignRows.Layout(elements: [14], models: [14: model.points])
        for (k, s) in data.enumerated() {
            let o = try Observation(
                s, index: k, line: 0, keys: ReferenceKeys(), defaults: Sigmas(energy: 1, force: 1, virial: 1),
                configTypeSigmas: [:], useVirials: true)
            // σ = 1 per row: energy σ is scaled by √N, virial too.
            let (q, dq) = try soap.derivatives([s], strain: true)
            let rows = try DesignRows(o, q: q, dq: dq, points: [14: model.points], layout: layout, kernel: term.kernel)
            let predicted = try rows.matrix.times(model.alpha)
            let r = try gap.calculate(s)
            let root = Double(s.count).squareRoot()
            let local = r.energy - s.atomicNumbers.reduce(0) { $0 + gap.e0[$1]! }
            #expect(abs(predicted[0] * root - local) < 1e-9 * max(1, abs(r.energy)))
            for atom in 0..<s.count {
                for axis in 0..<3 { #expect(abs(predicted[1 + 3 * atom + axis] - r.forces[atom][axis]) < 1e-8) }
            }
            let start = 1 + 3 * s.count
            for (v, (i, j)) in DesignRows.virialComponents.enumerated() {
                #expect(abs(predicted[start + v] * root - 0.5 * (r.virial[i, j] + r.virial[j, i])) < 1e-8)
            }
        }
    }
}
