import OrderedCollections

/// Reads extended-XYZ (and plain XYZ) files frame by frame, as ASE's `ase.io.read` understands them.
///
/// Handles `Lattice`, `Properties` with S/R/I/L columns of any width, `pbc` as `"T T T"` or `[T, T, T]`,
/// quoted values with escapes, numbers, logicals and lists of them, and `_JSON` values (kept as text).
/// Reference values stay under the file's own key names in `Structure.info` and `Structure.arrays`.
/// The file is streamed through a fixed buffer; malformed input is an `ExtXYZError` naming file and line.
public final class ExtXYZReader {
    /// The file name used in messages.
    public let name: String
    private let lines: ByteLineReader
    /// 0-based index of the frame last returned.
    public private(set) var frameIndex = -1
    /// 1-based line number of the atom-count line of the frame last returned.
    public private(set) var frameLine = 0

    /// A reader of the file at `path` ("-" for standard input).
    /// - Throws: `ExtXYZError` of kind `.io` when the file cannot be opened.
    public init(path: String) throws(ExtXYZError) {
        guard let source = FileByteSource(path: path) else {
            throw ExtXYZError(file: path, line: 0, kind: .io, message: "cannot open: \(ReadFailure.current.message)")
        }
        name = path
        lines = ByteLineReader(source: source)
    }

    /// A reader of extxyz text held in memory.
    public convenience init(text: String, name: String = "<text>") {
        self.init(bytes: Array(text.utf8), name: name)
    }

    /// A reader of extxyz bytes held in memory (any bytes: invalid UTF-8 is an error or kept repaired).
    public init(bytes: [UInt8], name: String = "<bytes>") {
        self.name = name
        lines = ByteLineReader(source: MemoryByteSource(bytes))
    }

    /// Every frame of the file at `path`.
    public static func read(path: String) throws(ExtXYZError) -> [Structure] {
        let reader = try ExtXYZReader(path: path)
        var frames = [Structure]()
        while let s = try reader.next() { frames.append(s) }
        return frames
    }

    /// The next frame, or nil at the end of the file.
    public func next() throws(ExtXYZError) -> Structure? {
        var countLine: UnsafeBufferPointer<UInt8>
        repeat {
            guard let line = try readLine() else { return nil }
            countLine = line
        } while isBlank(countLine)
        let start = lines.lineNumber
        let trimmed = trim(countLine)
        guard let count = parseInt(trimmed), count >= 0 else {
            throw fail(
                .badAtomCount,
                "expected the number of atoms of frame \(frameIndex + 1) (a non-negative integer), "
                    + "found '\(excerpt(trimmed))'")
        }
        guard let comment = try readLine() else {
            throw fail(
                .truncated, "the file ends after the atom count of the frame starting at line \(start); expected a comment line")
        }
        var header = try FrameHeader(comment: comment, file: name, line: lines.lineNumber)
        let size = try FrameSize(
            atoms: count, tokensPerAtom: header.properties.tokenCount,
            remainingBytes: { lines.remainingBytes }, frame: frameIndex + 1, file: name, line: start)
        var columns = try AtomColumns(
            spec: header.properties, reservedAtoms: size.reservedAtoms, file: name,
            line: lines.lineNumber)
        for atom in 0..<count {
            guard let line = try readLine() else {
                throw fail(.truncated, "the file ends after \(atom) of \(count) atom lines of the frame starting at line \(start)")
            }
            try columns.parse(line, file: name, line: lines.lineNumber)
        }
        frameIndex += 1
        frameLine = start
        return try columns.structure(header: &header, file: name, firstAtomLine: start + 2)
    }

    private func readLine() throws(ExtXYZError) -> UnsafeBufferPointer<UInt8>? {
        do {
            return try lines.nextLine()
        } catch {
            switch error {
            case let .io(failure):
                throw fail(.io, "read error: \(failure.message)")
            case let .tooLong(limit):
                throw ExtXYZError(
                    file: name, line: lines.lineNumber + 1, kind: .lineTooLong,
                    message: "line is longer than \(limit) bytes; is this an extxyz file (with LF, CR LF or CR line ends)?")
            }
        }
    }

    private func fail(_ kind: ExtXYZError.Kind, _ message: String) -> ExtXYZError {
        ExtXYZError(file: name, line: lines.lineNumber, kind: kind, message: message)
    }
}

/// True when the line holds only spaces and tabs.
func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool { line.allSatisfy { $0 == 0x20 || $0 == 0x09 } }

/// The line without leading and trailing spaces and tabs.
func trim(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    var lo = 0, hi = line.count
    while lo < hi && (line[lo] == 0x20 || line[lo] == 0x09) { lo += 1 }
    while hi > lo && (line[hi - 1] == 0x20 || line[hi - 1] == 0x09) { hi -= 1 }
    return UnsafeBufferPointer(rebasing: line[lo..<hi])
}

/// The bytes as text for a message (invalid UTF-8 repaired), cut after 100 bytes.
func excerpt(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let limit = 100
    guard bytes.count > limit else { return String(decoding: bytes, as: UTF8.self) }
    return String(decoding: UnsafeBufferPointer(rebasing: bytes[..<limit]), as: UTF8.self) + "… (\(bytes.count) bytes)"
}
