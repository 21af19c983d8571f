import Atoms

/// A `key=value` list with typed accessors: the command line and each descriptor of `gap={…}`. Every accessor
/// marks its key as read (see `rejectUnread(hints:)`), returns nil when the key is absent and throws
/// `GapFitSyntaxError.badValue` when the value is not of the type the key needs.
public protocol GapFitKeyValues {
    /// The entries and the keys read so far.
    var parameters: GapFitParameters { get set }
}

/// The four σ of gap_fit's `default_sigma` and `config_type_sigma`: energy (eV), force (eV/Å), virial (eV),
/// Hessian (eV/Å²).
public struct GapFitSigmas: Equatable, Sendable {
    /// σ of energies (eV).
    public let energy: Double
    /// σ of force components (eV/Å).
    public let force: Double
    /// σ of virial components (eV).
    public let virial: Double
    /// σ of Hessian components (eV/Å²).
    public let hessian: Double

    /// The four values in gap_fit's order.
    public init(energy: Double, force: Double, virial: Double, hessian: Double) {
        self.energy = energy
        self.force = force
        self.virial = virial
        self.hessian = hessian
    }
}

/// One group of `config_type_sigma={name:σE:σF:σV:σH:…}`.
public struct GapFitConfigTypeSigma: Equatable, Sendable {
    /// The `config_type` the σ apply to.
    public let configType: String
    /// Its σ.
    public let sigmas: GapFitSigmas

    /// A group.
    public init(configType: String, sigmas: GapFitSigmas) {
        self.configType = configType
        self.sigmas = sigmas
    }
}

/// A per-species value such as `e0=`: one number for every species, or `{Si:-158.5:C:-148.3}`.
public enum GapFitSpeciesValues: Equatable, Sendable {
    /// The same value for every species.
    case all(Double)
    /// A value per element, in the order written.
    case bySpecies([GapFitSpeciesValue])
}

/// One `symbol:value` pair of a per-species value.
public struct GapFitSpeciesValue: Equatable, Sendable {
    /// The element symbol as written.
    public let symbol: String
    /// Its atomic number.
    public let atomicNumber: Int
    /// The value.
    public let value: Double

    /// A pair; `atomicNumber` must be `symbol`'s.
    public init(symbol: String, atomicNumber: Int, value: Double) {
        self.symbol = symbol
        self.atomicNumber = atomicNumber
        self.value = value
    }
}

extension GapFitKeyValues {
    /// True when `key` (any case) was given; does not mark it read.
    public func contains(_ key: String) -> Bool { parameters.contains(key) }

    /// The keys (as written) nobody has read, in order.
    public func unreadKeys() -> [String] { parameters.unreadKeys() }

    /// Throws `unsupportedKey` for the first key nobody has read, with `hints[key]` as advice.
    public func rejectUnread(hints: [String: String] = [:]) throws(GapFitSyntaxError) {
        try parameters.rejectUnread(hints: hints)
    }

    /// The value of `key` (or `alias`) as text; `key=` gives "".
    /// - Throws: `badValue` for a bare key (gap_fit would store the key's own name as the value).
    public mutating func string(_ key: String, alias: String? = nil) throws(GapFitSyntaxError) -> String? {
        guard let entry = try parameters.entry(key, alias: alias) else { return nil }
        guard let value = entry.value else { throw bad(entry, expected: "a value: write \(entry.spelling)=…") }
        return value
    }

    /// The value of `key` as a finite real (Fortran spellings such as `1.0d-3` included).
    public mutating func double(_ key: String, alias: String? = nil) throws(GapFitSyntaxError) -> Double? {
        guard let entry = try parameters.entry(key, alias: alias) else { return nil }
        let words = try self.words(entry, expected: "one number")
        guard words.count == 1, let x = GapFitNumber.double(words[0]) else { throw bad(entry, expected: "one number") }
        return x
    }

    /// The value of `key` as an integer (digits with an optional sign, as Fortran's list-directed read).
    public mutating func int(_ key: String, alias: String? = nil) throws(GapFitSyntaxError) -> Int? {
        guard let entry = try parameters.entry(key, alias: alias) else { return nil }
        let words = try self.words(entry, expected: "one integer")
        guard words.count == 1, let n = GapFitNumber.int(words[0]) else { throw bad(entry, expected: "one integer") }
        return n
    }

    /// The value of `key` as a logical: `T`, `F`, `true`, `false` in any case; a bare `key` or `key=` is true
    /// (libAtoms' string_to_logical and param_parse_value; gap_fit does not read `1` or `0`).
    public mutating func bool(_ key: String, alias: String? = nil) throws(GapFitSyntaxError) -> Bool? {
        guard let entry = try parameters.entry(key, alias: alias) else { return nil }
        let word = (entry.value ?? "").trimmingSpaces.lowercased()
        switch word {
        case "", "t", "true": return true
        case "f", "false": return false
        default: throw bad(entry, expected: "T or F (also true, false; not 1 or 0)")
        }
    }

    /// The value of `key` as a whitespace-separated list of reals, e.g. `default_sigma={0.01 1.0 0.5 0.0}`;
    /// `count` is the number required (gap_fit requires exactly the registered number), nil for any.
    public mutating func doubleList(_ key: String, count: Int? = nil, alias: String? = nil) throws(GapFitSyntaxError)
        -> [Double]?
    {
        guard let entry = try parameters.entry(key, alias: alias) else { return nil }
        let expected = count.map { "\($0) numbers separated by spaces, e.g. \(key)={1 2}" } ?? "numbers separated by spaces"
        let words = try self.words(entry, expected: expected)
        guard !words.isEmpty, count.map({ $0 == words.count }) ?? true else { throw bad(entry, expected: expected) }
        var values: [Double] = []
        for word in words {
            guard let x = GapFitNumber.double(word) else { throw bad(entry, expected: expected) }
            values.append(x)
        }
        return values
    }

    /// The value of `key` as a whitespace-separated list of integers, e.g. `Z={14 6}`.
    public mutating func intList(_ key: String, count: Int? = nil, alias: String? = nil) throws(GapFitSyntaxError)
        -> [Int]?
    {
        guard let entry = try parameters.entry(key, alias: alias) else { return nil }
        let expected = count.map { "\($0) integers separated by spaces" } ?? "integers separated by spaces"
        let words = try self.words(entry, expected: expected)
        guard !words.isEmpty, count.map({ $0 == words.count }) ?? true else { throw bad(entry, expected: expected) }
        var values: [Int] = []
        for word in words {
            guard let n = GapFitNumber.int(word) else { throw bad(entry, expected: expected) }
            values.append(n)
        }
        return values
    }

    /// `default_sigma={σE σF σV σH}` (or `key`): exactly four reals.
    public mutating func sigmas(_ key: String = "default_sigma") throws(GapFitSyntaxError) -> GapFitSigmas? {
        guard let v = try doubleList(key, count: 4) else { return nil }
        return GapFitSigmas(energy: v[0], force: v[1], virial: v[2], hessian: v[3])
    }

    /// `config_type_sigma={name:σE:σF:σV:σH:…}`: groups of a name and four reals, separated by `:`, `;` or
    /// spaces (parse_config_type_sigma). gap_fit drops an incomplete last group silently; it is an error here,
    /// as is a name given twice.
    public mutating func configTypeSigmas(_ key: String = "config_type_sigma") throws(GapFitSyntaxError)
        -> [GapFitConfigTypeSigma]?
    {
        guard let entry = try parameters.entry(key, alias: nil) else { return nil }
        let expected = "groups of a config_type and 4 numbers, e.g. {liq:0.003:0.15:0.2:0.0:amorph:0.01:0.2:0.4:0.0}"
        let fields = try split(entry, rules: .configTypeSigmas)
        guard !fields.isEmpty, fields.count % 5 == 0 else { throw bad(entry, expected: expected) }
        var groups: [GapFitConfigTypeSigma] = []
        for start in stride(from: 0, to: fields.count, by: 5) {
            let name = fields[start].string
            var v: [Double] = []
            for field in fields[(start + 1)..<(start + 5)] {
                guard let x = GapFitNumber.double(field.string) else { throw bad(entry, field, expected: expected) }
                v.append(x)
            }
            if groups.contains(where: { $0.configType == name }) {
                throw bad(entry, fields[start], expected: "each config_type once ('\(name)' is given twice)")
            }
            groups.append(
                GapFitConfigTypeSigma(
                    configType: name, sigmas: GapFitSigmas(energy: v[0], force: v[1], virial: v[2], hessian: v[3])))
        }
        return groups
    }

    /// A per-species value such as `e0=-158.5` or `e0={Si:-158.5:C:-148.3}` (parse_atomtype_value_str).
    public mutating func speciesValues(_ key: String) throws(GapFitSyntaxError) -> GapFitSpeciesValues? {
        guard let entry = try parameters.entry(key, alias: nil) else { return nil }
        let expected = "one number, or element:number pairs separated by ':', e.g. {Si:-158.5:C:-148.3}"
        let fields = try split(entry, rules: .speciesValues)
        if fields.count == 1 {
            guard let x = GapFitNumber.double(fields[0].string.trimmingSpaces) else { throw bad(entry, expected: expected) }
            return .all(x)
        }
        guard !fields.isEmpty, fields.count % 2 == 0 else { throw bad(entry, expected: expected) }
        var pairs: [GapFitSpeciesValue] = []
        for start in stride(from: 0, to: fields.count, by: 2) {
            let symbol = fields[start].string.trimmingSpaces
            guard let z = Element.atomicNumber(symbol) else {
                throw bad(entry, fields[start], expected: "an element symbol, not '\(symbol)' (\(expected))")
            }
            guard !pairs.contains(where: { $0.atomicNumber == z }) else {
                throw bad(entry, fields[start], expected: "each element once ('\(symbol)' is given twice)")
            }
            guard let x = GapFitNumber.double(fields[start + 1].string.trimmingSpaces) else {
                throw bad(entry, fields[start + 1], expected: expected)
            }
            pairs.append(GapFitSpeciesValue(symbol: symbol, atomicNumber: z, value: x))
        }
        return .bySpecies(pairs)
    }

    /// The whitespace-separated words of `entry`'s value.
    /// - Throws: `badValue` for a bare key (a number needs `key=value`).
    private func words(_ entry: GapFitEntry, expected: String) throws(GapFitSyntaxError) -> [String] {
        guard entry.value != nil else { throw bad(entry, expected: expected) }
        return try split(entry, rules: .list).map(\.string)
    }

    /// The value of `entry` split by `rules`.
    private func split(_ entry: GapFitEntry, rules: GapFitSplitRules) throws(GapFitSyntaxError) -> [GapFitField] {
        try GapFitTokenizer.split(entry.valueScalars, offsets: entry.valueOffsets, rules: rules, source: parameters.source)
    }

    /// A `badValue` error for `entry`, pointing at `field` when given, else at the value.
    private func bad(_ entry: GapFitEntry, _ field: GapFitField? = nil, expected: String) -> GapFitSyntaxError {
        .badValue(
            key: entry.spelling, value: entry.value ?? "", expected: expected,
            at: parameters.location(field?.offsets.first ?? field?.start ?? entry.valueOffset))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}
