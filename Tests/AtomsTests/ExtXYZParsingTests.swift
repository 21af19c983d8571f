import Foundation
import Testing

@testable import Atoms

private func read(_ text: String) throws -> [Structure] {
    let reader = ExtXYZReader(text: text, name: "test.xyz")
    var out = [Structure]()
    while let s = try reader.next() { out.append(s) }
    return out
}

private func one(_ header: String, atoms: String = "Si 0 0 0", count: Int = 1) throws -> Structure {
    try #require(try read("\(count)\n\(header)\n\(atoms)\n").first)
}

@Suite("extxyz parsing")
struct ExtXYZParsingTests {
    @Test(arguments: [
        ("pbc=\"T T T\"", [true, true, true]), ("pbc=\"F F F\"", [false, false, false]),
        ("pbc=[T, T, T]", [true, true, true]), ("pbc=[T, F, T]", [true, false, true]),
        ("pbc=\"T,F,F\"", [true, false, false]), ("pbc='True False True'", [true, false, true])
    ])
    func pbcSpellings(spelling: String, flags: [Bool]) throws {
        let s = try one("Lattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 \(spelling)")
        #expect(s.pbc.flags == flags)
    }

    @Test func latticeWithoutPBCIsPeriodic() throws {
        let s = try one("Lattice=\"4 0 0 0 5 0 1 0 6\"")
        #expect(s.pbc == .all)
        #expect(s.cell.matrix.rowMajor == [4, 0, 0, 0, 5, 0, 1, 0, 6])
    }

    @Test func quotedStringsAndEscapes() throws {
        let s = try one(#"name="a \"quoted\" word" path='single quoted' eq="x=y" brace={in braces} nl="two\nlines" back="a\\b""#)
        #expect(s.info["name"] == .string("a \"quoted\" word"))
        #expect(s.info["path"] == .string("single quoted"))
        #expect(s.info["eq"] == .string("x=y"))
        #expect(s.info["brace"] == .string("in braces"))
        #expect(s.info["nl"] == .string("two\nlines"))
        #expect(s.info["back"] == .string("a\\b"))
    }

    @Test func numbersBareAndQuoted() throws {
        let s = try one(#"a=1 b="2" c=3.5 d="4.5e-3" e=-7 f=1E+3 g = 12"#)
        #expect(s.info["a"] == .int(1))
        #expect(s.info["b"] == .int(2))
        #expect(s.info["c"] == .double(3.5))
        #expect(s.info["d"] == .double(4.5e-3))
        #expect(s.info["e"] == .int(-7))
        #expect(s.info["f"] == .double(1000))
        #expect(s.info["g"] == .int(12), "spaces around = are accepted")
    }

    @Test func logicalsAndBareKeys() throws {
        let s = try one("t=T f=False u=true flag other=FALSE")
        #expect(s.info["t"] == .bool(true))
        #expect(s.info["f"] == .bool(false))
        #expect(s.info["u"] == .bool(true))
        #expect(s.info["flag"] == .bool(true))
        #expect(s.info["other"] == .bool(false))
    }

    @Test func arrays() throws {
        let s = try one(#"v="1 2 3" w=[1.5, 2, 3] b="T F T" single=[7] words=[a, b] j="_JSON {\"k\": [1, 2]}""#)
        #expect(s.info["v"] == .ints([1, 2, 3]))
        #expect(s.info["w"] == .doubles([1.5, 2, 3]))
        #expect(s.info["b"] == .bools([true, false, true]))
        #expect(s.info["single"] == .ints([7]))
        #expect(s.info["words"] == .strings(["a", "b"]))
        #expect(s.info["j"] == .json(#"{"k": [1, 2]}"#))
    }

    @Test func propertiesOfAnyWidth() throws {
        let s = try one(
            "Properties=species:S:1:pos:R:3:m:R:9:i:I:2:l:L:1:s:S:2",
            atoms: "O 1 2 3  1 2 3 4 5 6 7 8 9  -4 5  T  ab cd")
        #expect(s.positions == [SIMD3(1, 2, 3)])
        #expect(s.arrays["m"] == .doubles([1, 2, 3, 4, 5, 6, 7, 8, 9], width: 9))
        #expect(s.arrays["i"] == .ints([-4, 5], width: 2))
        #expect(s.arrays["l"] == .bools([true], width: 1))
        #expect(s.arrays["s"] == .strings(["ab", "cd"], width: 2))
        #expect(Array(s.arrays.keys) == ["m", "i", "l", "s"])
    }

    @Test func plainXYZWithCRLF() throws {
        let frames = try read("3\r\nwater molecule\r\nO 0.0 0.0 0.1\r\nH 0.7 0 -0.5\r\nH -0.7 0 -0.5\r\n\r\n")
        #expect(frames.count == 1)
        #expect(frames[0].atomicNumbers == [8, 1, 1])
        #expect(frames[0].info["comment"] == .string("water molecule"))
        #expect(frames[0].pbc == .none && frames[0].cell.isEmpty)
    }

    @Test func atomicNumbersAsSpeciesAndZColumn() throws {
        let a = try one("Properties=species:S:1:pos:R:3", atoms: "14 0 0 0")
        #expect(a.atomicNumbers == [14])
        let b = try one("Properties=Z:I:1:pos:R:3", atoms: "8 0 0 0")
        #expect(b.atomicNumbers == [8])
    }

    @Test func virialAndStressForms() throws {
        let nine = try one(#"Lattice="2 0 0 0 2 0 0 0 2" virial="1 2 3 4 5 6 7 8 9""#)
        // ASE reads 9 numbers column-major: M[0][1] is the 4th number.
        #expect(try nine.referenceVirial() == Matrix3(rowMajor: [1, 4, 7, 2, 5, 8, 3, 6, 9]))
        let six = try one(#"Lattice="2 0 0 0 2 0 0 0 2" dft_virial="1 2 3 4 5 6""#)
        #expect(try six.referenceVirial() == Matrix3(voigt: [1, 2, 3, 4, 5, 6]))
        let stress = try one(#"Lattice="2 0 0 0 2 0 0 0 2" stress="1 0 0 0 1 0 0 0 1""#)
        #expect(try stress.referenceVirial() == -8 * Matrix3.identity)
        let keyed = try one(#"Lattice="2 0 0 0 2 0 0 0 2" my_stress="1 1 1 0 0 0""#)
        #expect(try keyed.referenceVirial(ReferenceKeys(stress: "my_stress")) == -8 * Matrix3.identity)
    }

    @Test func energyAndForceKeyNames() throws {
        let s = try one("Properties=species:S:1:pos:R:3:dft_force:R:3 dft_energy=-5.5", atoms: "H 0 0 0 1 2 3")
        #expect(try s.referenceEnergy() == -5.5)
        #expect(try s.referenceForces() == [SIMD3(1, 2, 3)])
        let t = try one("Properties=species:S:1:pos:R:3:force:R:3 energy=-1", atoms: "H 0 0 0 1 2 3")
        #expect(try t.referenceForces() == [SIMD3(1, 2, 3)])
        #expect(try t.referenceEnergy(ReferenceKeys(energy: "dft_energy")) == nil, "an explicit key is not replaced")
    }

    @Test func badReferenceValuesAreErrors() throws {
        let s = try one("Properties=species:S:1:pos:R:3:forces:R:2 energy=nan", atoms: "H 0 0 0 1 2")
        #expect(throws: ReferenceValueError.self) { try s.referenceEnergy() }
        #expect(throws: ReferenceValueError.self) { try s.referenceForces() }
    }

    @Test func blankLinesBetweenFramesAndZeroAtoms() throws {
        let frames = try read("1\n\nH 0 0 0\n\n0\nempty frame\n1\na=1\nHe 1 1 1")
        #expect(frames.count == 3)
        #expect(frames[1].count == 0)
        #expect(frames[2].info["a"] == .int(1))
    }

    @Test func tinyBufferStreamsLongLines() throws {
        let header = (0..<200).map { "key\($0)=\($0)" }.joined(separator: " ")
        let text = "2\n\(header)\nSi 0 0 0\nSi 1.5 1.5 1.5\n2\n\(header)\nSi 0 0 0\nSi 1 1 1\n"
        let lines = ByteLineReader(source: MemoryByteSource(Array(text.utf8)), chunkSize: 7)
        var count = 0
        while let line = try lines.nextLine() {
            count += 1
            if count == 2 { #expect(String(decoding: line, as: UTF8.self) == header) }
        }
        #expect(count == 8)
        #expect(try read(text).count == 2)
    }
}

@Suite("extxyz errors name file, line and problem")
struct ExtXYZErrorTests {
    private func failure(_ text: String) -> ExtXYZError? {
        do {
            _ = try read(text)
            return nil
        } catch let error as ExtXYZError {
            return error
        } catch {
            return nil
        }
    }

    @Test(arguments: [
        ("two\nx\nH 0 0 0\n", ExtXYZError.Kind.badAtomCount, 1),
        ("-1\nx\n", .badAtomCount, 1),
        ("3\nx\nH 0 0 0\nH 1 1 1\n", .truncated, 4),
        ("1\n", .truncated, 1),
        ("1\nx\nH 0 0\n", .wrongColumnCount, 3),
        ("1\nx\nH 0 0 0 0\n", .wrongColumnCount, 3),
        ("1\nx\nH 0 zero 0\n", .badValue, 3),
        ("1\nx\nH 0 1.2.3 0\n", .badValue, 3),
        ("1\nx\nXx 0 0 0\n", .unknownElement, 3),
        ("1\nx\nSI 0 0 0\n", .unknownElement, 3),
        ("1\nname=\"open\nH 0 0 0\n", .badHeader, 2),
        ("1\nLattice=\"1 0 0 0 1 0 0 0\"\nH 0 0 0\n", .badHeader, 2),
        ("1\npbc=\"T T\"\nH 0 0 0\n", .badHeader, 2),
        ("1\npbc=\"T T T\"\nH 0 0 0\n", .badHeader, 2),
        ("1\nProperties=species:S:1:pos:X:3\nH 0 0 0\n", .badHeader, 2),
        ("1\nProperties=species:S:1:forces:R:3\nH 0 0 0\n", .badHeader, 2),
        ("1\nProperties=species:S:1:pos:R:3:n:I:1\nH 0 0 0 1.5\n", .badValue, 3),
        ("1\nProperties=species:S:1:pos:R:3:f:L:1\nH 0 0 0 X\n", .badValue, 3),
        ("2\nx\nH 0 0 0\nH nan 0 0\n", .badPositions, 4)
    ])
    func malformedInput(text: String, kind: ExtXYZError.Kind, line: Int) throws {
        let error = try #require(failure(text))
        #expect(error.kind == kind, "\(error)")
        #expect(error.line == line, "\(error)")
        #expect(error.file == "test.xyz")
        #expect(error.description.hasPrefix("test.xyz:\(line): "))
    }

    @Test func missingFileIsAnIOError() {
        #expect {
            try ExtXYZReader.read(path: "/nonexistent/data.xyz")
        } throws: { ($0 as? ExtXYZError)?.kind == .io }
    }
}
