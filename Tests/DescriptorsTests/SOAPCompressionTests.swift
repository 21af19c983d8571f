import Atoms
import Descriptors
import Testing

/// DScribe's `mu2` compression and `species_weighting`, by what they must equal (DScribe's own numbers are in
/// `DScribeFixtureTests`, the derivatives against finite differences in `SOAPDerivativeTests`).
@Suite("SOAP compression and species weighting")
struct SOAPCompressionTests {
    static let siliconCarbide: Structure = {
        var s = Crystal.diamond.structure([14], a: 4.36, cubic: true).rattled(stdev: 0.08, seed: 13)
        for i in stride(from: 1, to: 8, by: 2) { s.atomicNumbers[i] = 6 }
        return s
    }()

    static func largestDifference(_ a: DescriptorRows, _ b: DescriptorRows, factor: Double = 1) -> Double {
        zip(a.values, b.values).map { abs($0 - factor * $1) }.max() ?? 0
    }

    /// A structure of one element: mu2 over several species is that element's one-species SOAP.
    @Test func mu2OfOneElementIsItsOneSpeciesSOAP() throws {
        let silicon = Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.05, seed: 3)
        let mu2 = try SOAP.dscribe(species: [6, 14], cutoff: 4, nMax: 4, lMax: 3, atomSigma: 0.5, compression: .mu2)
        let single = try SOAP.dscribe(species: [14], cutoff: 4, nMax: 4, lMax: 3, atomSigma: 0.5)
        #expect(mu2.numberOfFeatures == single.numberOfFeatures)
        #expect(Self.largestDifference(try mu2.create([silicon]), try single.create([silicon])) <= 1e-12)
    }

    /// mu2 sums every species' density: relabelling carbon as silicon changes nothing.
    @Test func mu2IgnoresWhichSpeciesIsWhich() throws {
        var relabelled = Self.siliconCarbide
        relabelled.atomicNumbers = relabelled.atomicNumbers.map { $0 == 6 ? 14 : 6 }
        let mu2 = try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, compression: .mu2)
        #expect(Self.largestDifference(try mu2.create([Self.siliconCarbide]), try mu2.create([relabelled])) <= 1e-12)
        let weighted = try SOAP.dscribe(
            species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, compression: .mu2, speciesWeights: [6: 2])
        #expect(Self.largestDifference(try weighted.create([Self.siliconCarbide]), try weighted.create([relabelled])) > 1e-3)
    }

    /// One weight w on every species scales every density by w, so the power spectrum by w², in every mode.
    @Test(arguments: SOAP.Compression.allCases)
    func aCommonWeightScalesByItsSquare(compression: SOAP.Compression) throws {
        let plain = try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: compression)
        let weighted = try SOAP.dscribe(
            species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: compression,
            speciesWeights: [6: 1.5, 14: 1.5])
        let expected = try plain.create([Self.siliconCarbide])
        #expect(Self.largestDifference(try weighted.create([Self.siliconCarbide]), expected, factor: 2.25) <= 1e-12)
    }

    @Test func refusesWeightsOfOtherSpeciesOrNotFinite() {
        #expect(throws: DescriptorError.self) {
            try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, speciesWeights: [8: 1.5])
        }
        #expect(throws: DescriptorError.self) {
            try SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, speciesWeights: [6: .nan])
        }
        let mu2 = try? SOAP.dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: .mu2)
        var oxide = Self.siliconCarbide
        oxide.atomicNumbers[0] = 8
        #expect {
            try mu2?.create([oxide])
        } throws: { error in
            "\(error)".contains("O") && "\(error)".contains("atom 0")
        }
    }
}
