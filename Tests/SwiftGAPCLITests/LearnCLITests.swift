import Atoms
import Foundation
import GAP
import TestSupport
import Testing

/// `swiftgap learn`: the loop wired to files.
@Suite("swiftgap learn")
struct LearnCLITests {
    /// A quick Si data set in `folder`: train.xyz and test.xyz, and initial.xyz (4 of the 8-atom training
    /// configurations) and pool.xyz (the others).
    private func writeInitialAndPool(in folder: TemporaryFolder, seed: Int) throws {
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "\(seed)", "-o", folder.url.path]).status == 0)
        let train = try ExtXYZReader.read(path: folder.path("train.xyz")).filter { $0.count == 8 }
        try ExtXYZWriter.write(Array(train.prefix(4)), to: folder.path("initial.xyz"))
        try ExtXYZWriter.write(Array(train.dropFirst(4)), to: folder.path("pool.xyz"))
    }

    @Test func twoRoundsFromAPoolWriteTheLogLabelledSetPotentialAndPlot() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        try writeInitialAndPool(in: folder, seed: 21)
        let settings = ["--n-max", "4", "--l-max", "3", "--cutoff", "4", "--n-sparse", "30", "--e0", "average", "--threads", "2"]
        let learn = try swiftgap(
            [
                "learn", folder.path("initial.xyz"), "--pool", folder.path("pool.xyz"), "--oracle", "sw", "--rounds", "2",
                "--per-round", "2",
                "--test", folder.path("test.xyz"), "-o", folder.path("out")
            ] + settings)
        #expect(learn.status == 0, "\(learn.stderr)")
        #expect(
            learn.stdout.contains("round 2: 8 labelled, test energy RMSE") && learn.stdout.contains("stopped: rounds"),
            "\(learn.stdout)")
        let csv = try String(contentsOfFile: folder.path("out/learn.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 4 && csv[0].hasPrefix("round,labelled,test_energy_rmse"))
        #expect(csv.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] } == ["4", "6", "8"])
        #expect(try ExtXYZReader.read(path: folder.path("out/labelled.xyz")).count == 8)
        let info = try swiftgap(["info", "--json", folder.path("out/potential.gap")])
        let metadata = try JSONDecoder().decode(PotentialMetadata.self, from: Data(info.stdout.utf8))
        #expect(metadata.fit.trainingConfigurations == 8)
        let svg = try String(contentsOfFile: folder.path("out/learn.svg"), encoding: .utf8)
        #expect(svg.contains("test force RMSE") && svg.components(separatedBy: "<polyline").count == 3)
    }

    @Test func aSettingsFileWithA2BodyTermAndACorePotentialGiveLearnFitsModel() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        try writeInitialAndPool(in: folder, seed: 25)
        let twoBody = "distance_2b cutoff=4 n_sparse=8 covariance_type=ard_se delta=0.5 theta_uniform=1 sparse_method=uniform"
        let head = "\"format\": \"swiftgap fit settings\", \"version\": 1"
        try """
        {\(head), "options": {"n-max": 4, "l-max": 3, "cutoff": 4, "n-sparse": "30", "e0": "average", "gap": ["\(twoBody)"]}}
        """.write(toFile: folder.path("settings.json"), atomically: true, encoding: .utf8)
        let learn = try swiftgap([
            "learn", folder.path("initial.xyz"), "--pool", folder.path("pool.xyz"), "--oracle", "sw", "--rounds", "1",
            "--per-round", "2",
            "-o", folder.path("out"), "--settings", folder.path("settings.json"), "--core-zbl", "1.0:2.0", "--threads", "2"
        ])
        #expect(learn.status == 0, "\(learn.stderr)")
        #expect(learn.stdout.contains("settings from") && learn.stdout.contains("round 1: 6 labelled"), "\(learn.stdout)")
        let info = try swiftgap(["info", folder.path("out/potential.gap")])
        #expect(info.status == 0)
        #expect(info.stdout.contains("n_max 4") && info.stdout.contains("term 1") && info.stdout.contains("core"), "\(info.stdout)")
        // A fit option that learn does not take is named before anything runs.
        try """
        {\(head), "options": {"n-max": 4, "sparse-method": "random"}}
        """.write(toFile: folder.path("fit-only.json"), atomically: true, encoding: .utf8)
        let refused = try swiftgap([
            "learn", folder.path("initial.xyz"), "--pool", folder.path("pool.xyz"), "--oracle", "sw", "-o", folder.path("out2"),
            "--settings",
            folder.path("fit-only.json")
        ])
        #expect(refused.status != 0 && refused.stderr.contains("'sparse-method' is an option of fit"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("out2")))
        let noTerms = try swiftgap([
            "learn", folder.path("initial.xyz"), "--pool", folder.path("pool.xyz"), "--oracle", "sw", "-o", folder.path("out3"),
            "--no-soap"
        ])
        #expect(noTerms.status != 0 && noTerms.stderr.contains("--no-soap needs at least one --gap term"), "\(noTerms.stderr)")
    }

    @Test func impossibleRequestsFailBeforeTheFirstFit() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "22", "-o", folder.url.path]).status == 0)
        let base = ["learn", folder.path("train.xyz"), "-o", folder.path("out")]
        let lj = try swiftgap(base + ["--pool", folder.path("test.xyz"), "--oracle", "lj"])
        #expect(lj.status != 0 && lj.stderr.contains("contains Si, but the oracle labels only Ar, Kr"), "\(lj.stderr)")
        let neither = try swiftgap(base + ["--oracle", "sw"])
        #expect(neither.status != 0 && neither.stderr.contains("--pool and --md"), "\(neither.stderr)")
        let placeholder = try swiftgap(base + ["--pool", folder.path("test.xyz"), "--oracle-command", "dft.sh in out"])
        #expect(placeholder.status != 0 && placeholder.stderr.contains("{in}"), "\(placeholder.stderr)")
        let missing = try swiftgap(base + ["--pool", folder.path("nothing.xyz"), "--oracle", "sw"])
        #expect(missing.status != 0 && missing.stderr.contains("nothing.xyz"), "\(missing.stderr)")
        let budget = try swiftgap(base + ["--pool", folder.path("test.xyz"), "--oracle", "sw", "--budget", "soon"])
        #expect(budget.status != 0 && budget.stderr.contains("--budget"), "\(budget.stderr)")
    }
}
