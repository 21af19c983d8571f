import FuzzDriver
import Interop

/// One fuzz input: the bytes of a gap_fit command line, read as one string, as argv split at spaces, as a
/// config file and as a GAP XML `<command_line>`. Each must end in a command line or a `GapFitSyntaxError`,
/// never a trap; the string and its argv must parse alike, every value accessor must return or throw, and the
/// fit the line asks for (`GapFitJob`) must be made or refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGapFitCommandLine(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let line = parse { () throws(GapFitSyntaxError) in try GapFitCommandLine(text: text) }
    if case .success(let parsed) = line, !parsed.contains("config_file") {
        let arguments = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        let fromArguments = parse { () throws(GapFitSyntaxError) in try GapFitCommandLine(arguments: arguments) }
        guard case .success(let other) = fromArguments, other.parameters.entries == parsed.parameters.entries,
            other.descriptors == parsed.descriptors
        else { fatalError("argv split at spaces parses differently from the string:\n\(text)") }
        readAll(parsed)
        mapToFit(parsed)
    }
    if case .success(let parsed) = parse({ () throws(GapFitSyntaxError) in
        try GapFitCommandLine(configFileContents: text, name: "fuzz.config")
    }) {
        readAll(parsed)
    }
    if case .success(let parsed) = parse({ () throws(GapFitSyntaxError) in
        try GapFitCommandLine(xmlContents: text, name: "fuzz.xml")
    }) {
        readAll(parsed)
    }
    return 0
}

/// The fit a parsed line asks for: `GapFitJob` and its settings must come back or throw, never trap (sparse
/// files are not read: a fuzz input must not reach the file system beyond what it names).
private func mapToFit(_ line: GapFitCommandLine) {
    do {
        let job = try GapFitJob(line)
        if job.sparseFiles.allSatisfy({ $0 == nil }) { _ = try job.settings(elements: [14, 6]) }
    } catch {
        _ = "\(error)"
    }
}

/// The command line `body` parses, or its error (whose description must build).
private func parse(_ body: () throws(GapFitSyntaxError) -> GapFitCommandLine) -> Result<GapFitCommandLine, GapFitSyntaxError> {
    do {
        return .success(try body())
    } catch {
        _ = error.description
        return .failure(error)
    }
}

/// Reads every key of the command line and of each descriptor with every accessor; afterwards nothing is unread.
private func readAll(_ line: GapFitCommandLine) {
    var line = line
    read(&line)
    for i in line.descriptors.indices { read(&line.descriptors[i]) }
    guard line.unreadKeys().isEmpty, line.descriptors.allSatisfy({ $0.unreadKeys().isEmpty }) else {
        fatalError("keys left unread after reading all of them")
    }
}

/// Calls each accessor on each key of `values`; errors are fine, traps are not. Only the first error of each
/// key is rendered (rendering is what costs, and one per key covers every kind of location).
private func read<T: GapFitKeyValues>(_ values: inout T) {
    for entry in values.parameters.entries {
        let key = entry.key
        var errors: [GapFitSyntaxError] = []
        do { _ = try values.string(key) } catch { errors.append(error) }
        do { _ = try values.double(key) } catch { errors.append(error) }
        do { _ = try values.int(key) } catch { errors.append(error) }
        do { _ = try values.bool(key) } catch { errors.append(error) }
        do { _ = try values.doubleList(key) } catch { errors.append(error) }
        do { _ = try values.intList(key, count: 2) } catch { errors.append(error) }
        do { _ = try values.sigmas(key) } catch { errors.append(error) }
        do { _ = try values.configTypeSigmas(key) } catch { errors.append(error) }
        do { _ = try values.speciesValues(key) } catch { errors.append(error) }
        _ = errors.first?.description
    }
    do { try values.rejectUnread(hints: [:]) } catch { _ = error.description }
}

@_cdecl("FuzzGapFitCommandLine_main")
func main(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzGapFitCommandLine)
}
