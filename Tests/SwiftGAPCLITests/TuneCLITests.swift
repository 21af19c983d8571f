import Atoms
import Foundation
import GAP
import TestSupport
import Testing

/// `swiftgap tune`, and `fit --settings` reading what it writes.
@Suite("swiftgap tune")
struct TuneCLITests {
    @Test func aShortSearchWritesItsTrialsAndSettingsThatFitReadsBack() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "23", "-o", folder.url.path]).status == 0)
        let settings = [
            "--n-max", "4", "--l-max", "3", "--cutoff", "4", "--n-sparse", "40", "--e0", "average", "--threads", "2"
        ]
        let tune = try swiftgap(
            [
                "tune", folder.path("train.xyz"), "-o", folder.path("tuned"), "--budget", "10m", "--max-trials", "6", "--search",
                "sigma_force,sigma_energy,n_max", "--fit"
            ] + settings)
        #expect(tune.status == 0, "\(tune.stderr)")
        #expect(
            tune.stdout.contains("for validation; searching 3 settings") && tune.stdout.contains("   1 cheap"), "\(tune.stdout)")
        let csv = try String(contentsOfFile: folder.path("tuned/trials.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.count == 7 && csv[0].hasPrefix("trial,phase,change,new_rows,sparse_points"))
        for name in ["tune.svg", "index.html", "fit-command.txt", "potential.gap"] {
            #expect(FileManager.default.fileExists(atPath: folder.path("tuned/" + name)), "\(name)")
        }
        // The settings file and the command line say the same; fit --settings gives the settings of the final fit.
        let command = try String(contentsOfFile: folder.path("tuned/fit-command.txt"), encoding: .utf8)
        #expect(command.hasPrefix("swiftgap fit \(folder.path("train.xyz")) -o potential.gap --cutoff 4.0"), "\(command)")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder.path("tuned/settings.json"))))
                as? [String: Any])
        let options = try #require(json["options"] as? [String: Any])
        #expect(options["n-sparse"] as? String == "Si=40" && options["e0"] as? String == "average")
        let refit = try swiftgap(
            [
                "fit", folder.path("train.xyz"), "-o", folder.path("refit.gap"), "--settings", folder.path("tuned/settings.json"),
                "--threads", "2"
            ])
        #expect(refit.status == 0 && refit.stdout.contains("settings from"), "\(refit.stderr)")
        func fitSettings(_ file: String) throws -> FitSettings {
            let info = try swiftgap(["info", "--json", file])
            return try JSONDecoder().decode(PotentialMetadata.self, from: Data(info.stdout.utf8)).fit.settings
        }
        let tuned = try fitSettings(folder.path("tuned/potential.gap")), refitted = try fitSettings(folder.path("refit.gap"))
        #expect(tuned.sigmas == refitted.sigmas && tuned.soap == refitted.soap && tuned.kernel == refitted.kernel)
        #expect(refitted.sparseCountByElement == [14: 40])
        // An option on the command line wins over the file's, wherever it stands.
        let override = try swiftgap(
            [
                "fit", folder.path("train.xyz"), "--sigma-force", "0.123", "-o", folder.path("override.gap"), "--settings",
                folder.path("tuned/settings.json"), "--threads", "2"
            ])
        #expect(override.status == 0, "\(override.stderr)")
        #expect(try fitSettings(folder.path("override.gap")).sigmas.force == 0.123)
    }

    @Test func badSettingsFilesAndRequestsAreRefusedBeforeAnyWork() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-cli")
        #expect(try swiftgap(["generate", "si-sw", "--quick", "--seed", "24", "-o", folder.url.path]).status == 0)
        func fit(_ text: String) throws -> String {
            try text.write(toFile: folder.path("s.json"), atomically: true, encoding: .utf8)
            let run = try swiftgap([
                "fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--settings", folder.path("s.json")
            ])
            #expect(run.status != 0)
            return run.stderr
        }
        let head = "\"format\": \"swiftgap fit settings\", \"version\": 1"
        #expect(try fit("{\(head), \"options\": {\"n-max\": 4, \"threads\": 2}}").contains("unknown option 'threads'"))
        #expect(try fit("{\(head), \"options\": {\"cutoff\": true}}").contains("option 'cutoff' needs a string or a number"))
        #expect(try fit("{\(head), \"options\": {\"no-virials\": 1}}").contains("'no-virials' is a flag"))
        #expect(try fit("{\(head), \"options\": {}, \"extra\": 1}").contains("unknown key 'extra'"))
        #expect(try fit("{\"format\": \"other\", \"version\": 1, \"options\": {}}").contains("\"format\""))
        #expect(try fit("[1, 2]").contains("is not a JSON object"))
        // The file's values are checked as the command line's are.
        #expect(try fit("{\(head), \"options\": {\"n-max\": -3}}").contains("invalid n_max = -3"))
        let missing = try swiftgap([
            "fit", folder.path("train.xyz"), "-o", folder.path("x.gap"), "--settings", folder.path("none.json")
        ])
        #expect(missing.status != 0 && missing.stderr.contains("none.json: cannot be read"), "\(missing.stderr)")

        let base = ["tune", folder.path("train.xyz"), "-o", folder.path("out")]
        let search = try swiftgap(base + ["--budget", "1m", "--search", "n_max,radius"])
        #expect(search.status != 0 && search.stderr.contains("unknown setting 'radius'"), "\(search.stderr)")
        let budget = try swiftgap(base + ["--budget", "never"])
        #expect(budget.status != 0 && budget.stderr.contains("--budget"), "\(budget.stderr)")
        let fraction = try swiftgap(base + ["--budget", "1m", "--validation-fraction", "1"])
        #expect(fraction.status != 0 && fraction.stderr.contains("--validation-fraction"), "\(fraction.stderr)")
        let same = try swiftgap(base + ["--budget", "1m", "--validation", folder.path("train.xyz")])
        #expect(same.status != 0 && same.stderr.contains("is the training file"), "\(same.stderr)")
        let tiny = try swiftgap(base + ["--budget", "0.001", "--n-sparse", "40", "--e0", "average"])
        #expect(tiny.status != 0 && tiny.stderr.contains("give a larger --budget"), "\(tiny.stderr)")
    }
}
