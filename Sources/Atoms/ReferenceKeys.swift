import Foundation

/// Where a structure keeps its reference (e.g. DFT) energy, forces, virial or stress, and the
/// config_type label. Each key is either given, or found by trying the usual spellings in order.
public struct ReferenceKeys: Equatable, Sendable {
    /// The info key of the total energy, or nil to search `energyCandidates`.
    public var energy: String?
    /// The per-atom array key of the forces, or nil to search `forcesCandidates`.
    public var forces: String?
    /// The info key of the virial, or nil to search `virialCandidates`.
    public var virial: String?
    /// The info key of the stress (virial = −stress·V), or nil to search `stressCandidates`.
    public var stress: String?
    /// The info key of the configuration type.
    public var configType: String

    /// Energy keys tried in order.
    public static let energyCandidates = [
        "energy", "dft_energy", "DFT_energy", "Energy", "REF_energy", "ref_energy",
        "total_energy", "free_energy"
    ]
    /// Force keys tried in order.
    public static let forcesCandidates = [
        "forces", "force", "dft_force", "dft_forces", "DFT_force", "REF_forces",
        "ref_forces", "REF_force"
    ]
    /// Virial keys tried in order.
    public static let virialCandidates = ["virial", "dft_virial", "DFT_virial", "REF_virial", "ref_virial"]
    /// Stress keys tried in order.
    public static let stressCandidates = ["stress", "dft_stress", "DFT_stress", "REF_stress", "ref_stress"]

    /// Keys; nil ones are searched among the usual spellings.
    public init(
        energy: String? = nil, forces: String? = nil, virial: String? = nil, stress: String? = nil,
        configType: String = "config_type"
    ) {
        self.energy = energy
        self.forces = forces
        self.virial = virial
        self.stress = stress
        self.configType = configType
    }

    /// The energy key present in `s`: the given one if `s` has it, else (when none was given) the first
    /// candidate holding a number.
    public func energyKey(in s: Structure) -> String? {
        Self.pick(energy, Self.energyCandidates, among: s.info.keys) { s.info[$0]?.doubleValue != nil }
    }

    /// The forces key present in `s`.
    public func forcesKey(in s: Structure) -> String? {
        Self.pick(forces, Self.forcesCandidates, among: s.arrays.keys) { s.arrays[$0] != nil }
    }

    /// The virial key present in `s`.
    public func virialKey(in s: Structure) -> String? {
        Self.pick(virial, Self.virialCandidates, among: s.info.keys) { s.info[$0] != nil }
    }

    /// The stress key present in `s`.
    public func stressKey(in s: Structure) -> String? {
        Self.pick(stress, Self.stressCandidates, among: s.info.keys) { s.info[$0] != nil }
    }

    /// The given key when present; else, as gap_fit (QUIP's dictionaries ignore case), a key of `keys` that
    /// differs from it only in case (`dft_energy` finds `DFT_energy`); without a given key, the first candidate.
    private static func pick(
        _ given: String?, _ candidates: [String], among keys: some Sequence<String>, present: (String) -> Bool
    ) -> String? {
        guard let given else { return candidates.first(where: present) }
        if present(given) { return given }
        let lower = given.lowercased()
        return keys.first { $0.lowercased() == lower && present($0) }
    }
}

/// A JSON list of lists of numbers (`[[1, 2], [3.5, 4]]`), numbers parsed exactly; nil for anything else.
func jsonRows(_ text: String) -> [[Double]]? {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
    let pieces = trimmed.dropFirst().dropLast().split(separator: "]", omittingEmptySubsequences: false)
    guard pieces.last?.allSatisfy(\.isWhitespace) == true else { return nil }
    var rows = [[Double]]()
    for chunk in pieces.dropLast() {
        var body = chunk.drop { $0 == "," || $0 == " " }
        guard body.first == "[" else { return nil }
        body = body.dropFirst()
        guard let row = body.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }).allMap(\.extxyzDouble)
        else { return nil }
        rows.append(row)
    }
    return rows.isEmpty ? nil : rows
}

/// A reference value present under a key but unusable.
public struct ReferenceValueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The key.
    public let key: String
    /// What is wrong with it.
    public let problem: String

    public var description: String { "'\(key)': \(problem)" }
}

extension Structure {
    /// The reference energy in eV, nil when absent.
    /// - Throws: `ReferenceValueError` when the value is not a finite number.
    public func referenceEnergy(_ keys: ReferenceKeys = ReferenceKeys()) throws(ReferenceValueError) -> Double? {
        guard let key = keys.energyKey(in: self), let value = info[key] else { return nil }
        guard let e = value.doubleValue else {
            throw ReferenceValueError(key: key, problem: "is a \(value.typeName), not a number")
        }
        guard e.isFinite else { throw ReferenceValueError(key: key, problem: "is not finite (\(e))") }
        return e
    }

    /// The reference forces in eV/Å, nil when absent.
    /// - Throws: `ReferenceValueError` when the array is not real with 3 columns, or has non-finite entries.
    public func referenceForces(_ keys: ReferenceKeys = ReferenceKeys()) throws(ReferenceValueError) -> [SIMD3<Double>]? {
        guard let key = keys.forcesKey(in: self), let array = arrays[key] else { return nil }
        guard let v = array.vectors else {
            throw ReferenceValueError(
                key: key, problem: "must be a real per-atom array of width 3, found \(array.typeLetter):\(array.width)")
        }
        guard v.allSatisfy(\.isFinite) else { throw ReferenceValueError(key: key, problem: "has non-finite entries") }
        return v
    }

    /// The reference virial in eV, from the virial key or else from the stress key (virial = −stress·V),
    /// nil when neither is present. Nine numbers are read in ASE's order, six as Voigt xx yy zz yz xz xy.
    /// - Throws: `ReferenceValueError` for a wrong count, non-finite entries, or a stress without a cell volume.
    public func referenceVirial(_ keys: ReferenceKeys = ReferenceKeys()) throws(ReferenceValueError) -> Matrix3? {
        if let key = keys.virialKey(in: self), let value = info[key] {
            return try tensor(value, key: key)
        }
        if let key = keys.stressKey(in: self), let value = info[key] {
            let stress = try tensor(value, key: key)
            let volume = cell.volume
            guard volume > 0 else { throw ReferenceValueError(key: key, problem: "a stress needs a cell with non-zero volume") }
            return (-volume) * stress
        }
        return nil
    }

    /// The configuration type label, nil when absent.
    public func configType(_ keys: ReferenceKeys = ReferenceKeys()) -> String? {
        switch info[keys.configType] {
        case let .string(s)?: return s
        case let .int(n)?: return String(n)
        case let .bool(b)?: return b ? "T" : "F"
        case let .double(x)?: return x.description
        default: return nil
        }
    }

    /// A 3 × 3 tensor from 9 numbers (ASE's column-major order), 6 Voigt numbers, or a `_JSON` 3 × 3 list
    /// of rows (how ASE writes a 3 × 3 array under a key other than virial or stress).
    private func tensor(_ value: InfoValue, key: String) throws(ReferenceValueError) -> Matrix3 {
        let matrix: Matrix3?
        var v = value.doublesValue ?? []
        if case let .json(text) = value, let rows = jsonRows(text), rows.count == 3, rows.allSatisfy({ $0.count == 3 }) {
            v = rows.flatMap { $0 }
            matrix = Matrix3(rowMajor: v)
        } else {
            matrix = Matrix3(columnMajor: v) ?? Matrix3(voigt: v)
        }
        guard let m = matrix else {
            throw ReferenceValueError(key: key, problem: "must be 9 or 6 numbers, found \(value.typeName)")
        }
        guard v.allSatisfy(\.isFinite) else { throw ReferenceValueError(key: key, problem: "has non-finite entries") }
        return m
    }
}
