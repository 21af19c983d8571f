import Atoms
import Classical
import Testing
import TrainingData

@Suite("Generated training data")
struct SiliconRecipeTests {
    @Test func recipeIsReproducibleAndCoversEveryKind() throws {
        let a = SiliconRecipe(seed: 11).structures(), b = SiliconRecipe(seed: 11).structures()
        #expect(a == b)
        #expect(a != SiliconRecipe(seed: 12).structures())
        let types = Set(a.compactMap { $0.configType() })
        #expect(types == ["bulk_strained", "vacancy", "interstitial", "surface_100", "surface_111"])
        #expect(a.first { $0.configType() == "vacancy" }?.count == 63)
        #expect(a.first { $0.configType() == "interstitial" }?.count == 65)
        #expect(a.first { $0.configType() == "surface_111" }?.count == 48)
    }

    @Test func labelsAreTheCalculatorsAndRoundTripThroughExtXYZ() throws {
        let sw = StillingerWeber()
        let s = try #require(SiliconRecipe(seed: 3).structures().first { $0.configType() == "surface_100" })
        let labelled = try s.labelled(by: sw)
        let r = try sw.calculate(s)
        #expect(try labelled.referenceEnergy() == r.energy)
        #expect(try labelled.referenceForces() == r.forces)
        #expect(try labelled.referenceVirial() == r.virial)
        let back = try #require(try ExtXYZReader(text: try ExtXYZWriter.format(labelled)).next())
        #expect(back == labelled)
        // Slabs have vacuum: no atom near the top of the cell.
        let top = back.positions.map { $0.z }.max() ?? 0
        #expect(back.cell[2].z - top > 10)
    }
}
