import Foundation
import TestSupport
import Testing

/// Two silicon atoms in a periodic cell with energy and forces (extxyz).
private func silicon(energy: Double, separation: Double = 2.35, element: String = "Si") -> String {
    """
    2
    Lattice="5.43 0 0 0 5.43 0 0 0 5.43" Properties=species:S:1:pos:R:3:forces:R:3 energy=\(energy) pbc="T T T"
    Si 0 0 0 0.1 0 0
    \(element) \(separation) 0 0 -0.1 0 0

    """
}

/// Input files in a fresh folder: train.xyz (two Si frames), test.xyz (Si), carbon.xyz (C in its second
/// frame, line 5), empty.xyz (no frames), close.xyz (atoms 0.3 Å apart), a file named taken.txt and a folder.
private struct Workspace {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder(prefix: "swiftgap-cli")
        try write("train.xyz", silicon(energy: -8) + silicon(energy: -7.9, separation: 2.4))
        try write("test.xyz", silicon(energy: -8.1))
        try write("carbon.xyz", silicon(energy: -8) + silicon(energy: -9, element: "C"))
        try write("empty.xyz", "")
        try write("close.xyz", silicon(energy: -8) + silicon(energy: -1, separation: 0.3))
        try write("taken.txt", "x")
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("sub"), withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { folder.path(name) }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }
}

/// Runs `swiftgap` and checks that it failed with a message containing every one of `needles` and the usage
/// line of `subcommand` (not the top-level one).
private func expectFailure(_ arguments: [String], _ needles: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let result = try swiftgap(arguments)
    let subcommand = arguments[0]
    #expect(result.status != 0, "exit status of \(arguments)", sourceLocation: sourceLocation)
    for needle in needles {
        #expect(result.stderr.contains(needle), "'\(needle)' in: \(result.stderr)", sourceLocation: sourceLocation)
    }
    #expect(
        result.stderr.contains("Usage: swiftgap \(subcommand) "), "usage of \(subcommand) in: \(result.stderr)",
        sourceLocation: sourceLocation)
    #expect(
        !result.stderr.contains("Missing value") && !result.stderr.contains("NSCocoaErrorDomain")
            && !result.stderr.contains("couldn’t be"), "\(result.stderr)", sourceLocation: sourceLocation)
}

@Suite("swiftgap validates before it works")
struct CLIValidationTests {
    @Test func fitChecksTheTestFileUpFront() throws {
        let w = try Workspace()
        try expectFailure(
            ["fit", w.path("train.xyz"), "-o", w.path("si.gap"), "--test", w.path("nope.xyz")],
            ["test file", "nope.xyz", "cannot open"])
        try expectFailure(
            ["fit", w.path("train.xyz"), "-o", w.path("si.gap"), "--test", w.path("carbon.xyz")],
            ["test file", "carbon.xyz:5", "contains C", "not in the training set"])
        try expectFailure(
            ["fit", w.path("train.xyz"), "-o", w.path("si.gap"), "--test", w.path("empty.xyz")],
            ["test file", "empty.xyz", "no configurations"])
        #expect(!FileManager.default.fileExists(atPath: w.path("si.gap")), "nothing written")
    }

    @Test func fitChecksItsOutputsUpFront() throws {
        let w = try Workspace()
        let fit = ["fit", w.path("train.xyz")]
        try expectFailure(fit + ["-o", w.path("sub")], ["-o", "sub", "is a folder"])
        try expectFailure(fit + ["-o", w.path("train.xyz")], ["-o", "training file"])
        try expectFailure(fit + ["-o", w.path("test.xyz"), "--test", w.path("test.xyz")], ["-o", "test file"])
        try expectFailure(
            fit + ["-o", w.path("si.gap"), "--metrics", w.path("missing/m.json")], ["--metrics", "missing", "does not exist"])
        try expectFailure(
            fit + ["-o", w.path("si.gap"), "--sparse-output", w.path("missing/s.txt")], ["--sparse-output", "does not exist"])
        try expectFailure(fit + ["-o", w.path("si.gap"), "--report", w.path("taken.txt/r")], ["--report", "taken.txt", "is a file"])
        try expectFailure(fit + ["-o", w.path("taken.txt/si.gap")], ["-o", "taken.txt", "is a file, not a folder"])
        try expectFailure(fit + ["-o", w.path("si.gap"), "--metrics", w.path("si.gap")], ["-o", "--metrics", "own path"])
        try expectFailure(["fit", w.path("empty.xyz"), "-o", w.path("si.gap")], ["training file", "empty.xyz", "no configurations"])
        #expect(!FileManager.default.fileExists(atPath: w.path("si.gap")), "nothing written")
    }

    /// Outputs where no file can be created (here /proc, whose permission bits say writable) are refused before
    /// any work, with the system's reason rather than "does not exist".
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self")))
    func fitTriesEveryOutputUpFront() throws {
        let w = try Workspace()
        let fit = ["fit", w.path("train.xyz"), "-o", w.path("si.gap"), "--e0", "average"]
        for (option, path) in [
            ("--metrics", "/proc/m.json"), ("--sparse-output", "/proc/s.txt"), ("--report", "/proc/rep"),
            ("--report", "/proc/rep/deeper")
        ] {
            let result = try swiftgap(fit + [option, path])
            #expect(result.status != 0 && !result.stdout.contains("estimate:"), "\(option) \(path): \(result.stdout)")
            #expect(
                result.stderr.contains("\(option) \(path): the folder '/proc' does not accept new files"),
                "\(result.stderr)")
        }
        try expectFailure(["fit", w.path("train.xyz"), "-o", "/proc/si.gap"], ["-o /proc/si.gap", "does not accept new files"])
        let describe = try swiftgap(["describe", w.path("train.xyz"), "-o", "/proc/d.npz"])
        #expect(describe.status != 0 && !describe.stderr.contains("descriptors:"), "\(describe.stderr)")
        #expect(describe.stderr.contains("-o /proc/d.npz: the folder '/proc' does not accept new files"), "\(describe.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("si.gap")), "nothing written")
    }

    /// An output that fails after the fit (the report's index.html is a folder) leaves no potential behind, and
    /// an --n-sparse above an element's atoms is refused before the first descriptor (no estimate line).
    @Test func fitWritesThePotentialOnlyWhenEverythingElseIsWritten() throws {
        let w = try Workspace()
        let fit = ["fit", w.path("train.xyz"), "-o", w.path("si.gap"), "--e0", "average", "--n-max", "2", "--l-max", "2"]
        try FileManager.default.createDirectory(atPath: w.path("rep/index.html"), withIntermediateDirectories: true)
        let failed = try swiftgap(fit + ["--n-sparse", "2", "--report", w.path("rep"), "--metrics", w.path("m.json")])
        #expect(failed.status != 0 && failed.stderr.contains("index.html"), "\(failed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: w.path("si.gap")), "no potential after a failed output")
        #expect(!FileManager.default.fileExists(atPath: w.path("m.json")), "the metrics come after the report")
        let written = try swiftgap(fit + ["--n-sparse", "2", "--metrics", w.path("m.json")])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(FileManager.default.fileExists(atPath: w.path("si.gap")))
        // The metrics are written before the potential: their times end where its writing starts.
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.path("m.json"))))
        let seconds = try #require((metrics as? [String: Any])?["seconds"] as? [String: Double])
        #expect(seconds["total"] != nil && seconds["write potential"] == nil && written.stdout.contains("write potential"))
        let tooMany = try swiftgap(fit + ["--n-sparse", "10"])
        #expect(tooMany.status != 0 && !tooMany.stdout.contains("estimate:"), "\(tooMany.stdout)")
        #expect(tooMany.stderr.contains("Si has 4 atoms in the training set, fewer than the 10"), "\(tooMany.stderr)")
    }

    @Test func fitValidatesItsOptions() throws {
        let w = try Workspace()
        let fit = ["fit", w.path("train.xyz"), "-o", w.path("si.gap")]
        try expectFailure(fit + ["--sparse-file", w.path("test.xyz")], ["--sparse-file", "--sparse-method file"])
        try expectFailure(fit + ["--sparse-method", "file"], ["--sparse-method file needs --sparse-file"])
        try expectFailure(fit + ["--sparse-method", "best"], ["--sparse-method", "cur", "fps"])
        try expectFailure(fit + ["--jitter", "-1"], ["--jitter must be ≥ 0"])
        try expectFailure(fit + ["--sigma-force=-0.1"], ["--sigma-force must be positive"])
        try expectFailure(fit + ["--threads", "0"], ["--threads must be ≥ 1"])
        try expectFailure(fit + ["--n-sparse", "-5"], ["n-sparse"])
        try expectFailure(fit + ["--e0", "nonsense"], ["--e0"])
    }

    /// Sparse counts beyond what a potential file holds are refused where they are parsed (they once trapped on
    /// an arithmetic overflow in the fit's estimate: SIGILL at 1e9).
    @Test(arguments: ["1000000000", "9223372036854775807"])
    func hugeSparseCountsAreRefused(count: String) throws {
        let w = try Workspace()
        let fit = ["fit", w.path("train.xyz"), "-o", w.path("si.gap")]
        try expectFailure(fit + ["--n-sparse", count], ["--n-sparse \(count)", "more than 1000000"])
        try expectFailure(fit + ["--n-sparse", "10,Si=\(count)"], ["--n-sparse Si=\(count)", "more than 1000000"])
        try expectFailure(fit + ["--n-sparse", count, "--estimate"], ["--n-sparse \(count)"])
        let soap = "soap cutoff=3 n_max=2 l_max=2 atom_sigma=0.5 zeta=2 delta=1 covariance_type=dot_product sparse_method=random"
        let twoBody = "distance_2b cutoff=4 covariance_type=ard_se delta=1 theta_uniform=1 sparse_method=uniform"
        for term in [soap, twoBody] {
            try expectFailure(
                [
                    "gap_fit", "at_file=\(w.path("train.xyz"))", "gap={\(term) n_sparse=\(count)}",
                    "default_sigma={0.002 0.05 0.05 0.0}", "e0_method=average", "gp_file=\(w.path("si.gap"))"
                ], ["n_sparse", count, "at most 1000000"])
        }
        #expect(!FileManager.default.fileExists(atPath: w.path("si.gap")), "nothing written")
    }

    @Test func predictChecksInputsAndOutputs() throws {
        let w = try Workspace()
        let gap = w.path("missing.gap")
        try expectFailure(["predict", gap, w.path("test.xyz"), "-o", w.path("sub")], ["-o", "is a folder"])
        try expectFailure(["predict", gap, w.path("test.xyz"), "-o", w.path("test.xyz")], ["-o", "input file"])
        try expectFailure(
            ["predict", gap, w.path("test.xyz"), "-o", w.path("o.xyz"), "--metrics", w.path("missing/p.json")],
            ["--metrics", "does not exist"])
        try expectFailure(["predict", gap, w.path("test.xyz"), "-o", w.path("o.xyz"), "--threads", "0"], ["--threads must be ≥ 1"])
    }

    @Test func predictRejectsAnEmptyFile() throws {
        let w = try Workspace()
        // A potential is needed before the file is read: fit a tiny one.
        let fit = try swiftgap([
            "fit", w.path("train.xyz"), "-o", w.path("si.gap"), "--n-max", "2", "--l-max", "2", "--n-sparse", "2",
            "--e0", "average"
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        try expectFailure(
            ["predict", w.path("si.gap"), w.path("empty.xyz"), "-o", w.path("o.xyz")],
            ["input file", "empty.xyz", "no configurations"])
        // Atoms 0.3 Å apart are predicted, with a warning that names them.
        let close = try swiftgap(["predict", w.path("si.gap"), w.path("close.xyz"), "-o", w.path("c.xyz")])
        #expect(close.status == 0, "\(close.stderr)")
        for needle in ["warning: configuration 1 (line 5)", "atoms 0 and 1", "0.300 Å", "closer than 0.5 Å"] {
            #expect(close.stderr.contains(needle), "'\(needle)' in: \(close.stderr)")
        }
        #expect(!close.stderr.contains("configuration 0"), "\(close.stderr)")
    }

    @Test func mdValidatesItsOptions() throws {
        let w = try Workspace()
        let md = ["md", w.path("test.xyz"), "--classical", "sw", "--steps", "5"]
        try expectFailure(md + ["--dt", "-1"], ["--dt must be"])
        try expectFailure(md + ["--dt=-1"], ["--dt must be"])
        try expectFailure(
            md + ["--dt", "1", "--temperature", "300", "--thermostat", "langevin", "--friction", "0"],
            ["--friction must be positive"])
        try expectFailure(
            md + ["--dt", "1", "--temperature", "300", "--thermostat", "bussi", "--tau", "-5"], ["--tau must be positive"])
        try expectFailure(md + ["--dt", "1", "--every", "0"], ["--every must be ≥ 1"])
        try expectFailure(md + ["--dt", "1", "--threads", "0"], ["--threads must be ≥ 1"])
        try expectFailure(md + ["--dt", "1", "--max-displacement", "0"], ["--max-displacement must be positive"])
        try expectFailure(md + ["--dt", "1", "--temperature", "-3"], ["--temperature must be ≥ 0"])
        try expectFailure(["md", w.path("test.xyz"), "--classical", "sw", "--steps", "-2", "--dt", "1"], ["--steps must be ≥ 1"])
        try expectFailure(["md", w.path("test.xyz"), "--classical", "lj", "--lj", "1:x", "--steps", "2", "--dt", "1"], ["--lj"])
    }

    @Test func mdChecksTheStartFileAndOutputsUpFront() throws {
        let w = try Workspace()
        let run = ["--classical", "sw", "--steps", "5", "--dt", "1"]
        try expectFailure(
            ["md", w.path("close.xyz")] + run,
            [
                "start file", "close.xyz:5", "configuration 1", "atoms 0 and 1", "0.3 Å",
                "--min-distance"
            ])
        try expectFailure(["md", w.path("empty.xyz")] + run, ["start file", "empty.xyz", "no configurations"])
        try expectFailure(
            ["md", w.path("test.xyz"), "--trajectory", w.path("missing/t.xyz")] + run, ["--trajectory", "does not exist"])
        try expectFailure(["md", w.path("test.xyz"), "--log", w.path("test.xyz")] + run, ["--log", "start file"])
        try expectFailure(["md", w.path("test.xyz"), "--plot", w.path("sub")] + run, ["--plot", "is a folder"])
        #expect(!FileManager.default.fileExists(atPath: w.path("missing")))
    }

    @Test func generateReportsAFileInTheWayWithoutFoundationText() throws {
        let w = try Workspace()
        try expectFailure(["generate", "si-sw", "--quick", "-o", w.path("taken.txt")], ["-o", "taken.txt", "is a file"])
        try expectFailure(["generate", "si-sw", "--quick", "--seed", "-1", "-o", w.path("g")], ["-1"])
    }
}
