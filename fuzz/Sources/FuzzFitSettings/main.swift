import Foundation
import FuzzDriver
import Tuning

/// One fuzz input: the bytes of a `fit --settings` file (what `swiftgap tune` writes as settings.json). Any
/// bytes must end in settings or a `FitSettingsFileError`, never a trap; settings read must write a file
/// (`json()`) that reads back to the same command-line arguments.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFitSettings(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(UnsafeBufferPointer(start: data, count: size))
    let settings: FitSettingsFile
    do {
        settings = try FitSettingsFile(contents: contents, file: "fuzz.json")
    } catch {
        _ = error.description
        return 0
    }
    do {
        let again = try FitSettingsFile(contents: Data(try settings.json()), file: "written.json")
        guard again.arguments == settings.arguments else {
            fatalError("the written file reads back as \(again.arguments), not \(settings.arguments)")
        }
    } catch {
        fatalError("settings read from a file cannot be written and read back: \(error)")
    }
    return 0
}

@_cdecl("FuzzFitSettings_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzFitSettings)
}
