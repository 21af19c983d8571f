/// A problem reading a LAMMPS `pair_style table` file or the mapping of element pairs to its sections,
/// with the file and line where it was found.
public enum PairTableError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// A section is malformed: its parameter line (`N n R rlo rhi …`) is missing, malformed or out of range,
    /// or a line stands where none is expected.
    case badSection(file: String, line: Int, message: String)
    /// A token that should be a finite number (or an integer) is not.
    case badValue(file: String, line: Int, column: String, token: String)
    /// A data line does not have the four columns `index r energy force`.
    case wrongColumnCount(file: String, line: Int, count: Int)
    /// The file ends before a section's N data lines.
    case truncatedSection(file: String, line: Int, keyword: String, declared: Int, found: Int)
    /// The distances of a section do not increase strictly.
    case nonIncreasingDistance(file: String, line: Int, distance: Double, previous: Double)
    /// Two sections share a keyword.
    case duplicateKeyword(file: String, line: Int, keyword: String, firstLine: Int)
    /// The mapping names a section the file does not have.
    case missingSection(file: String, keyword: String, pair: ElementPair)
    /// A used section's energy at its last point (the cutoff) is not zero.
    case nonZeroEnergyAtCutoff(file: String, line: Int, keyword: String, energy: Double, cutoff: Double)
    /// An entry of the element-pair mapping (`Si-C:SIC`) is malformed.
    case badMapping(entry: String, message: String)
    /// A section given in memory (or decoded) is inconsistent.
    case invalidSection(keyword: String, message: String)

    /// The largest |E| in eV a used section may have at its last point.
    public static let cutoffEnergyTolerance = 1e-6

    /// The file the problem was found in, if any.
    public var file: String? {
        switch self {
        case let .unreadable(file, _), let .badSection(file, _, _), let .badValue(file, _, _, _),
            let .wrongColumnCount(file, _, _), let .truncatedSection(file, _, _, _, _),
            let .nonIncreasingDistance(file, _, _, _), let .duplicateKeyword(file, _, _, _),
            let .missingSection(file, _, _), let .nonZeroEnergyAtCutoff(file, _, _, _, _):
            return file
        case .badMapping, .invalidSection:
            return nil
        }
    }

    /// The 1-based line the problem was found at, if tied to one.
    public var line: Int? {
        switch self {
        case let .badSection(_, line, _), let .badValue(_, line, _, _), let .wrongColumnCount(_, line, _),
            let .truncatedSection(_, line, _, _, _), let .nonIncreasingDistance(_, line, _, _),
            let .duplicateKeyword(_, line, _, _), let .nonZeroEnergyAtCutoff(_, line, _, _, _):
            return line > 0 ? line : nil
        case .unreadable, .missingSection, .badMapping, .invalidSection:
            return nil
        }
    }

    /// `file:line: what is wrong; what to do`.
    public var description: String {
        let place: String
        switch (file, line) {
        case let (file?, line?): place = "\(file):\(line): "
        case let (file?, nil): place = file.isEmpty ? "" : "\(file): "
        default: place = ""
        }
        return place + message
    }

    private var message: String {
        switch self {
        case let .unreadable(_, reason):
            return "cannot read the pair table: \(reason)"
        case let .badSection(_, _, message):
            return message
        case let .badValue(_, _, column, token):
            return "\(column) '\(token.prefix(40))' is not a finite number; write a plain decimal number"
        case let .wrongColumnCount(_, _, count):
            return "a data line has \(count) columns; each needs exactly 4: index r energy force"
        case let .truncatedSection(_, _, keyword, declared, found):
            return "section \(keyword) declares N = \(declared) points but the file ends after \(found); "
                + "make N the number of data lines"
        case let .nonIncreasingDistance(_, _, distance, previous):
            return "distance \(distance) Å is not larger than the previous point's \(previous) Å; "
                + "list the points in strictly increasing r"
        case let .duplicateKeyword(_, _, keyword, firstLine):
            return "section keyword \(keyword) is used again (first at line \(firstLine)); give each section its own keyword"
        case let .missingSection(_, keyword, pair):
            return "the file has no section \(keyword), which the mapping gives for \(pair); "
                + "add the section or fix the mapping"
        case let .nonZeroEnergyAtCutoff(_, _, keyword, energy, cutoff):
            return "section \(keyword) has energy \(energy) eV at its last point r = \(cutoff) Å, the cutoff; "
                + "the energy must go to zero there (|E| ≤ \(Self.cutoffEnergyTolerance) eV): shift the energies "
                + "by \(-energy) eV or extend the table until E = 0"
        case let .badMapping(entry, message):
            return "element-pair mapping entry '\(entry.prefix(60))': \(message); write entries as Si-Si:SISI,Si-C:SIC"
        case let .invalidSection(keyword, message):
            return "pair table section \(keyword): \(message)"
        }
    }
}
