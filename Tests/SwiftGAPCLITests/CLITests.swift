import Atoms
import Foundation
import Testing

/// Runs the built `swiftgap` executable (it sits next to the test bundle).
private func swiftgap(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("swiftgap").path), folder.path != "/" {
        folder = folder.deletingLastPathComponent()
    }
    let process = Process()
    process.executableURL = folder.appendingPathComponent("swiftgap")
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("swiftgap-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("swiftgap command line")
struct CLITests {
    @Test func generateThenInfoAsJSON() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("si.xyz").path
        let generated = try swiftgap(["generate", "si-sw", "--seed", "5", "-o", file])
        #expect(generated.status == 0, "\(generated.stderr)")
        let info = try swiftgap(["info", "--json", file, file])
        #expect(info.status == 0, "\(info.stderr)")
        let lines = info.stdout.split(separator: "\n")
        #expect(lines.count == 2, "one JSON object per file")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["file", "configurations", "atoms", "species", "periodic", "info_keys", "array_keys", "config_types"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["configurations"] as? Int == 24)
        #expect((object["species"] as? [String: Int])?["Si"] == (object["atoms"] as? [String: Any])?["total"] as? Int)
        #expect((object["array_keys"] as? [String: Int])?["forces"] == 24)
        let table = try swiftgap(["info", file])
        #expect(table.stdout.contains("configurations") && table.stdout.contains("bulk_strained"))
    }

    @Test func describeWritesTheDocumentedArrays() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("si.xyz").path, out = folder.appendingPathComponent("d.npz").path
        #expect(try swiftgap(["generate", "si-sw", "-o", data]).status == 0)
        let soap = try swiftgap(["describe", data, "-o", out, "--n-max", "3", "--l-max", "2", "--cutoff", "4", "--derivatives"])
        #expect(soap.status == 0, "\(soap.stderr)")
        let npz = try NPZReader(path: out)
        let q = try #require(npz.doubles("descriptors"))
        let rows = q.shape[0], D = q.shape[1]
        #expect(D == 3 * 4 / 2 * 3 + 1, "QUIP layout: (l_max+1)·K(K+1)/2 + 1")
        #expect(npz.ints("structure")?.values.count == rows && npz.ints("center")?.values.count == rows)
        let g = try #require(npz.doubles("gradients"))
        #expect(g.shape.count == 3 && g.shape[1] == 3 && g.shape[2] == D)
        #expect(npz.ints("gradient_row")?.values.count == g.shape[0] && npz.ints("gradient_atom")?.values.count == g.shape[0])
        #expect(npz.text("settings")?.contains("\"layout\":\"quip\"") == true)

        let averaged = try swiftgap(["describe", data, "-o", out, "--layout", "dscribe", "--average", "inner",
                                     "--n-max", "2", "--l-max", "2"])
        #expect(averaged.status == 0, "\(averaged.stderr)")
        #expect(try NPZReader(path: out).ints("center")?.values.allSatisfy { $0 == -1 } == true)

        let cm = try swiftgap(["describe", data, "-o", out, "--descriptor", "coulomb-matrix", "--permutation", "eigenspectrum"])
        #expect(cm.status == 0, "\(cm.stderr)")
        #expect(try NPZReader(path: out).doubles("descriptors")?.shape == [24, 65])

        let bad = try swiftgap(["describe", data, "-o", out, "--l-max", "21"])
        #expect(bad.status != 0 && bad.stderr.contains("l_max"))
        let unknown = try swiftgap(["describe", data, "-o", out, "--species", "C,O"])
        #expect(unknown.status != 0 && unknown.stderr.contains("Si is not"))
    }

    @Test func malformedFileFailsWithFileAndLine() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.xyz").path
        try "2\nenergy=1\nSi 0 0 0\nSi 1 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try swiftgap(["info", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.xyz:4:"), "\(result.stderr)")
        let missing = try swiftgap(["info", folder.appendingPathComponent("nope.xyz").path])
        #expect(missing.status != 0 && missing.stderr.contains("cannot open"))
    }
}
