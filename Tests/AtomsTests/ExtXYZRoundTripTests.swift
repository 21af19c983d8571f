import Foundation
import Support
import TestSupport
import Testing

@testable import Atoms

@Suite("extxyz round trip and number parsing")
struct ExtXYZRoundTripTests {
    /// A structure exercising every field type, with awkward reals.
    private func awkward(seed: UInt64) -> Structure {
        var rng = SeededGenerator(seed: seed)
        let n = 5
        func real() -> Double {
            let choices: [Double] = [-0.0, 5e-324, 1e300, -1e-300, 0.1, 1.0 / 3.0, 123456789.123456789, .pi * 1e7]
            return rng.uniform() < 0.3 ? choices[Int(rng.next() % UInt64(choices.count))] : (rng.uniform() - 0.5) * 20
        }
        var s = Structure(
            atomicNumbers: (0..<n).map { [1, 6, 8, 14, 79][$0] },
            positions: (0..<n).map { _ in SIMD3(real(), real(), real()) },
            cell: Cell(SIMD3(real(), real(), real()), SIMD3(real(), real(), real()), SIMD3(real(), real(), real())),
            pbc: Periodicity(true, false, true))
        s.info["energy"] = .double(real())
        s.info["step"] = .int(-42)
        s.info["ok"] = .bool(false)
        s.info["config_type"] = .string("slab (111) \"quoted\" a=b\\c\nnext")
        s.info["virial"] = .doubles((0..<9).map { _ in real() })
        s.info["ids"] = .ints([3, -1, 0])
        s.info["one"] = .doubles([2.5])
        s.info["flags"] = .bools([true, false])
        s.info["names"] = .strings(["alpha", "beta"])
        s.info["meta"] = .json(#"{"a": [1, 2], "b": "x y"}"#)
        s.arrays["forces"] = .doubles((0..<(3 * n)).map { _ in real() }, width: 3)
        s.arrays["charge"] = .doubles((0..<n).map { _ in real() }, width: 1)
        s.arrays["tags"] = .ints((0..<n).map { $0 * 7 - 3 }, width: 1)
        s.arrays["mask"] = .bools((0..<(2 * n)).map { $0 % 3 == 0 }, width: 2)
        s.arrays["label"] = .strings((0..<n).map { "site_\($0)" }, width: 1)
        return s
    }

    private func bits(_ s: Structure) -> [UInt64] {
        var out = s.positions.flatMap { [$0.x, $0.y, $0.z] }.map(\.bitPattern)
        out += s.cell.matrix.rowMajor.map(\.bitPattern)
        for (_, v) in s.info { out += (v.doublesValue ?? []).map(\.bitPattern) }
        for (_, a) in s.arrays { if case let .doubles(v, _) = a { out += v.map(\.bitPattern) } }
        return out
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func writeThenReadIsBitIdentical(seed: UInt64) throws {
        let original = awkward(seed: seed)
        let text = try ExtXYZWriter.format(original) + ExtXYZWriter.format(awkward(seed: seed + 10))
        let reader = ExtXYZReader(text: text)
        let back = try #require(try reader.next())
        #expect(back == original)
        #expect(bits(back) == bits(original))
        #expect(Array(back.info.keys) == Array(original.info.keys))
        #expect(Array(back.arrays.keys) == Array(original.arrays.keys))
        #expect(try reader.next() == awkward(seed: seed + 10))
        #expect(try reader.next() == nil)
    }

    @Test func atomicWriteReplacesOnlyOnCommit() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-extxyz")
        let path = folder.path("out.xyz")
        try ExtXYZWriter.write([awkward(seed: 4)], to: path)
        #expect(try ExtXYZReader.read(path: path) == [awkward(seed: 4)])
        do {
            let pending = try AtomicFile(path: path)
            try pending.write("garbage")
            try pending.flush()
            // Not committed: the old file stays, the temporary goes away with the writer.
        }
        #expect(try ExtXYZReader.read(path: path) == [awkward(seed: 4)])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["out.xyz"])
        #expect(throws: ExtXYZError.self) { try ExtXYZWriter.write([], to: folder.url.path + "/missing/dir/out.xyz") }
    }

    @Test func stringColumnsWithSpacesAreRejectedOnWrite() {
        var s = awkward(seed: 5)
        s.arrays["label"] = .strings(["a b", "c", "d", "e", "f"], width: 1)
        #expect(throws: ExtXYZError.self) { try ExtXYZWriter.format(s) }
    }

    /// An info list of strings whose items the reader would split or unbalance (found by the fuzzer: items read
    /// from `[1": [1, 2]}…]`) is refused by the writer, naming the key; bare items round-trip.
    @Test func infoStringListsHoldOnlyBareItems() throws {
        var s = awkward(seed: 6)
        s.info["words"] = .strings(["x", "y-1", "z.2"])
        let back = try #require(try ExtXYZReader(text: try ExtXYZWriter.format(s), name: "t").next())
        #expect(back.info["words"] == .strings(["x", "y-1", "z.2"]))
        for bad in ["1\":", "[1", "2]}", "a b", "", "a,b", "k=v"] {
            s.info["words"] = .strings(["x", bad])
            #expect(throws: ExtXYZError.self) { try ExtXYZWriter.format(s) }
        }
    }

    @Test func fastNumberParserAgreesWithStrtod() {
        var rng = SeededGenerator(seed: 99)
        var texts = [
            "0", "-0", "1.", ".5", "+3.25", "1e5", "1E-5", "-2.5e+10", "123456789012345678901234",
            "0.000000000000000000001", "9007199254740993", "4.9406564584124654e-324", "1e400", "inf", "nan",
            "0.1000000000000000055511151231257827"
        ]
        for _ in 0..<20000 {
            let x = (rng.uniform() - 0.5) * pow(10, Double(Int(rng.next() % 40)) - 20)
            switch rng.next() % 4 {
            case 0: texts.append(String(format: "%.8f", x))
            case 1: texts.append(String(format: "%.17g", x))
            case 2: texts.append(x.description)
            default: texts.append(String(format: "%16.10e", x))
            }
        }
        for t in texts {
            let expected = strtod(t, nil)
            let got = t.trimmingCharacters(in: .whitespaces).extxyzDouble
            #expect(got?.bitPattern == expected.bitPattern || (got?.isNaN == true && expected.isNaN), "\(t)")
        }
        for bad in ["", "-", "1e", "e5", "1.2.3", "0x10", "1,5", "--1", "1e5x"] {
            #expect(bad.extxyzDouble == nil, "\(bad)")
        }
        #expect("9223372036854775807".extxyzInt == Int.max)
        #expect("9223372036854775808".extxyzInt == nil)
        #expect("-12".extxyzInt == -12 && "1.0".extxyzInt == nil && "".extxyzInt == nil)
    }
}
