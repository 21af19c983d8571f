import Foundation
import Testing
import Tuning

/// The `fit --settings` file: what it writes reads back, and what is wrong is named with the file.
@Suite("Fit settings file")
struct FitSettingsFileTests {
    @Test func aWrittenFileReadsBackAsTheSameArguments() throws {
        let settings = FitSettingsFile(
            options: [("cutoff", ["4.5"]), ("gap", ["distance_2b cutoff=4", "distance_2b cutoff=5"]), ("n-max", ["8"])],
            flags: ["no-virials"], validation: ["score": 0.5])
        let read = try FitSettingsFile(contents: Data(try settings.json()), file: "settings.json")
        #expect(read.arguments == settings.arguments)
        #expect(
            read.arguments == [
                "--cutoff", "4.5", "--gap", "distance_2b cutoff=4", "--gap", "distance_2b cutoff=5", "--n-max", "8",
                "--no-virials"
            ])
        let numbers = #"{"format": "swiftgap fit settings", "version": 1, "options": {"n-max": 8, "cutoff": 4.5}}"#
        #expect(try FitSettingsFile(contents: Data(numbers.utf8), file: "s.json").arguments == ["--cutoff", "4.5", "--n-max", "8"])
    }

    @Test func errorsNameTheFileAndTheKey() {
        let head = #""format": "swiftgap fit settings", "version": 1"#
        for (text, problem) in [
            ("{\(head), \"options\": {\"threads\": 2}}", "unknown option 'threads'"),
            ("{\(head), \"options\": {\"n-max\": [4]}}", "option 'n-max' needs a string or a number"),
            ("{\(head), \"options\": {\"no-soap\": \"yes\"}}", "option 'no-soap' is a flag"),
            ("{\(head)}", "\"options\" must be an object"),
            ("{", "is not a JSON object")
        ] {
            let error = #expect(throws: FitSettingsFileError.self) {
                try FitSettingsFile(contents: Data(text.utf8), file: "s.json")
            }
            #expect(error?.file == "s.json" && error?.problem.contains(problem) == true, "\(String(describing: error))")
        }
    }
}
