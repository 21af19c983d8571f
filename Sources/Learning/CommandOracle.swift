import Atoms
import Evaluation
import Foundation
import Support

/// An oracle that runs the user's command (e.g. a DFT script): each round's picks are written to an extxyz file,
/// the command runs through `/bin/sh -c` with `{in}` and `{out}` replaced by the quoted paths, and the labelled
/// configurations are read back from `{out}`, which must hold the same atoms in the same order with a reference
/// energy or forces under `keys`. The files and the command's output (`round-NNN.log`) stay in `folder`.
public struct CommandOracle: Oracle {
    /// The command, with `{in}` and `{out}` where the paths go.
    public let command: String
    /// Where each round's input, output and log are kept.
    public let folder: String
    /// Where the reference values are in the command's output.
    public let keys: ReferenceKeys
    public var elements: Set<Int>? { nil }

    /// An oracle running `command` with its files in `folder`.
    /// - Throws: `LearningError.invalidSetting` when the command lacks `{in}` or `{out}`.
    public init(command: String, folder: String, keys: ReferenceKeys = ReferenceKeys()) throws(LearningError) {
        for placeholder in ["{in}", "{out}"] where !command.contains(placeholder) {
            throw .invalidSetting(
                name: "the oracle command", value: "\"\(command)\"",
                hint: "it must contain \(placeholder): the command reads {in} (extxyz) and writes {out} (extxyz)")
        }
        self.command = command
        self.folder = folder
        self.keys = keys
    }

    public func label(_ structures: [Structure], round: Int) throws(LearningError) -> [Structure] {
        let stem = folder + "/" + String(format: "round-%03d", round)
        let input = stem + ".in.xyz", output = stem + ".out.xyz", log = stem + ".log"
        do { try ExtXYZWriter.write(structures, to: input) } catch {
            throw .file(round: round, path: input, reason: "\(error)")
        }
        if FileManager.default.fileExists(atPath: output) {
            do { try FileManager.default.removeItem(atPath: output) } catch {
                throw .file(round: round, path: output, reason: "a stale output cannot be removed: \(error.localizedDescription)")
            }
        }
        let line = command.replacingOccurrences(of: "{in}", with: Self.quoted(input)).replacingOccurrences(
            of: "{out}", with: Self.quoted(output))
        let status = try run(line, log: log, round: round)
        guard status == 0 else {
            throw .commandFailed(round: round, command: line, status: status, log: log, tail: Self.tail(of: log))
        }
        guard FileManager.default.fileExists(atPath: output) else {
            throw .missingOutput(round: round, command: line, path: output)
        }
        let labelled: [Structure]
        do { labelled = try ExtXYZReader.read(path: output) } catch {
            throw .malformedOutput(round: round, path: output, reason: "\(error)")
        }
        guard labelled.count == structures.count else {
            throw .malformedOutput(
                round: round, path: output,
                reason: "\(labelled.count) configurations for the \(structures.count) written to \(input)")
        }
        for (k, (a, b)) in zip(structures, labelled).enumerated() {
            guard a.atomicNumbers == b.atomicNumbers else {
                throw .malformedOutput(
                    round: round, path: output,
                    reason: "configuration \(k) has \(b.count) atoms (\(b.formula)) where \(input) has \(a.count) (\(a.formula))")
            }
            let values = b.referenceValues(keys)
            guard values.energy != nil || values.forces != nil else {
                throw .malformedOutput(round: round, path: output, reason: "configuration \(k) has no reference energy or forces")
            }
        }
        return labelled
    }

    /// Runs `line` through the shell with its output and errors in `log`; its exit status.
    private func run(_ line: String, log: String, round: Int) throws(LearningError) -> Int32 {
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
            throw .file(round: round, path: log, reason: "cannot be created")
        }
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", line]
        process.standardOutput = handle
        process.standardError = handle
        do { try process.run() } catch {
            throw .file(round: round, path: "/bin/sh", reason: "cannot start the oracle command: \(error.localizedDescription)")
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// `path` in single quotes for the shell.
    static func quoted(_ path: String) -> String { "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The last lines of the command's log, for the error message.
    static func tail(of log: String, lines: Int = 5) -> String {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return "" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
