import Archive
import Atoms
import Foundation
import GAP
import TestSupport
import Testing

/// Runs the built `swiftgap` executable (it sits next to the test bundle).
func swiftgap(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
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

@Suite("swiftgap command line")
struct CLITests {
    @Test func generateThenInfoAsJSON() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        let generated = try swiftgap(["generate", "si-sw", "--quick", "--seed", "5", "-o", folder.url.path])
        #expect(generated.status == 0, "\(generated.stderr)")
        let file = folder.path("train.xyz")
        let info = try swiftgap(["info", "--json", file, file])
        #expect(info.status == 0, "\(info.stderr)")
        let lines = info.stdout.split(separator: "\n")
        #expect(lines.count == 2, "one JSON object per file")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        for key in ["file", "configurations", "atoms", "species", "periodic", "info_keys", "array_keys", "config_types"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["configurations"] as? Int == 17, "24 configurations, 7 held out")
        #expect((object["species"] as? [String: Int])?["Si"] == (object["atoms"] as? [String: Any])?["total"] as? Int)
        #expect((object["array_keys"] as? [String: Int])?["forces"] == 17)
        let table = try swiftgap(["info", file])
        #expect(table.stdout.contains("configurations") && table.stdout.contains("bulk_strained"))
    }

    @Test func describeWritesTheDocumentedArrays() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        let data = folder.path("train.xyz"), out = folder.path("d.npz")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "-o", folder.url.path]).status == 0)
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

        let averaged = try swiftgap([
            "describe", data, "-o", out, "--layout", "dscribe", "--average", "inner",
            "--n-max", "2", "--l-max", "2"
        ])
        #expect(averaged.status == 0, "\(averaged.stderr)")
        #expect(try NPZReader(path: out).ints("center")?.values.allSatisfy { $0 == -1 } == true)

        // The DScribe options give what the same settings as JSON give, and the archive records them.
        let options = try swiftgap([
            "describe", data, "-o", out, "--layout", "dscribe", "--species", "Si,C", "--n-max", "2", "--l-max", "2",
            "--cutoff", "4", "--atom-sigma", "0.5", "--compression", "mu1nu1", "--species-weights", "Si=0.5",
            "--weighting", "poly:r0=4,c=1,m=2"
        ])
        #expect(options.status == 0, "\(options.stderr)")
        let fromOptions = try NPZReader(path: out)
        #expect(fromOptions.text("settings")?.contains("\"species_weights\":\"14=0.5\"") == true)
        #expect(fromOptions.text("settings")?.contains("\"compression\":\"mu1nu1\"") == true)
        let json = try swiftgap([
            "describe", data, "-o", out, "--settings",
            #"{"kind": "soap", "species": ["Si", "C"], "r_cut": 4, "n_max": 2, "l_max": 2, "sigma": 0.5, "periodic": true, "#
                + #""compression": "mu1nu1", "species_weights": [0.5, 1], "weighting": {"function": "poly", "r0": 4, "c": 1, "m": 2}}"#
        ])
        #expect(json.status == 0, "\(json.stderr)")
        let weighted = try #require(fromOptions.doubles("descriptors"))
        let fromJSON = try #require(try NPZReader(path: out).doubles("descriptors"))
        #expect(weighted.shape == [fromJSON.shape[0], 2 * 2 * 2 * 3] && weighted.values == fromJSON.values)
        #expect(weighted.values.contains { $0 != 0 })

        let cm = try swiftgap(["describe", data, "-o", out, "--descriptor", "coulomb-matrix", "--permutation", "eigenspectrum"])
        #expect(cm.status == 0, "\(cm.stderr)")
        #expect(try NPZReader(path: out).doubles("descriptors")?.shape == [17, 65])

        let settings = #"{"kind": "soap", "species": ["Si"], "r_cut": 4, "n_max": 2, "l_max": 2, "sigma": 0.5, "periodic": true}"#
        let pooled = try swiftgap([
            "describe", data, "-o", out, "--settings", settings, "--pooling", "max", "--sample-fraction", "0.5", "--derivatives"
        ])
        #expect(pooled.status == 0, "\(pooled.stderr)")
        let pooledArchive = try NPZReader(path: out)
        #expect(pooledArchive.doubles("descriptors")?.shape == [17, 9], "one Si channel: (l_max + 1)·n(n + 1)/2")
        #expect(pooledArchive.ints("center")?.values.allSatisfy { $0 == -1 } == true)
        #expect(pooledArchive.text("settings")?.contains("\"pooling\":\"max\"") == true)
        // The pooling in the settings' JSON, sampled by the options: the same rows; pooled twice: refused.
        let inJSON = settings.dropLast() + #", "pooling": "max"}"#
        let pooledRows = try #require(pooledArchive.doubles("descriptors")?.values)
        let sampled = try swiftgap([
            "describe", data, "-o", out, "--settings", String(inJSON), "--sample-fraction", "0.5", "--derivatives"
        ])
        #expect(sampled.status == 0, "\(sampled.stderr)")
        #expect(try NPZReader(path: out).doubles("descriptors")?.values == pooledRows)
        let twice = try swiftgap(["describe", data, "-o", out, "--settings", String(inJSON), "--pooling", "average"])
        #expect(twice.status != 0 && twice.stderr.contains("drop --pooling"), "\(twice.stderr)")
        let global = try swiftgap([
            "describe", data, "-o", out, "--settings", #"{"kind": "coulomb_matrix", "n_atoms_max": 70}"#, "--pooling", "average"
        ])
        #expect(global.status != 0 && global.stderr.contains("local descriptor"), "\(global.stderr)")
        let typo = try swiftgap([
            "describe", data, "-o", out, "--settings", settings.replacingOccurrences(of: "r_cut", with: "rcut")
        ])
        #expect(typo.status != 0 && typo.stderr.contains("rcut"), "\(typo.stderr)")

        let bad = try swiftgap(["describe", data, "-o", out, "--l-max", "21"])
        #expect(bad.status != 0 && bad.stderr.contains("l_max"))
        let unknown = try swiftgap(["describe", data, "-o", out, "--species", "C,O"])
        #expect(unknown.status != 0 && unknown.stderr.contains("Si is not"))
    }

    @Test func fitPredictAndMDRoundTrip() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "11", "-o", folder.url.path]).status == 0)
        let fit = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("si.gap"), "--test", folder.path("test.xyz"), "--n-max", "4",
            "--l-max", "3", "--cutoff", "4.5", "--n-sparse", "30,Si=40", "--e0", "average",
            "--metrics", folder.path("fit.json"), "--report", folder.path("report")
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("train") && fit.stdout.contains("test") && fit.stdout.contains("stage times"))
        #expect(fit.stdout.hasPrefix("estimate: M = 40,") && fit.stdout.contains("peak memory"), "\(fit.stdout)")
        let metrics = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("fit.json"))))
                as? [String: Any])
        for set in ["train", "test"] {
            let m = try #require(metrics[set] as? [String: Any])
            for key in [
                "energy_rmse_per_atom", "energy_mae_per_atom", "forces_rmse", "forces_mae", "virial_rmse_per_atom",
                "virial_mae_per_atom"
            ] {
                #expect(m[key] is Double, "\(set).\(key)")
            }
        }
        #expect(metrics["seconds"] is [String: Any] && metrics["peak_rss_bytes"] is Int)
        for file in ["index.html", "energy.svg", "forces.svg", "force_errors.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.path("report/\(file)")), "\(file)")
        }

        let info = try swiftgap(["info", folder.path("si.gap")])
        #expect(info.status == 0, "\(info.stderr)")
        #expect(
            info.stdout.contains("Si (e0 ") && info.stdout.contains("40 SOAP sparse points") && info.stdout.contains("n_max 4")
                && info.stdout.contains("test errors"))
        let infoJSON = try swiftgap(["info", "--json", folder.path("si.gap")])
        let metadata = try JSONDecoder().decode(PotentialMetadata.self, from: Data(infoJSON.stdout.utf8))
        #expect(metadata.sparsePoints == ["Si": 40] && metadata.soap?.lMax == 3 && metadata.hasVariance)

        let predict = try swiftgap([
            "predict", folder.path("si.gap"), folder.path("test.xyz"), "-o", folder.path("out.xyz"), "--metrics",
            folder.path("p.json")
        ]
        )
        #expect(predict.status == 0, "\(predict.stderr)")
        let out = try ExtXYZReader.read(path: folder.path("out.xyz"))
        #expect(out.count == 7)
        #expect(out[0].info["gap_energy"] != nil && out[0].arrays["gap_forces"] != nil && out[0].info["energy"] != nil)
        #expect(out[0].info["gap_stress"] != nil && out[0].arrays["gap_variance"] != nil && out[0].info["gap_virial"] != nil)

        let md = try swiftgap([
            "md", folder.path("test.xyz"), "--potential", folder.path("si.gap"), "--steps", "40", "--dt", "1",
            "--temperature", "300", "--trajectory", folder.path("md.xyz"), "--every", "10", "--log", folder.path("md.csv"),
            "--plot", folder.path("md.svg"), "--metrics", folder.path("md.json")
        ])
        #expect(md.status == 0, "\(md.stderr)")
        let mdMetrics = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("md.json")))) as? [String: Any]
        )
        for key in [
            "drift_mev_per_atom_per_ps", "max_deviation_mev_per_atom", "rms_fluctuation_mev_per_atom", "mean_temperature_k",
            "steps_per_second", "steps"
        ] {
            #expect(mdMetrics[key] != nil, "\(key)")
        }
        #expect(try ExtXYZReader.read(path: folder.path("md.xyz")).count == 5)
        let strict = try swiftgap([
            "md", folder.path("test.xyz"), "--classical", "sw", "--steps", "20", "--dt", "1", "--temperature", "300",
            "--max-drift", "0"
        ])
        #expect(strict.status != 0 && strict.stderr.contains("drift"))

        // Unknown element at prediction time: a clear error naming the configuration and line.
        try "1\nLattice=\"5 0 0 0 5 0 0 0 5\"\nC 0 0 0\n".write(
            toFile: folder.path("carbon.xyz"), atomically: true, encoding: .utf8)
        let unknown = try swiftgap(["predict", folder.path("si.gap"), folder.path("carbon.xyz"), "-o", folder.path("c.xyz")])
        #expect(unknown.status != 0 && unknown.stderr.contains("contains C") && unknown.stderr.contains("line 1"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("c.xyz")), "nothing half-written")

        // Sparse counts for some elements only, or an unreadable count: errors naming what is missing.
        let noCount = try swiftgap(["fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--n-sparse", "O=20"])
        #expect(noCount.status != 0 && noCount.stderr.contains("no count for Si"), "\(noCount.stderr)")
        let badCount = try swiftgap(["fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--n-sparse", "Si=many"])
        #expect(badCount.status != 0 && badCount.stderr.contains("n-sparse"), "\(badCount.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.gap")))

        // --estimate prints the predicted memory and stage times and fits nothing.
        let estimate = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--n-sparse", "40", "--e0", "average", "--estimate"
        ])
        #expect(estimate.status == 0 && estimate.stdout.contains("peak memory"), "\(estimate.stderr)")
        #expect(estimate.stdout.contains("kernel rows and QR") && !FileManager.default.fileExists(atPath: folder.path("x.gap")))
    }

    @Test func malformedFileFailsWithFileAndLine() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        let file = folder.path("bad.xyz")
        try "2\nenergy=1\nSi 0 0 0\nSi 1 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let result = try swiftgap(["info", file])
        #expect(result.status != 0)
        #expect(result.stderr.contains("bad.xyz:4:"), "\(result.stderr)")
        let missing = try swiftgap(["info", folder.path("nope.xyz")])
        #expect(missing.status != 0 && missing.stderr.contains("cannot open"))
    }
}
