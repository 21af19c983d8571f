import Archive
import Atoms
import Foundation
import Support
import TestSupport
import Testing

@Suite("NPZ archives")
struct NPZTests {
    /// Each test's files, removed after it.
    private let folder: TemporaryFolder

    init() throws { folder = try TemporaryFolder(prefix: "swiftgap-npz") }

    @Test func readsWhatNumpyWrites() throws {
        let npz = try NPZReader(path: Fixtures.url("numpy_savez.npz").path)
        let matrix = try #require(npz.doubles("matrix"))
        #expect(matrix.shape == [3, 4])
        #expect(matrix.values == (0..<12).map { Double($0) / 7.0 })
        #expect(npz.ints("index")?.values == [3, -1, 5])
        #expect(npz.text("note") == "ünïcode text")
    }

    @Test(arguments: [false, true])
    func roundTrip(zip64: Bool) throws {
        let path = folder.path("a.npz")
        var writer = NPZWriter()
        let values = (0..<1000).map { sin(Double($0)) * 1e-300 + Double($0) }
        writer.add("descriptors", values, shape: [10, 100])
        writer.add("center", [0, -1, 7], shape: [3])
        writer.add("settings", text: "{\"a\": 1}")
        writer.add("empty", [Double](), shape: [0, 5])
        // An array handed over in pieces (as a triangle's columns are): the same bytes as one buffer.
        writer.add("pieces", count: 1000) { visit throws(AtomicFileError) in
            try values.withUnsafeBufferPointer { all throws(AtomicFileError) in
                for start in stride(from: 0, to: 1000, by: 300) {
                    try visit(UnsafeBufferPointer(rebasing: all[start..<min(start + 300, 1000)]))
                }
            }
        }
        try writer.write(to: path, zip64Limit: zip64 ? 16 : 0xFFFF_FFFF)
        #expect(try NPZReader(path: path).doubles("pieces").map { $0.values.map(\.bitPattern) } == values.map(\.bitPattern))
        let npz = try NPZReader(path: path)
        #expect(npz.doubles("descriptors")?.values.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(npz.doubles("descriptors")?.shape == [10, 100])
        #expect(npz.ints("center")?.values == [0, -1, 7])
        #expect(npz.text("settings") == "{\"a\": 1}")
        #expect(npz.doubles("empty")?.shape == [0, 5])
    }

    @Test func truncatedAndCorruptArchivesAreErrors() throws {
        let path = folder.path("b.npz")
        var writer = NPZWriter()
        writer.add("x", [1, 2, 3], shape: [3])
        try writer.write(to: path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 30).write(to: URL(fileURLWithPath: path))
        #expect(throws: NPZError.self) { try NPZReader(path: path) }
        bytes[80] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect { try NPZReader(path: path) } throws: { ($0 as? NPZError)?.problem.contains("checksum") == true }
        #expect(throws: NPZError.self) { try NPZReader(path: path + ".missing") }
    }
}
