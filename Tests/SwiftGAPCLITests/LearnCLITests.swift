import Atoms
import Foundation
import GAP
import Testing

/// `swiftgap learn`: the loop wired to files.
@Suite("swiftgap learn")
struct LearnCLITests {
    @Test func twoRoundsFromAPoolWriteTheLogLabelledSetPotentialAndPlot() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "21", "-o", folder.path]).status == 0)
        let train = try ExtXYZReader.read(path: path("train.xyz")).filter { $0.count == 8 }
        try ExtXYZWriter.write(Array(train.prefix(4)), to: path("initial.xyz"))
        try ExtXYZWriter.write(Array(train.dropFirst(4)), to: path("pool.xyz"))
        let settings = ["--n-max", "4", "--l-max", "3", "--cutoff", "4", "--n-sparse", "30", "--e0", "average", "--threads", "2"]
        let learn = try swiftgap(
            [
                "learn", path("initial.xyz"), "--pool", path("pool.xyz"), "--oracle", "sw", "--rounds", "2", "--per-round", "2",
                "--test", path("test.xyz"), "-o", path("out")
            ] + settings)
        #expect(learn.status == 0, "\(learn.stderr)")
        #expect(
            learn.stdout.contains("round 2: 8 labelled, test energy RMSE") && learn.stdout.contains("stopped: rounds"),
            "\(learn.stdout)")
        let csv = try String(contentsOfFile: path("out/learn.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 4 && csv[0].hasPrefix("round,labelled,test_energy_rmse"))
        #expect(csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] } == ["4", "6", "8"])
        #expect(try ExtXYZReader.read(path: path("out/labelled.xyz")).count == 8)
        let info = try swiftgap(["info", "--json", path("out/potential.gap")])
        let metadata = try JSONDecoder().decode(PotentialMetadata.self, from: Data(info.stdout.utf8))
        #expect(metadata.fit.trainingConfigurations == 8)
        let svg = try String(contentsOfFile: path("out/learn.svg"), encoding: .utf8)
        #expect(svg.contains("test force RMSE") && svg.components(separatedBy: "<polyline").count == 3)
    }

    @Test func impossibleRequestsFailBeforeTheFirstFit() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "22", "-o", folder.path]).status == 0)
        let base = ["learn", path("train.xyz"), "-o", path("out")]
        let lj = try swiftgap(base + ["--pool", path("test.xyz"), "--oracle", "lj"])
        #expect(lj.status != 0 && lj.stderr.contains("contains Si, but the oracle labels only Ar, Kr"), "\(lj.stderr)")
        let neither = try swiftgap(base + ["--oracle", "sw"])
        #expect(neither.status != 0 && neither.stderr.contains("--pool and --md"), "\(neither.stderr)")
        let placeholder = try swiftgap(base + ["--pool", path("test.xyz"), "--oracle-command", "dft.sh in out"])
        #expect(placeholder.status != 0 && placeholder.stderr.contains("{in}"), "\(placeholder.stderr)")
        let missing = try swiftgap(base + ["--pool", path("nothing.xyz"), "--oracle", "sw"])
        #expect(missing.status != 0 && missing.stderr.contains("nothing.xyz"), "\(missing.stderr)")
        let budget = try swiftgap(base + ["--pool", path("test.xyz"), "--oracle", "sw", "--budget", "soon"])
        #expect(budget.status != 0 && budget.stderr.contains("--budget"), "\(budget.stderr)")
    }
}
