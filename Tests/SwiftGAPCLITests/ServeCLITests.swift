import Atoms
import Foundation
import Interop
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("swiftgap serve", .serialized)
struct ServeCLITests {
    @Test func exactlyOneAddress() throws {
        for arguments in [["--unix", "a", "--port", "31415"], []] {
            let result = try swiftgap(["serve", "none.gap", "--structure", "none.xyz"] + arguments)
            #expect(result.status == 64 && result.stderr.contains("give exactly one of --unix and --port"), "\(result.stderr)")
        }
    }

    /// A fitted potential (with variance factors) serves a fake i-PI server in the test: the reply equals
    /// `swiftgap predict` on the same structure, the JSON extras carry the per-atom energies and variances, and
    /// EXIT ends the run with status 0. With nothing listening, `serve` gives up after --wait with a message.
    @Test func servesAFakeServerAsPredictComputes() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "3", "-o", folder.url.path]).status == 0)
        let fit = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("si.gap"), "--n-max", "3", "--l-max", "2", "--cutoff", "4.0",
            "--n-sparse", "20", "--e0", "average"
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        var structure = try #require(try ExtXYZReader(path: folder.path("test.xyz")).next())
        // Positions and cell that survive the trip to Bohr and back unchanged, so `serve` computes on exactly
        // the structure `predict` reads (a small model may turn one ulp into 1e-10 eV/Å).
        func survivor(_ x: Double) -> Double {
            var y = x
            for _ in 0..<20 where (y / Units.bohr) * Units.bohr != y { y = (y / Units.bohr) * Units.bohr }
            return y
        }
        structure.positions = structure.positions.map { SIMD3(survivor($0.x), survivor($0.y), survivor($0.z)) }
        structure.cell = Cell(try #require(Matrix3(rowMajor: structure.cell.matrix.rowMajor.map(survivor))))
        try ExtXYZWriter.write([structure], to: folder.path("start.xyz"))
        let predicted = try swiftgap([
            "predict", folder.path("si.gap"), folder.path("start.xyz"), "-o", folder.path("predicted.xyz")
        ])
        #expect(predicted.status == 0, "\(predicted.stderr)")
        let reference = try #require(try ExtXYZReader(path: folder.path("predicted.xyz")).next())

        let refused = try swiftgap([
            "serve", folder.path("si.gap"), "--structure", folder.path("start.xyz"), "--unix", folder.path("none"), "--wait", "0.2"
        ])
        #expect(
            refused.status == 1 && refused.stderr.contains("cannot connect to the i-PI server at unix socket"), "\(refused.stderr)")

        let socketPath = folder.path("socket")
        let listener = try UnixSockets.listen(at: socketPath)
        defer { close(listener) }
        let process = Process()
        var bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: bin.appendingPathComponent("swiftgap").path), bin.path != "/" {
            bin = bin.deletingLastPathComponent()
        }
        process.executableURL = bin.appendingPathComponent("swiftgap")
        process.arguments = [
            "serve", folder.path("si.gap"), "--structure", folder.path("start.xyz"), "--unix", socketPath, "--threads", "2"
        ]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let connection = IPIConnection(descriptor: accept(listener, nil, nil), timeout: 60, idleTimeout: 60)
        var source = connection
        var decoder = IPIDecoder()
        try connection.write(IPIMessage.status.encoded)
        #expect(try decoder.nextFromClient(&source) == .needInit)
        try connection.write(IPIMessage.initialize(IPIInitialization(bead: 0, parameters: [0])).encoded)
        try connection.write(IPIMessage.positions(IPIPositions(structure)).encoded + IPIMessage.getForce.encoded)
        guard case let .forceReady(payload) = try decoder.nextFromClient(&source, expectedAtoms: structure.count) else {
            Issue.record("no FORCEREADY")
            return
        }
        try connection.write(IPIMessage.exit.encoded)
        process.waitUntilExit()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(stderr)")
        #expect(stdout.contains("served 1 force requests over 1 connection(s); ended by exit"), "\(stdout)")

        let result = payload.calculation
        let energy = try #require(reference.info["gap_energy"]?.doubleValue)
        let forces = try #require(reference.arrays["gap_forces"]?.vectors)
        let variances = try #require(reference.arrays["gap_variance"]?.doubleValues)
        let energies = try #require(reference.arrays["gap_energies"]?.doubleValues)
        #expect(abs(result.energy - energy) <= 1e-10 * max(1, abs(energy)))
        #expect(zip(result.forces, forces).allSatisfy { norm($0 - $1) <= 1e-10 })
        let sentVariances = try #require(IPIExtras.values("variances", in: payload.extra))
        #expect(zip(sentVariances, variances).allSatisfy { abs($0 - $1) <= 1e-10 * max(1e-6, abs($1)) })
        #expect(zip(try #require(result.atomEnergies), energies).allSatisfy { abs($0 - $1) <= 1e-10 })
    }
}
