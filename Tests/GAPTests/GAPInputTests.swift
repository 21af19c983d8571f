import Archive
import Atoms
import Foundation
import LinearAlgebra
import Support
import TestSupport
import Testing

@testable import GAP

@Suite("GAP inputs, e0, sparse points and potential files")
struct GAPInputTests {
    /// Each test's files, removed after it.
    private let folder: TemporaryFolder

    init() throws { folder = try TemporaryFolder(prefix: "swiftgap-gap") }

    private func fails(_ data: [Structure], _ settings: FitSettings = SiliconData.settings, _ check: (GAPError) -> Bool) {
        #expect {
            _ = try GAPTrainer.fit(data, settings: settings)
        } throws: { error in
            guard let e = error as? GAPError else { return false }
            return check(e)
        }
    }

    @Test func badTrainingDataAreClearErrors() throws {
        var data = SiliconData.labelled(seed: 3, counts: (2, 0, 0))
        var few = SiliconData.settings
        few.sparseCount = 10
        fails([]) { if case .emptyTrainingSet = $0 { true } else { false } }
        var nan = data
        nan[1].info["energy"] = .double(.nan)
        fails(nan, few) {
            if case let .badReference(configuration, _, detail) = $0 {
                configuration == 1 && detail.contains("finite")
            } else {
                false
            }
        }
        var shape = data
        shape[0].arrays["forces"] = .doubles([Double](repeating: 0, count: 2 * data[0].count), width: 2)
        fails(shape, few) { if case .badReference(0, _, _) = $0 { true } else { false } }
        var tooMany = SiliconData.settings
        tooMany.sparseCount = 1000
        fails(data, tooMany) { if case .tooFewAtoms(14, _, 1000) = $0 { true } else { false } }
        var tooManySi = few
        tooManySi.sparseCountByElement = [14: 1000]
        fails(data, tooManySi) { if case .tooFewAtoms(14, _, 1000) = $0 { true } else { false } }
        var zero = few
        zero.sparseCountByElement = [14: 0]
        fails(data, zero) { if case let .invalidSetting(name, _, _) = $0 { name == "n_sparse of Si" } else { false } }
        var isolated = few
        isolated.e0 = .isolated
        fails(data, isolated) { $0 == .missingIsolatedAtom(element: 14) }
        var negative = few
        negative.sigmas.force = 0
        fails(data, negative) { if case .invalidSetting = $0 { true } else { false } }
        data[0].info.removeValue(forKey: "energy")
        #expect(throws: Never.self) { _ = try GAPTrainer.fit(data, settings: few) }
    }

    @Test func e0Modes() throws {
        // E = 2 n_Si − 5 n_C exactly: fit recovers it, average gives one value, isolated reads single atoms.
        func config(_ zs: [Int], energy: Double) -> Structure {
            var s = Structure(atomicNumbers: zs, positions: zs.indices.map { SIMD3(Double($0) * 3, 0, 0) })
            s.info["energy"] = .double(energy)
            return s
        }
        let data = [
            config([14, 14, 6], energy: -1), config([14, 6, 6], energy: -8), config([14], energy: 2), config([6], energy: -5)
        ]
        let energies = data.map { try? $0.referenceEnergy() }
        let fitted = try E0Mode.fit.resolve(elements: [14, 6], structures: data, energies: energies, keys: ReferenceKeys())
        #expect(abs(fitted[14]! - 2) < 1e-12 && abs(fitted[6]! + 5) < 1e-12)
        let isolated = try E0Mode.isolated.resolve(elements: [14, 6], structures: data, energies: energies, keys: ReferenceKeys())
        #expect(isolated == [14: 2, 6: -5])
        let average = try E0Mode.average.resolve(elements: [14, 6], structures: data, energies: energies, keys: ReferenceKeys())
        #expect(abs(average[14]! - (-1.0 / 3 - 8.0 / 3) / 2) < 1e-12 && average[6] == average[14])
        #expect(E0Mode("Si=-158.54,O=-432.1") == .explicit([14: -158.54, 8: -432.1]))
        #expect(E0Mode("nonsense") == nil)
        #expect(throws: GAPError.self) {
            try E0Mode.fit.resolve(elements: [14, 6], structures: [data[0], data[0]], energies: [-1, -1], keys: ReferenceKeys())
        }
    }

    @Test(arguments: [SparseMethod.cur, .random, .fps])
    func sparseSelectionIsReproducibleAndDistinct(method: SparseMethod) throws {
        var rng = SeededGenerator(seed: 4)
        let x = try Matrix(rows: 200, columns: 6, elements: (0..<1200).map { _ in rng.normal() })
        let a = try method.select(x, count: 25, seed: 7), b = try method.select(x, count: 25, seed: 7)
        #expect(a == b && a.count == 25 && Set(a).count == 25 && a.allSatisfy { (0..<200).contains($0) })
        if method != .fps { #expect(a != (try method.select(x, count: 25, seed: 8))) }
    }

    @Test func farthestPointSamplingSpreadsOut() throws {
        // Points on a line at 0…99 plus a far outlier: FPS must take the outlier.
        let x = try Matrix(rows: 101, columns: 1, elements: (0..<100).map(Double.init) + [1e4])
        #expect(try SparseMethod.fps.select(x, count: 3, seed: 1).contains(100))
    }

    @Test func potentialFileRoundTripsAndRejectsBadFiles() throws {
        let (gap, _) = GAPFitTests.silicon
        let path = folder.path("si.gap")
        let record = FitRecord(
            settings: SiliconData.settings, trainingFile: "test.xyz", trainingSHA256: "", trainingConfigurations: 1,
            observations: 1, reciprocalCondition: 1)
        try gap.write(to: path, fit: record, codeVersion: "test")
        let (back, metadata) = try GAPPotential.load(path: path)
        #expect(metadata.formatVersion == PotentialMetadata.currentVersion && metadata.fit == record)
        #expect(back.soap == gap.soap && back.e0 == gap.e0 && back.variance == gap.variance)
        let s = SiliconData.labelled(seed: 8, counts: (1, 0, 0))[0]
        #expect(try back.calculate(s) == (try gap.calculate(s)))
        // Without variance factors: the same energies and forces, no variances.
        let (lean, _) = try GAPPotential.load(path: path, variances: false)
        #expect(gap.variance != nil && lean.variance == nil && lean.soap == gap.soap)
        #expect(try lean.calculate(s) == (try gap.calculate(s)) && (try lean.localVariances(s)) == nil)
        // Truncated, corrupt, foreign and newer files are errors that say so.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let broken = folder.path("broken.gap")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: broken))
        #expect(throws: GAPError.self) { try GAPPotential.load(path: broken) }
        var other = NPZWriter()
        other.add("x", [1.0], shape: [1])
        try other.write(to: broken)
        #expect { try GAPPotential.load(path: broken) } throws: { "\($0)".contains("not a SwiftGAP potential") }
        var newer = NPZWriter()
        let text = try #require(try NPZReader(path: path).text("metadata")).replacingOccurrences(
            of: "\"format_version\" : \(PotentialMetadata.currentVersion)", with: "\"format_version\" : 99")
        newer.add("metadata", text: text)
        try newer.write(to: broken)
        #expect { try GAPPotential.load(path: broken) } throws: { "\($0)".contains("newer SwiftGAP") }
    }

    @Test func unknownElementsAtPredictionAreClearErrors() throws {
        let (gap, _) = GAPFitTests.silicon
        let carbon = Structure(atomicNumbers: [14, 6], positions: [.zero, SIMD3(1.9, 0, 0)])
        #expect(throws: GAPError.unknownElement(configuration: 0, line: 0, element: 6, known: [14])) { try gap.calculate(carbon) }
    }
}
