import Foundation
import OrderedCollections

/// What an extxyz comment line says about its frame: cell, periodicity, atom columns and info values.
struct FrameHeader {
    var cell: Cell = .empty
    var pbc: Periodicity = .none
    var properties: PropertiesSpec = .standard
    var info: OrderedDictionary<String, InfoValue> = [:]

    /// Interprets a comment line. A line without any `=` is a plain-XYZ comment, kept as info["comment"].
    /// - Throws: `ExtXYZError` (`.badHeader`) for unbalanced quotes or a bad `Lattice`, `pbc` or `Properties`.
    init(comment: UnsafeBufferPointer<UInt8>, file: String, line: Int) throws(ExtXYZError) {
        func fail(_ message: String) -> ExtXYZError {
            ExtXYZError(file: file, line: line, kind: .badHeader, message: message)
        }
        guard comment.contains(UInt8(ascii: "=")) else {
            let plain = String(decoding: comment, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if !plain.isEmpty { info["comment"] = .string(plain) }
            return
        }
        guard let parsed = CommentLine(comment) else {
            throw fail("unbalanced quote or bracket in the comment line")
        }
        var sawLattice = false, sawPBC = false
        for entry in parsed.entries {
            switch entry.key {
            case "Lattice":
                guard let v = InfoValue(extxyzValue: entry.value).doublesValue, v.count == 9, v.allSatisfy(\.isFinite),
                    let m = Matrix3(rowMajor: v)
                else { throw fail("Lattice must be 9 finite numbers (a, b, c row by row), found '\(entry.text)'") }
                cell = Cell(m)
                sawLattice = true
            case "pbc":
                let flags: [Bool]?
                switch InfoValue(extxyzValue: entry.value, bracketed: entry.bracketed) {
                case let .bools(b): flags = b
                default: flags = nil
                }
                guard let flags, flags.count == 3 else {
                    throw fail("pbc must be three logicals such as \"T T F\" or [T, T, F], found '\(entry.text)'")
                }
                pbc = Periodicity(flags[0], flags[1], flags[2])
                sawPBC = true
            case "Properties":
                do {
                    properties = try PropertiesSpec(entry.text)
                } catch {
                    throw fail(
                        "Properties \(error.reason) (found '\(entry.text)'); write name:type:width triples "
                            + "with distinct names, type S, R, I or L and a positive width")
                }
            default:
                info[entry.key] = InfoValue(extxyzValue: entry.value, bracketed: entry.bracketed)
            }
        }
        if sawLattice && !sawPBC { pbc = .all }
        for axis in 0..<3 where pbc[axis] && norm(cell[axis]) == 0 {
            throw fail(
                "pbc is T along lattice vector \(["a", "b", "c"][axis]) but the Lattice gives no such vector; "
                    + "add a Lattice or set pbc to F there")
        }
    }
}
