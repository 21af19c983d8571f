import Descriptors
import Foundation
import Testing

/// Absurd sizes fail at construction with `invalidSetting` naming the setting and the limit, before
/// anything is allocated (n_max = 1 000 000 from a potential file must not kill the process).
@Suite("Descriptor limits")
struct DescriptorLimitsTests {
    /// The setting name of an `invalidSetting` error, and whether its hint states `limit`.
    func rejected(_ limit: String, _ body: () throws -> Void) -> String? {
        do {
            try body()
            return nil
        } catch {
            guard case let .invalidSetting(name, _, hint)? = error as? DescriptorError else { return "unexpected \(error)" }
            return hint.contains(limit) ? name : "hint without \(limit): \(hint)"
        }
    }

    @Test func soapRejectsAbsurdNMaxAndLMax() {
        #expect(rejected("32") { _ = try SOAP.quip(cutoff: 5, nMax: 1_000_000, lMax: 6, atomSigma: 0.5, speciesZ: []) } == "n_max")
        #expect(rejected("32") { _ = try SOAP.dscribe(species: [1], cutoff: 5, nMax: 33, lMax: 6, atomSigma: 0.5) } == "n_max")
        #expect(rejected("20") { _ = try SOAP.quip(cutoff: 5, nMax: 8, lMax: 21, atomSigma: 0.5, speciesZ: []) } == "l_max")
        #expect(rejected("20") { _ = try SOAP.dscribe(species: [1], cutoff: 5, nMax: 8, lMax: Int.max, atomSigma: 0.5) } == "l_max")
        #expect(rejected("1") { _ = try SOAP.quip(cutoff: 5, nMax: 0, lMax: 6, atomSigma: 0.5, speciesZ: []) } == "n_max")
    }

    @Test func soapRejectsNonFiniteOrHugeCutoffsAndWidths() {
        for bad in [0, -1, .nan, .infinity, 51] as [Double] {
            #expect(rejected("50") { _ = try SOAP.quip(cutoff: bad, nMax: 4, lMax: 2, atomSigma: 0.5, speciesZ: []) } == "cutoff")
            #expect(
                rejected("50") { _ = try SOAP.dscribe(species: [1], cutoff: bad, nMax: 4, lMax: 2, atomSigma: 0.5) } == "cutoff")
        }
        for bad in [0, -0.5, .nan, .infinity, 11] as [Double] {
            #expect(rejected("10") { _ = try SOAP.quip(cutoff: 5, nMax: 4, lMax: 2, atomSigma: bad, speciesZ: []) } == "atom_sigma")
        }
        for bad in [0, .nan, .infinity, 6] as [Double] {
            #expect(
                rejected("cutoff") {
                    _ = try SOAP.quip(cutoff: 5, cutoffTransitionWidth: bad, nMax: 4, lMax: 2, atomSigma: 0.5, speciesZ: [])
                } == "cutoff_transition_width")
        }
        #expect(
            rejected("finite") {
                _ = try SOAP.quip(cutoff: 5, nMax: 4, lMax: 2, atomSigma: 0.5, centralWeight: .nan, speciesZ: [])
            } == "central_weight")
    }

    @Test func soapRejectsTooManyChannelsOrFeatures() {
        let elements = Array(1...40)
        // 40 species × n_max 32 = 1280 channels.
        #expect(
            rejected("1024") { _ = try SOAP.quip(cutoff: 5, nMax: 32, lMax: 2, atomSigma: 0.5, speciesZ: elements) }
                == "species × n_max")
        // 60 × 16 = 960 channels, but 21 · 960 · 961 / 2 + 1 ≈ 9.7 million features.
        let many = Array(1...60)
        #expect(
            rejected("4000000") { _ = try SOAP.quip(cutoff: 5, nMax: 16, lMax: 20, atomSigma: 0.5, speciesZ: many) }
                == "number of features")
        #expect(
            rejected("4000000") { _ = try SOAP.dscribe(species: many, cutoff: 5, nMax: 16, lMax: 20, atomSigma: 0.5) }
                == "number of features")
        #expect(rejected("Z = 1") { _ = try SOAP.quip(cutoff: 5, nMax: 4, lMax: 2, atomSigma: 0.5, speciesZ: [119]) } == "species")
    }

    @Test func soapAdmitsRealModels() throws {
        // Five species at the usual resolution in both layouts, and the limits themselves.
        let quip = try SOAP.quip(cutoff: 5, nMax: 8, lMax: 6, atomSigma: 0.5, speciesZ: [6, 1, 8, 7, 16])
        #expect(quip.numberOfFeatures == 7 * 40 * 41 / 2 + 1)
        let dscribe = try SOAP.dscribe(species: [1, 6, 7, 8, 16], cutoff: 6, nMax: 8, lMax: 6, atomSigma: 0.4)
        #expect(dscribe.numberOfFeatures == 7 * (5 * 8 * 9 / 2 + 10 * 64))
        let crossover = try SOAP.dscribe(
            species: [1, 6, 7, 8, 16], cutoff: 6, nMax: 8, lMax: 6, atomSigma: 0.4, compression: .crossover)
        #expect(crossover.numberOfFeatures == 7 * 5 * 8 * 9 / 2)
        try SOAP.validate(
            cutoff: DescriptorLimits.cutoff, nMax: DescriptorLimits.soapNMax, lMax: DescriptorLimits.soapLMax,
            atomSigma: DescriptorLimits.soapAtomSigma)
    }

    @Test func coulombMatrixRejectsAbsurdSizes() throws {
        #expect(rejected("2000") { _ = try CoulombMatrix(nAtomsMax: 2001) } == "n_atoms_max")
        #expect(rejected("2000") { _ = try CoulombMatrix(nAtomsMax: Int.max) } == "n_atoms_max")
        #expect(rejected("2000") { _ = try CoulombMatrix(nAtomsMax: 0) } == "n_atoms_max")
        #expect(try CoulombMatrix(nAtomsMax: DescriptorLimits.coulombAtoms, permutation: .eigenspectrum).numberOfFeatures == 2000)
        #expect(try CoulombMatrix(nAtomsMax: 2000).numberOfFeatures == DescriptorLimits.features)
    }

    @Test func soapSettingsFromAPotentialFileAreChecked() {
        let settings = SOAPSettings(nMax: 1_000_000, speciesZ: [14])
        #expect(rejected("32") { _ = try settings.makeSOAP() } == "n_max")
    }
    /// The radial table stops at `DescriptorLimits.radialTableBytes`: one narrow Gaussian converges with a few
    /// thousand intervals when tabulated 24 times, but not 600 times (236 MB at 8192 intervals).
    @Test func radialTableIsBounded() throws {
        func gaussians(_ count: Int) throws(DescriptorError) -> RadialSpline {
            try RadialSpline(count: count, rMax: 6) { r, values, slopes in
                let x = (r - 3) / 0.02, g = exp(-0.5 * x * x)
                for f in 0..<count { (values[f], slopes[f]) = (g, -x / 0.02 * g) }
            }
        }
        let few = try gaussians(24)
        #expect(few.intervals >= 4096 && few.intervals * 24 * 48 <= DescriptorLimits.radialTableBytes)
        #expect {
            try gaussians(600)
        } throws: { error in
            guard case .splineDidNotConverge = error as? DescriptorError else { return false }
            return true
        }
    }

    /// Functions whose direct evaluation is noisy (rounding in an ill-conditioned sum) stop refining at their noise
    /// floor: tabulated when it is within `acceptable` (1e-8), refused with the error reached when not, in either case
    /// long before 2¹⁶ intervals.
    @Test func noisyFunctionsStopAtTheirFloor() throws {
        func noisy(_ amplitude: Double) throws(DescriptorError) -> RadialSpline {
            try RadialSpline(count: 2, rMax: 5) { r, values, slopes in
                // A smooth pair of functions plus a deterministic wiggle far finer than any grid.
                let wiggle = amplitude * sin(1e6 * r * r)
                (values[0], slopes[0]) = (exp(-r * r) + wiggle, -2 * r * exp(-r * r))
                (values[1], slopes[1]) = (r * exp(-r), (1 - r) * exp(-r))
            }
        }
        let quiet = try noisy(1e-10)
        #expect(quiet.intervals < 4096)
        #expect {
            try noisy(1e-7)
        } throws: { error in
            guard case let .splineDidNotConverge(worst) = error as? DescriptorError else { return false }
            return worst > 1e-8 && worst < 1e-5
        }
    }

    /// The feature count of QUIP settings, read before the basis is built, is the descriptor's, and invalid settings
    /// give the descriptor's own error.
    @Test func soapSettingsKnowTheirLengthBeforeTheBasis() throws {
        for settings in [
            SOAPSettings(nMax: 4, lMax: 3, speciesZ: [14]), SOAPSettings(nMax: 6, lMax: 4, speciesZ: [1, 6, 8]),
            SOAPSettings(nMax: 3, lMax: 2, speciesZ: [])
        ] {
            #expect(try settings.numberOfFeatures() == settings.makeSOAP().numberOfFeatures)
        }
        let bad = SOAPSettings(cutoff: 5, cutoffTransitionWidth: 6, speciesZ: [14])
        #expect(rejected("cutoff") { _ = try bad.numberOfFeatures() } == "cutoff_transition_width")
        #expect(rejected("20") { _ = try SOAPSettings(lMax: 21, speciesZ: [14]).numberOfFeatures() } == "l_max")
    }
}
