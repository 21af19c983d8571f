import Atoms
import Foundation
import GAP
import TestSupport
import Testing

/// `fit --calibration` and `predict --uncertainty`.
@Suite("swiftgap uncertainties")
struct UncertaintyCLITests {
    /// The JSON object in `path`.
    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func fitCalibratesAndPredictWritesDeviations() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "12", "-o", folder.path("a")]).status == 0)
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "13", "-o", folder.path("b")]).status == 0)
        let settings = ["--n-max", "4", "--l-max", "3", "--cutoff", "4.5", "--n-sparse", "40", "--e0", "average"]
        let fit = try swiftgap(
            [
                "fit", folder.path("a/train.xyz"), "-o", folder.path("si.gap"), "--test", folder.path("a/test.xyz"),
                "--calibration", folder.path("b/train.xyz")
            ]
                + settings + ["--metrics", folder.path("fit.json"), "--report", folder.path("report")])
        #expect(fit.status == 0, "\(fit.stderr)")
        let plot = try String(contentsOfFile: folder.path("report/force_deviations.svg"), encoding: .utf8)
        #expect(plot.contains("predicted σ") && plot.contains("<circle"))
        #expect(try String(contentsOfFile: folder.path("report/index.html"), encoding: .utf8).contains("force_deviations.svg"))
        #expect(fit.stdout.contains("stored calibration factors (full)") && fit.stdout.contains("within 2σ"), "\(fit.stdout)")
        let metrics = try Self.json(folder.path("fit.json"))
        let calibration = try #require(metrics["calibration_uncertainty"] as? [String: Any])
        let forceScale = try #require((calibration["forces"] as? [String: Any])?["calibration_scale"] as? Double)
        let test = try #require((metrics["test_uncertainty"] as? [String: Any])?["forces"] as? [String: Any])

        let info = try swiftgap(["info", "--json", folder.path("si.gap")])
        let stored = try #require(try JSONDecoder().decode(PotentialMetadata.self, from: Data(info.stdout.utf8)).calibration)
        // Foundation's JSONSerialization does not always round a 17-digit number to the nearest Double: a few ulp.
        #expect(stored.model == .full && abs(stored.force - forceScale) <= 1e-14 * forceScale && stored.energy > 0)

        // predict with the calibrated potential reproduces the fit's report on the test set, and writes the deviations.
        let predict = try swiftgap([
            "predict", folder.path("si.gap"), folder.path("a/test.xyz"), "-o", folder.path("out.xyz"), "--uncertainty", "full",
            "--metrics",
            folder.path("p.json")
        ])
        #expect(predict.status == 0, "\(predict.stderr)")
        let again = try #require(
            (Self.json(folder.path("p.json"))["test_uncertainty"] as? [String: Any])?["forces"] as? [String: Any])
        for key in ["within_1_sigma", "within_2_sigma", "rms_error_over_rms_sigma", "count"] {
            #expect((again[key] as? Double) == (test[key] as? Double), "\(key)")
        }
        let out = try ExtXYZReader.read(path: folder.path("out.xyz"))
        for s in out {
            guard case .double(let e)? = s.info["gap_energy_std"], case .doubles(let f, let width)? = s.arrays["gap_force_std"]
            else {
                Issue.record("no deviations in \(s.info.keys.sorted())")
                continue
            }
            #expect(e > 0 && width == 3 && f.count == 3 * s.count && f.allSatisfy { $0 > 0 })
        }
    }

    @Test func impossibleRequestsFailBeforeTheWork() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "14", "-o", folder.url.path]).status == 0)
        let onTest = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--test", folder.path("test.xyz"), "--calibration",
            folder.path("test.xyz")
        ])
        #expect(onTest.status != 0 && onTest.stderr.contains("is --test"), "\(onTest.stderr)")
        let noVariance = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--calibration", folder.path("test.xyz"), "--no-variance"
        ])
        #expect(noVariance.status != 0 && noVariance.stderr.contains("--no-variance"), "\(noVariance.stderr)")
        let missing = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--calibration", folder.path("nothing.xyz")
        ])
        #expect(missing.status != 0 && missing.stderr.contains("nothing.xyz"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("x.gap")))
        let both = try swiftgap([
            "predict", folder.path("x.gap"), folder.path("test.xyz"), "-o", folder.path("o.xyz"), "--uncertainty", "full",
            "--no-variance"
        ])
        #expect(both.status != 0 && both.stderr.contains("--no-variance"), "\(both.stderr)")
    }
}

/// `select`.
@Suite("swiftgap select")
struct SelectCLITests {
    @Test func picksTheRequestedCountReproducibly() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "15", "-o", folder.url.path]).status == 0)
        let fit = try swiftgap([
            "fit", folder.path("test.xyz"), "-o", folder.path("si.gap"), "--n-max", "4", "--l-max", "3", "--cutoff", "4.5",
            "--n-sparse", "30",
            "--e0", "average"
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        let pool = try ExtXYZReader.read(path: folder.path("train.xyz"))
        var outputs = [String]()
        for name in ["a.xyz", "b.xyz"] {
            let run = try swiftgap([
                "select", folder.path("train.xyz"), "--potential", folder.path("si.gap"), "--count", "4", "-o", folder.path(name)
            ])
            #expect(run.status == 0 && run.stdout.contains("picked 4 of \(pool.count)"), "\(run.stderr)")
            outputs.append(try String(contentsOfFile: folder.path(name), encoding: .utf8))
        }
        #expect(outputs[0] == outputs[1])
        let picked = try ExtXYZReader.read(path: folder.path("a.xyz"))
        #expect(picked.count == 4)
        var indices = [Int](), scores = [Double]()
        for s in picked {
            guard case .int(let k)? = s.info["select_index"], case .double(let score)? = s.info["select_score"] else {
                Issue.record("no select_index or select_score")
                continue
            }
            indices.append(k)
            scores.append(score)
            #expect(s.positions == pool[k].positions)
        }
        #expect(indices == indices.sorted() && Set(indices).count == 4 && scores.allSatisfy { $0 > 0 })

        let tooMany = try swiftgap([
            "select", folder.path("train.xyz"), "--potential", folder.path("si.gap"), "--count", "100000", "-o",
            folder.path("c.xyz")
        ])
        #expect(tooMany.status != 0 && tooMany.stderr.contains("more than the pool"), "\(tooMany.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("c.xyz")))
    }
}
