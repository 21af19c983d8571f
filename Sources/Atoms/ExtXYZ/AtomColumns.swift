import OrderedCollections

/// Parses the atom lines of one frame into typed columns according to its `Properties`.
struct AtomColumns {
    /// Where each token of an atom line goes.
    private enum Target {
        case species
        case real(slot: Int)
        case int(slot: Int)
        case bool(slot: Int)
        case string(slot: Int)
    }

    private let spec: PropertiesSpec
    /// Where the tokens of each column group go, in line order, with the group's width.
    private var plan: [(target: Target, width: Int)] = []
    private var atomicNumbers: [Int] = []
    private var reals: [[Double]] = []
    private var ints: [[Int]] = []
    private var bools: [[Bool]] = []
    private var strings: [[String]] = []
    /// The storage slot of each column group, in `spec` order (nil for species).
    private var slots: [Int?] = []

    /// Prepares storage, reserving room for `reservedAtoms` atoms (it grows as atom lines arrive).
    /// - Throws: `.badHeader` when `Properties` has no `pos:R:3` column.
    init(spec: PropertiesSpec, reservedAtoms: Int, file: String, line: Int) throws(ExtXYZError) {
        self.spec = spec
        guard spec.columns.contains(where: { $0.name == "pos" && $0.type == "R" && $0.width == 3 }) else {
            throw ExtXYZError(
                file: file, line: line, kind: .badHeader,
                message: "Properties has no pos:R:3 column (found '\(spec.text)')")
        }
        let speciesColumn =
            spec.columns.firstIndex { $0.name == "species" && $0.type == "S" && $0.width == 1 }
            ?? spec.columns.firstIndex { $0.name == "Z" && $0.type == "I" && $0.width == 1 }
        for (index, column) in spec.columns.enumerated() {
            if index == speciesColumn {
                slots.append(nil)
                plan.append((.species, 1))
                continue
            }
            let target: Target
            switch column.type {
            case "R":
                target = .real(slot: reals.count)
                slots.append(reals.count)
                reals.append([])
                reals[reals.count - 1].reserveCapacity(reservedAtoms * column.width)
            case "I":
                target = .int(slot: ints.count)
                slots.append(ints.count)
                ints.append([])
            case "L":
                target = .bool(slot: bools.count)
                slots.append(bools.count)
                bools.append([])
            default:
                target = .string(slot: strings.count)
                slots.append(strings.count)
                strings.append([])
            }
            plan.append((target, column.width))
        }
        if speciesColumn == nil {
            throw ExtXYZError(
                file: file, line: line, kind: .badHeader,
                message: "Properties has neither a species:S:1 nor a Z:I:1 column (found '\(spec.text)')")
        }
        atomicNumbers.reserveCapacity(reservedAtoms)
    }

    /// Parses one atom line.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>, file: String, line number: Int) throws(ExtXYZError) {
        guard let base = line.baseAddress, !line.isEmpty else {
            throw ExtXYZError(
                file: file, line: number, kind: .wrongColumnCount,
                message: "empty line where an atom line with \(spec.tokenCount) columns was expected")
        }
        let end = base + line.count
        var p = base
        var column = 0
        for (target, width) in plan {
            for _ in 0..<width {
                while p < end && (p.pointee == 0x20 || p.pointee == 0x09) { p += 1 }
                guard p < end else {
                    throw ExtXYZError(
                        file: file, line: number, kind: .wrongColumnCount,
                        message: "found \(column) columns, Properties declares \(spec.tokenCount) (\(spec.text))")
                }
                let start = p
                while p < end && p.pointee != 0x20 && p.pointee != 0x09 { p += 1 }
                switch target {
                case .species:
                    guard let z = ElementLookup.atomicNumber(start, p) else {
                        throw bad(.unknownElement, "'\(token(start, p))' is not an element symbol", file, number)
                    }
                    atomicNumbers.append(z)
                case let .real(slot):
                    guard let x = parseDouble(start, p) else {
                        throw bad(
                            .badValue, "expected a real number in column \(column + 1), found '\(token(start, p))'", file, number)
                    }
                    reals[slot].append(x)
                case let .int(slot):
                    guard let n = parseInt(start, p) else {
                        throw bad(
                            .badValue,
                            "expected an integer (at most \(Int.max) in size) in column \(column + 1), "
                                + "found '\(token(start, p))'", file, number)
                    }
                    ints[slot].append(n)
                case let .bool(slot):
                    guard let b = extxyzBool(token(start, p)) else {
                        throw bad(.badValue, "expected T or F in column \(column + 1), found '\(token(start, p))'", file, number)
                    }
                    bools[slot].append(b)
                case let .string(slot):
                    strings[slot].append(token(start, p))
                }
                column += 1
            }
        }
        while p < end && (p.pointee == 0x20 || p.pointee == 0x09) { p += 1 }
        guard p == end else {
            throw ExtXYZError(
                file: file, line: number, kind: .wrongColumnCount,
                message: "more columns than the \(spec.tokenCount) Properties declares (\(spec.text))")
        }
    }

    /// Assembles the structure after all atom lines are parsed.
    func structure(header: inout FrameHeader, file: String, firstAtomLine: Int) throws(ExtXYZError) -> Structure {
        var positions = [SIMD3<Double>]()
        var arrays = OrderedDictionary<String, AtomArray>()
        for (index, column) in spec.columns.enumerated() {
            guard let slot = slots[index] else { continue }
            if column.name == "pos" && column.type == "R" && column.width == 3 && positions.isEmpty {
                let v = reals[slot]
                positions = (0..<atomicNumbers.count).map { SIMD3(v[3 * $0], v[3 * $0 + 1], v[3 * $0 + 2]) }
                if let bad = positions.firstIndex(where: { !$0.isFinite }) {
                    throw ExtXYZError(
                        file: file, line: firstAtomLine + bad, kind: .badPositions,
                        message: "atom \(bad) has a non-finite position")
                }
                continue
            }
            switch column.type {
            case "R": arrays[column.name] = .doubles(reals[slot], width: column.width)
            case "I": arrays[column.name] = .ints(ints[slot], width: column.width)
            case "L": arrays[column.name] = .bools(bools[slot], width: column.width)
            default: arrays[column.name] = .strings(strings[slot], width: column.width)
            }
        }
        return Structure(
            atomicNumbers: atomicNumbers, positions: positions, cell: header.cell, pbc: header.pbc,
            info: header.info, arrays: arrays)
    }

    private func bad(_ kind: ExtXYZError.Kind, _ message: String, _ file: String, _ line: Int) -> ExtXYZError {
        ExtXYZError(file: file, line: line, kind: kind, message: message)
    }
}

/// The token's text.
@inline(__always)
private func token(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>) -> String {
    String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
}
