import Foundation
import TestSupport
import Testing

@testable import Atoms

/// Reads every frame of `bytes`; the error that stopped the reader, or nil when all frames parse.
private func failure(_ bytes: [UInt8]) -> ExtXYZError? {
    let reader = ExtXYZReader(bytes: bytes, name: "hard.xyz")
    do {
        while try reader.next() != nil {}
        return nil
    } catch {
        return error
    }
}

private func failure(_ text: String) -> ExtXYZError? { failure(Array(text.utf8)) }

private func frames(_ text: String) throws -> [Structure] {
    let reader = ExtXYZReader(text: text, name: "hard.xyz")
    var out = [Structure]()
    while let s = try reader.next() { out.append(s) }
    return out
}

/// Asserts that `text` fails with `kind` at `line`, and that the message names `value`.
private func expectFailure(
    _ text: String, _ kind: ExtXYZError.Kind, line: Int, naming value: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let error = try #require(failure(text), sourceLocation: sourceLocation)
    #expect(error.kind == kind, "\(error)", sourceLocation: sourceLocation)
    #expect(error.line == line, "\(error)", sourceLocation: sourceLocation)
    #expect(error.file == "hard.xyz", sourceLocation: sourceLocation)
    #expect(error.message.contains(value), "\(error)", sourceLocation: sourceLocation)
}

/// A file written in `folder` (removed with it).
private func temporaryFile(_ text: String, in folder: TemporaryFolder) throws -> URL {
    let url = folder.url.appendingPathComponent("hardening.xyz")
    try Data(text.utf8).write(to: url)
    return url
}

@Suite("extxyz reader: absurd sizes are errors before anything is allocated")
struct ExtXYZSizeHardeningTests {
    @Test(arguments: ["1000000000000", "2147483648", "9223372036854775807", "1073741825"])
    func hugeAtomCount(count: String) throws {
        try expectFailure("\(count)\nProperties=species:S:1:pos:R:3\nSi 0 0 0\n", .badAtomCount, line: 1, naming: count)
    }

    @Test(arguments: ["99999999999999999999", "-1", "-9223372036854775808", "1e3", "١٢"])
    func atomCountThatIsNoCount(count: String) throws {
        try expectFailure("\(count)\nx\nSi 0 0 0\n", .badAtomCount, line: 1, naming: count)
    }

    @Test func atomCountBeyondTheRemainingBytes() throws {
        try expectFailure("2\nH2 molecule\nH 0 0 0\nH 0 0 0.74\n100000\nx\nH 0 0 0\n", .badAtomCount, line: 5, naming: "100000")
        let error = try #require(failure("100000\nx\nH 0 0 0\n"))
        #expect(error.message.contains("only 8 bytes follow"), "\(error)")
    }

    @Test func atomCountBeyondARegularFile() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-hardening")
        let url = try temporaryFile("1\nx\nH 0 0 0\n500000\nx\nH 0 0 0\n", in: folder)
        let reader = try ExtXYZReader(path: url.path)
        #expect(try reader.next()?.count == 1)
        let error = try #require(#expect(throws: ExtXYZError.self) { try reader.next() })
        #expect(error.kind == .badAtomCount && error.line == 4 && error.message.contains("500000"), "\(error)")
    }

    @Test func atomCountBeyondAPipeIsTruncationAsLinesArrive() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        let text = Array("1000000\nx\nH 0 0 0\n".utf8)
        #expect(write(ends[1], text, text.count) == text.count)
        close(ends[1])
        defer { close(ends[0]) }
        let reader = try ExtXYZReader(path: "/dev/fd/\(ends[0])")
        let error = try #require(#expect(throws: ExtXYZError.self) { try reader.next() })
        #expect(error.kind == .truncated && error.line == 3 && error.message.contains("1 of 1000000"), "\(error)")
    }

    @Test(arguments: [
        "species:S:1:pos:R:3:x:S:9223372036854775807", "species:S:1:pos:R:3:x:R:1000000000000",
        "species:S:1:pos:R:3:x:I:1048573", "species:S:1:pos:R:3:x:L:1048572:y:L:1048572"
    ])
    func hugeColumnWidth(properties: String) throws {
        let width = String(try #require(properties.split(separator: ":").last))
        try expectFailure("1\nProperties=\(properties)\nSi 0 0 0 1\n", .badHeader, line: 2, naming: width)
        try expectFailure("0\nProperties=\(properties)\n", .badHeader, line: 2, naming: width)
    }

    @Test func widestAllowedPropertiesStillParse() throws {
        let s = try #require(try frames("0\nProperties=species:S:1:pos:R:3:x:L:1048572\n").first)
        #expect(s.count == 0)
    }

    @Test(arguments: ["0", "-3", "x", "99999999999999999999", "", "3.0", "+"])
    func badColumnWidth(width: String) throws {
        try expectFailure(
            "1\nProperties=species:S:1:pos:R:3:f:R:\(width)\nSi 0 0 0 1\n", .badHeader, line: 2,
            naming: "width '\(width)'")
    }

    @Test(arguments: ["species:S:1:pos:R:3:pos:R:3", "species:S:1:pos:R:3:f:R:3:f:I:1", "species:S:1:species:S:1:pos:R:3"])
    func duplicatedColumnName(properties: String) throws {
        try expectFailure("1\nProperties=\(properties)\nSi 0 0 0 0 0 0\n", .badHeader, line: 2, naming: "twice")
    }

    @Test(arguments: ["species:S:1:pos:R", "species:S:1:pos:Q:3", ":S:1:pos:R:3", "species:SS:1:pos:R:3"])
    func malformedProperties(properties: String) throws {
        try expectFailure("1\nProperties=\(properties)\nSi 0 0 0\n", .badHeader, line: 2, naming: properties)
    }

    @Test func longLineIsAnErrorNotAnEndlessBuffer() throws {
        let text = "1\n" + String(repeating: "k=v ", count: 20) + "\nSi 0 0 0\n"
        let lines = ByteLineReader(source: MemoryByteSource(Array(text.utf8)), chunkSize: 8, maximumLineLength: 32)
        #expect(try lines.nextLine()?.count == 1)
        let error = try #require(#expect(throws: LineReadFailure.self) { try lines.nextLine() })
        guard case .tooLong(32) = error else {
            Issue.record("expected tooLong(32), got \(error)")
            return
        }
    }
}

@Suite("extxyz reader: odd values, line ends and bytes")
struct ExtXYZValueHardeningTests {
    @Test(arguments: ["nan", "inf", "-inf", "NaN", "1e999"])
    func nonFiniteLattice(value: String) throws {
        try expectFailure("1\nLattice=\"\(value) 0 0 0 4 0 0 0 4\"\nSi 0 0 0\n", .badHeader, line: 2, naming: value)
    }

    @Test(arguments: ["nan", "inf", "-Infinity", "1e400"])
    func nonFinitePosition(value: String) throws {
        try expectFailure("2\nx\nSi 0 0 0\nSi 0 \(value) 0\n", .badPositions, line: 4, naming: "atom 1")
    }

    @Test(arguments: ["9223372036854775808", "-9223372036854775809", "99999999999999999999999999"])
    func integerColumnOverflow(token: String) throws {
        try expectFailure("1\nProperties=species:S:1:pos:R:3:tag:I:1\nSi 0 0 0 \(token)\n", .badValue, line: 3, naming: token)
    }

    @Test func largestIntegersParse() throws {
        let s = try #require(
            try frames("1\nProperties=species:S:1:pos:R:3:tag:I:2\nSi 0 0 0 9223372036854775807 -9223372036854775807\n").first)
        #expect(s.arrays["tag"] == .ints([Int.max, -Int.max], width: 2))
    }

    @Test func crOnlyLineEndsReadAsLines() throws {
        let lf = "2\nLattice=\"4 0 0 0 4 0 0 0 4\" Properties=species:S:1:pos:R:3 e=-1.5\nSi 0 0 0\nSi 1 1 1\n1\nplain\nH 0 0 1\n"
        let expected = try frames(lf)
        #expect(expected.count == 2)
        #expect(try frames(lf.replacingOccurrences(of: "\n", with: "\r")) == expected)
        #expect(try frames(lf.replacingOccurrences(of: "\n", with: "\r\n")) == expected)
        // Without a final line end either.
        #expect(try frames(String(lf.replacingOccurrences(of: "\n", with: "\r").dropLast())) == expected)
    }

    @Test func crInsideALineEndsIt() throws {
        // As with Python's universal newlines, "Si 0 0\r0" is two lines, so the atom line is short.
        try expectFailure("1\nx\nSi 0 0\r0\n", .wrongColumnCount, line: 3, naming: "found 3 columns")
        // A CR at a buffer boundary before LF is still one line end.
        let text = "1\nx\r\nSi 0 0 0\r\n"
        let lines = ByteLineReader(source: MemoryByteSource(Array(text.utf8)), chunkSize: 3)
        var all = [String]()
        while let line = try lines.nextLine() { all.append(String(decoding: line, as: UTF8.self)) }
        #expect(all == ["1", "x", "Si 0 0 0"])
    }

    @Test func unicodeAndInvalidUTF8() throws {
        try expectFailure("1\nx\nÜ 0 0 0\n", .unknownElement, line: 3, naming: "Ü")
        let s = try #require(try frames("1\nnote=\"Grüße 🧪\" Properties=species:S:1:pos:R:3:tag:S:1\nSi 0 0 0 α\n").first)
        #expect(s.info["note"] == .string("Grüße 🧪"))
        #expect(s.arrays["tag"] == .strings(["α"], width: 1))
        var bytes = Array("1\nkey=\"".utf8) + [0xFF, 0xC3] + Array("\"\nSi 0 0 0\n".utf8)
        #expect(failure(bytes) == nil)
        bytes = Array("1\nx\nSi 0 0 ".utf8) + [0xFF, 0x00, 0x31] + Array("\n".utf8)
        #expect(failure(bytes)?.kind == .badValue)
    }

    @Test func emptyAndBlankInputsHaveNoFrames() throws {
        #expect(try frames("").isEmpty)
        #expect(try frames("\n \n\t\n\r\r\n").isEmpty)
    }

    @Test func bytesInitializerReadsLikeText() throws {
        let text = "1\nProperties=species:S:1:pos:R:3:q:R:1 e=2\nO 0 0 0.5 -0.8\n"
        let reader = ExtXYZReader(bytes: Array(text.utf8), name: "b.xyz")
        #expect(try reader.next() == frames(text).first)
        #expect(try reader.next() == nil)
    }
}

@Suite("extxyz writer: frames the reader accepts are written back readably")
struct ExtXYZWriterHardeningTests {
    @Test func columnNameNeedingQuotesRoundTrips() throws {
        let s = try #require(try frames("1\nProperties=\"species:S:1:pos:R:3:a b:R:1\"\nSi 0 0 0 1.5\n").first)
        #expect(try frames(ExtXYZWriter.format(s)) == [s])
    }

    /// Found by FuzzExtXYZ: a quote followed by a combining mark (one Character) was written unescaped.
    @Test func quoteWithCombiningMarkRoundTrips() throws {
        let input =
            "MQphPTEgYj0iMiIgYz0zLjUxRSszLjVdIHcgZD0iNC41ZS0zIiBlPS03IGY9MUUrMy41XSB3b3Jkcz1beiwgeV0gaj0iX0pTT04ge1wia1wizJ8AMjAgMl19IgpOZSAwIDAgMAo="
        let bytes = [UInt8](try #require(Data(base64Encoded: input)))
        let reader = ExtXYZReader(bytes: bytes, name: "fuzz.xyz")
        let s = try #require(try reader.next())
        #expect(try frames(ExtXYZWriter.format(s)) == [s])
    }

    @Test func arrayNamedSpeciesIsAWriteError() throws {
        let s = try #require(try frames("1\nProperties=Z:I:1:pos:R:3:species:R:1\n14 0 0 0 1\n").first)
        let error = try #require(#expect(throws: ExtXYZError.self) { try ExtXYZWriter.format(s, file: "out.xyz") })
        #expect(error.kind == .badValue && error.file == "out.xyz" && error.message.contains("'species'"), "\(error)")
    }
}
