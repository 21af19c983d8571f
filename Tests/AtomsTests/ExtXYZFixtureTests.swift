import Atoms
import Foundation
import Support
import TestSupport
import Testing

/// Files written by ASE must read to exactly what ASE itself reads from them.
@Suite("extxyz against ASE")
struct ExtXYZFixtureTests {
    static let files = ["ase_molecules.xyz", "ase_periodic.xyz", "ase_dft_keys.xyz"]

    private struct Expected: Decodable {
        let files: [String: [Frame]]
    }

    private struct Frame: Decodable {
        let numbers: [Int]
        let positions: [[Double]]
        let cell: [[Double]]
        let pbc: [Bool]
        let info: [String: JSONValue]
        let arrays: [String: JSONValue]
        let calc: [String: JSONValue]
    }

    @Test(arguments: files)
    func readsWhatASEReads(file: String) throws {
        let frames = try ExtXYZReader.read(path: Fixtures.url("extxyz/\(file)").path)
        let reference = try #require(try Fixtures.load(Expected.self, "extxyz/ase_expected.json").files[file])
        #expect(frames.count == reference.count)
        for (s, ref) in zip(frames, reference) {
            #expect(s.atomicNumbers == ref.numbers)
            #expect(s.positions == ref.positions.map(vector), "positions must be bit-identical to ASE's")
            #expect(s.cell.matrix.rowMajor == ref.cell.flatMap { $0 })
            #expect(s.pbc.flags == ref.pbc)
            for (key, value) in ref.info { try compareInfo(s, key, value) }
            for (key, value) in ref.arrays { try compareArray(s, key, value) }
            if let e = ref.calc["energy"]?.number { #expect(try s.referenceEnergy() == e) }
            if let f = ref.calc["forces"]?.flatNumbers {
                #expect(try s.referenceForces()?.flatMap { [$0.x, $0.y, $0.z] } == f)
            }
            if let stress = ref.calc["stress"]?.flatNumbers {
                let m = try #require(s.info["stress"]?.doublesValue.flatMap(Matrix3.init(columnMajor:)))
                #expect(m.voigt == stress)
            }
        }
    }

    private func compareInfo(_ s: Structure, _ key: String, _ value: JSONValue) throws {
        let mine = try #require(s.info[key], "missing info key \(key)")
        switch (mine, value) {
        case let (.json(text), .object):
            // A dict ASE wrote as _JSON; the fixture wraps it as {"__dict__": …}.
            #expect(value["__dict__"] == (try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))))
        case let (.json, .array(rows)):
            // A 3×3 array ASE wrote as _JSON: rows of the tensor.
            let m = try #require(try s.referenceVirial(ReferenceKeys(virial: key)))
            #expect(m.rowMajor == JSONValue.array(rows).flatNumbers)
        case let (.bool(b), _): #expect(value == .bool(b), "\(key)")
        case let (.string(t), _): #expect(value == .string(t), "\(key)")
        case (.int, _), (.double, _): #expect(mine.doubleValue == value.number, "\(key)")
        case (.ints, _), (.doubles, _): #expect(mine.doublesValue == value.flatNumbers, "\(key)")
        default: Issue.record("unexpected value for \(key): \(mine) vs \(value)")
        }
    }

    private func compareArray(_ s: Structure, _ key: String, _ value: JSONValue) throws {
        let mine = try #require(s.arrays[key], "missing array \(key)")
        guard case let .array(items) = value else {
            Issue.record("\(key) is not an array")
            return
        }
        switch mine {
        case let .doubles(v, _): #expect(v == value.flatNumbers, "\(key)")
        case let .ints(v, _): #expect(v.map(Double.init) == value.flatNumbers, "\(key)")
        case let .bools(v, _): #expect(v.map(JSONValue.bool) == items, "\(key)")
        case let .strings(v, _): #expect(v.map(JSONValue.string) == items, "\(key)")
        }
    }
}
