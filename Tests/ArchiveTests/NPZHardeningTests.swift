import Archive
import Foundation
import Testing

/// Archives whose sizes, offsets and headers lie: every one is an `NPZError` naming the entry and the bad
/// value, checked before anything is allocated; none traps.
@Suite("NPZ archives with bad sizes, offsets and headers")
struct NPZHardeningTests {
    /// A small archive: a 2 × 3 float64 array, an int64 array and text.
    private var archive: [UInt8] {
        var writer = NPZWriter()
        writer.add("x", [1.0, 2, 3, 4, 5, 6], shape: [2, 3])
        writer.add("i", [7, -8], shape: [2])
        writer.add("note", text: "hello")
        return writer.bytes()
    }

    /// An archive of one entry `a.npy` holding `header` followed by `data`.
    private func single(_ header: [UInt8], data: [UInt8] = []) -> [UInt8] {
        var writer = NPZWriter()
        writer.add("a", npy: header + data)
        return writer.bytes()
    }

    /// A version-1 `.npy` header with the dictionary `dict`.
    private func header(_ dict: String, major: UInt8 = 1) -> [UInt8] {
        let text = Array(dict.utf8)
        return [0x93] + Array("NUMPY".utf8) + [major, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text
    }

    private func error(_ bytes: [UInt8]) -> NPZError? {
        do { _ = try NPZReader(bytes: bytes, name: "test.npz") } catch { return error }
        return nil
    }

    /// Offset of the first central directory record.
    private func centralRecord(_ bytes: [UInt8]) -> Int {
        (0..<(bytes.count - 4)).first { bytes[$0..<($0 + 4)] == [0x50, 0x4B, 0x01, 0x02] } ?? -1
    }

    private func put(_ value: UInt64, width: Int, at offset: Int, in bytes: inout [UInt8]) {
        for k in 0..<width { bytes[offset + k] = UInt8((value >> (8 * UInt64(k))) & 0xFF) }
    }

    @Test func readsFromMemoryAsFromAFile() throws {
        let npz = try NPZReader(bytes: archive, name: "memory")
        #expect(npz.doubles("x")?.shape == [2, 3] && npz.doubles("x")?.values == [1, 2, 3, 4, 5, 6])
        #expect(npz.ints("i")?.values == [7, -8] && npz.text("note") == "hello")
        #expect(try NPZReader(bytes: Data(archive), name: "data").arrays == npz.arrays)
    }

    @Test func hugeShapesAreErrorsBeforeAllocation() {
        let huge = error(single(NPZWriter.header(descr: "<f8", shape: [Int.max, 496]), data: [UInt8](repeating: 0, count: 64)))
        #expect(huge?.entry == "a.npy" && huge?.path == "test.npz" && huge?.problem.contains("9223372036854775807") == true)
        // Dimensions whose product overflows Int, and an empty dimension next to a huge one that is fine.
        let overflow = error(
            single(NPZWriter.header(descr: "<f8", shape: [1 << 32, 1 << 32, 4]), data: [UInt8](repeating: 0, count: 8)))
        #expect(overflow?.problem.contains("more elements") == true)
        #expect(error(single(NPZWriter.header(descr: "<f8", shape: [0, Int.max]))) == nil)
        // An element count within Int but far past the data bytes.
        #expect(error(single(NPZWriter.header(descr: "<f8", shape: [Int.max / 4]), data: [UInt8](repeating: 0, count: 16))) != nil)
    }

    @Test(arguments: [
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }", "not a count"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, abc), }", "not a count"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", "not a count"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (3, }", "shape"),
        ("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", "dtype"),
        ("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", "Fortran"),
        ("{'descr': '<f8, 'shape': (2,), }", "fortran_order"),
        ("{'descr': '<f8', 'fortran_order': False, 'shape': (" + String(repeating: "1,", count: 40) + "), }", "dimensions")
    ])
    func badHeadersAreErrors(dict: String, says: String) {
        let e = error(single(header(dict), data: [UInt8](repeating: 0, count: 16)))
        #expect(e?.entry == "a.npy" && e?.problem.contains(says) == true, "\(String(describing: e))")
    }

    @Test func badHeaderLengthsAndVersionsAreErrors() {
        // Version 2 header claiming 4 GB, version 1 header longer than the payload, an unknown version.
        var long = header("{}", major: 2)
        long.replaceSubrange(8..<10, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(error(single(long))?.problem.contains("header of 4294967295 bytes") == true)
        var past = header("{}")
        past[8] = 200
        #expect(error(single(past))?.problem.contains("longer than") == true)
        #expect(error(single(header("{}", major: 9)))?.problem.contains("version 9") == true)
        #expect(error(single([0x93, 0x4E]))?.problem.contains("not a .npy") == true)
    }

    @Test func directorySizesAndOffsetsBeyondTheFileAreErrors() throws {
        let good = archive
        let record = centralRecord(good)
        try #require(record > 0)
        var size = good
        put(0xFFFF_FFF0, width: 4, at: record + 20, in: &size)
        put(0xFFFF_FFF0, width: 4, at: record + 24, in: &size)
        #expect(error(size)?.problem.contains("4294967280") == true)
        var local = good
        put(0xFFFF_FF00, width: 4, at: record + 42, in: &local)
        #expect(error(local)?.problem.contains("local header offset") == true)
        var names = good
        put(0xFFFF, width: 2, at: record + 28, in: &names)
        #expect(error(names) != nil)
        // End record: a central directory past the end, and more entries than it can hold.
        let eocd = good.count - 22
        var offset = good
        put(0x7FFF_FFF0, width: 4, at: eocd + 16, in: &offset)
        #expect(error(offset)?.problem.contains("central directory offset") == true)
        var entries = good
        put(0xFFFE, width: 2, at: eocd + 10, in: &entries)
        #expect(error(entries)?.problem.contains("65534 entries") == true)
    }

    @Test func zip64FieldsBeyondTheFileAreErrors() throws {
        let good = archive
        let eocd = good.count - 22
        // ZIP64 markers in the end record, with a locator pointing at an offset past Int.max.
        var locator = good
        put(0xFFFF, width: 2, at: eocd + 10, in: &locator)
        #expect(error(locator)?.problem.contains("ZIP64 locator") == true)
        var far =
            Array(good[..<eocd]) + [0x50, 0x4B, 0x06, 0x07, 0, 0, 0, 0] + [UInt8](repeating: 0xFF, count: 8) + [1, 0, 0, 0]
            + Array(good[eocd...])
        put(0xFFFF, width: 2, at: far.count - 22 + 10, in: &far)
        #expect(error(far)?.problem.contains("18446744073709551615") == true)
        // A central record whose sizes say "in the ZIP64 field", with the field giving 2⁶⁴ − 1.
        let zip64 = try ziplike(sizeField: UInt64.max)
        #expect(error(zip64)?.problem.contains("ZIP64 size 18446744073709551615") == true)
    }

    /// `archive` with its first entry's sizes moved to a ZIP64 extra field holding `sizeField`.
    private func ziplike(sizeField: UInt64) throws -> [UInt8] {
        let good = archive
        let record = centralRecord(good)
        try #require(record > 0)
        let nameLength = Int(good[record + 28]) | Int(good[record + 29]) << 8
        var extra: [UInt8] = [1, 0, 16, 0]
        for _ in 0..<2 { for k in 0..<8 { extra.append(UInt8((sizeField >> (8 * UInt64(k))) & 0xFF)) } }
        var bytes = Array(good[..<(record + 46 + nameLength)]) + extra + Array(good[(record + 46 + nameLength)...])
        put(0xFFFF_FFFF, width: 4, at: record + 20, in: &bytes)
        put(0xFFFF_FFFF, width: 4, at: record + 24, in: &bytes)
        put(UInt64(extra.count), width: 2, at: record + 30, in: &bytes)
        let eocd = bytes.count - 22
        let centralSize = Int(bytes[eocd + 12]) | Int(bytes[eocd + 13]) << 8
        put(UInt64(centralSize + extra.count), width: 4, at: eocd + 12, in: &bytes)
        return bytes
    }

    @Test func duplicateAndCompressedEntriesAreErrors() throws {
        var writer = NPZWriter()
        writer.add("a", [1.0], shape: [1])
        writer.add("a", [2.0], shape: [1])
        #expect(error(writer.bytes())?.problem.contains("twice") == true)
        var compressed = archive
        put(8, width: 2, at: centralRecord(compressed) + 10, in: &compressed)
        #expect(error(compressed)?.problem.contains("compressed") == true)
    }

    @Test func everyTruncationAndByteFlipIsAnErrorOrReadsNotATrap() {
        let good = archive
        for length in 0..<good.count {
            #expect(error(Array(good.prefix(length))) != nil, "prefix \(length)")
        }
        for k in good.indices {
            var flipped = good
            flipped[k] ^= 0xFF
            _ = error(flipped)
        }
    }
}
