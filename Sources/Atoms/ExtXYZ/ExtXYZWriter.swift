import Support

/// Formats structures as extended XYZ that ASE and QUIP read, and that `ExtXYZReader` reads back
/// bit for bit (reals are written in their shortest round-trip form).
public enum ExtXYZWriter {
    /// One frame: count line, comment line, atom lines.
    /// - Throws: `ExtXYZError` (`.badValue`) when a string column entry is empty or contains whitespace, an
    ///   info list of strings has an entry that is not a bare token (see `isBareToken`), or an array is named
    ///   `species` or `pos`.
    public static func format(_ s: Structure, file: String = "<output>") throws(ExtXYZError) -> String {
        var columns = [
            PropertiesSpec.Column(name: "species", type: "S", width: 1),
            PropertiesSpec.Column(name: "pos", type: "R", width: 3)
        ]
        for (name, array) in s.arrays {
            guard name != "species" && name != "pos" else {
                throw ExtXYZError(
                    file: file, line: 0, kind: .badValue,
                    message: "per-atom array '\(name)' would clash with the species and pos columns; rename it")
            }
            columns.append(PropertiesSpec.Column(name: name, type: array.typeLetter, width: array.width))
        }
        var header = [String]()
        if !s.cell.isEmpty || s.pbc.isAnyPeriodic {
            header.append("Lattice=\"" + s.cell.matrix.rowMajor.map(formatReal).joined(separator: " ") + "\"")
        }
        header.append("Properties=" + quoteIfNeeded(PropertiesSpec(columns: columns).text))
        for (key, value) in s.info where !["Lattice", "Properties", "pbc"].contains(key) {
            if case let .strings(items) = value, let item = items.first(where: { !isBareToken($0) }) {
                throw ExtXYZError(
                    file: file, line: 0, kind: .badValue,
                    message: "info '\(key)' is a list of strings with '\(item)', which is empty or has a space, comma, "
                        + "quote, bracket, brace, '=' or backslash: extxyz cannot hold it in a list; store it as one string")
            }
            header.append(quoteIfNeeded(key) + "=" + formatValue(value))
        }
        header.append("pbc=\"" + s.pbc.flags.map { $0 ? "T" : "F" }.joined(separator: " ") + "\"")

        var out = "\(s.count)\n" + header.joined(separator: " ") + "\n"
        out.reserveCapacity(out.utf8.count + s.count * 64 * columns.count)
        let symbols = s.symbols
        for i in 0..<s.count {
            out += symbols[i]
            let r = s.positions[i]
            for x in [r.x, r.y, r.z] { out += " " + formatReal(x) }
            for (name, array) in s.arrays {
                let w = array.width
                switch array {
                case let .doubles(v, _): for k in 0..<w { out += " " + formatReal(v[i * w + k]) }
                case let .ints(v, _): for k in 0..<w { out += " \(v[i * w + k])" }
                case let .bools(v, _): for k in 0..<w { out += v[i * w + k] ? " T" : " F" }
                case let .strings(v, _):
                    for k in 0..<w {
                        let t = v[i * w + k]
                        guard !t.isEmpty, !t.unicodeScalars.contains(where: \.properties.isWhitespace) else {
                            throw ExtXYZError(
                                file: file, line: 0, kind: .badValue,
                                message: "per-atom string '\(t)' of '\(name)' (atom \(i)) is empty or has whitespace")
                        }
                        out += " " + t
                    }
                }
            }
            out += "\n"
        }
        return out
    }

    /// Writes all `structures` to `path` atomically (a temporary file renamed into place).
    public static func write(_ structures: [Structure], to path: String) throws(ExtXYZError) {
        do {
            let file = try AtomicFile(path: path)
            for s in structures { try file.write(try format(s, file: path)) }
            try file.commit()
        } catch let error as ExtXYZError {
            throw error
        } catch {
            throw ExtXYZError(file: path, line: 0, kind: .io, message: "\(error)")
        }
    }

    /// A real in its shortest form that parses back to the same bits.
    static func formatReal(_ x: Double) -> String { x.description }

    /// An info value as extxyz text.
    static func formatValue(_ value: InfoValue) -> String {
        func list(_ items: [String]) -> String {
            items.count >= 2 ? "\"" + items.joined(separator: " ") + "\"" : "[" + items.joined(separator: ", ") + "]"
        }
        switch value {
        case let .int(n): return "\(n)"
        case let .double(x): return formatReal(x)
        case let .bool(b): return b ? "T" : "F"
        case let .string(s): return quoteIfNeeded(s)
        case let .ints(v): return list(v.map { "\($0)" })
        case let .doubles(v): return list(v.map(formatReal))
        case let .bools(v): return list(v.map { $0 ? "T" : "F" })
        case let .strings(v): return "[" + v.joined(separator: ", ") + "]"
        case let .json(text): return "\"_JSON " + escape(text) + "\""
        }
    }

    /// The text as is when it reads back unchanged as a bare token, else quoted with escapes.
    /// Works on Unicode scalars, since the reader's delimiters are bytes (a quote followed by a
    /// combining mark is one Character but still a quote).
    static func quoteIfNeeded(_ s: String) -> String {
        isBareToken(s) ? s : "\"" + escape(s) + "\""
    }

    /// Whether `s` reads back unchanged as a bare token (or an item of a […] list): not empty, no whitespace,
    /// quotes, backslash, '=', brackets, braces or commas.
    static func isBareToken(_ s: String) -> Bool {
        let special: Set<Unicode.Scalar> = ["\"", "'", "\\", "=", "[", "]", "{", "}", ","]
        return !s.isEmpty && !s.unicodeScalars.contains(where: { $0.properties.isWhitespace || special.contains($0) })
    }

    private static func escape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
            case "\"": out.append(contentsOf: "\\\"".unicodeScalars)
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }
}
