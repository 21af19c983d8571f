import Atoms

/// What a user wants to know about a data set before fitting: sizes, species, periodicity, the keys
/// present and how many configurations carry each, config types, and the reference energy range.
/// Built by streaming: `add` one structure at a time.
public struct DatasetSummary: Codable, Equatable, Sendable {
    /// Atom-count statistics over configurations.
    public struct AtomCounts: Codable, Equatable, Sendable {
        public var total = 0
        public var min = 0
        public var max = 0
        public var mean = 0.0

        /// Counts with these values.
        public init(total: Int = 0, min: Int = 0, max: Int = 0, mean: Double = 0) {
            self.total = total
            self.min = min
            self.max = max
            self.mean = mean
        }
    }

    /// Reference energy per atom over the configurations that carry the energy key.
    public struct EnergyRange: Codable, Equatable, Sendable {
        /// The info key read.
        public var key: String
        /// Configurations with a finite energy under the key.
        public var configurations = 0
        /// Configurations whose energy is not a finite number.
        public var nonFinite = 0
        /// Smallest, largest and mean energy per atom in eV/atom.
        public var minPerAtom = Double.infinity
        public var maxPerAtom = -Double.infinity
        public var meanPerAtom = 0.0

        enum CodingKeys: String, CodingKey {
            case key, configurations, nonFinite = "non_finite", minPerAtom = "min_per_atom"
            case maxPerAtom = "max_per_atom", meanPerAtom = "mean_per_atom"
        }
    }

    /// A reference key and how many configurations carry it.
    public struct KeyUse: Codable, Equatable, Sendable {
        public var key: String
        public var configurations = 0

        /// A key used by `configurations` configurations.
        public init(key: String, configurations: Int = 0) {
            self.key = key
            self.configurations = configurations
        }
    }

    /// The file summarised.
    public var file: String
    /// Number of configurations.
    public var configurations = 0
    /// Atom counts.
    public var atoms = AtomCounts()
    /// Element symbol → number of atoms.
    public var species: [String: Int] = [:]
    /// Configurations periodic along at least one axis.
    public var periodic = 0
    /// Info key → configurations carrying it.
    public var infoKeys: [String: Int] = [:]
    /// Per-atom array key → configurations carrying it.
    public var arrayKeys: [String: Int] = [:]
    /// config_type value → configurations (configurations without one are counted under "(none)").
    public var configTypes: [String: Int] = [:]
    /// The reference energy per atom, when an energy key is present.
    public var energy: EnergyRange?
    /// The reference forces key, when one is present.
    public var forces: KeyUse?
    /// The reference virial key, when one is present.
    public var virial: KeyUse?
    /// The reference stress key, when one is present.
    public var stress: KeyUse?

    enum CodingKeys: String, CodingKey {
        case file, configurations, atoms, species, periodic, infoKeys = "info_keys", arrayKeys = "array_keys"
        case configTypes = "config_types", energy, forces, virial, stress
    }

    /// An empty summary of `file`.
    public init(file: String) { self.file = file }

    /// Adds one configuration; `keys` says where the energy and config_type are.
    public mutating func add(_ s: Structure, keys: ReferenceKeys = ReferenceKeys()) {
        let n = s.count
        atoms.min = configurations == 0 ? n : Swift.min(atoms.min, n)
        atoms.max = Swift.max(atoms.max, n)
        configurations += 1
        atoms.total += n
        atoms.mean = Double(atoms.total) / Double(configurations)
        for z in s.atomicNumbers { species[Element.label(z), default: 0] += 1 }
        if s.pbc.isAnyPeriodic { periodic += 1 }
        for key in s.info.keys { infoKeys[key, default: 0] += 1 }
        for key in s.arrays.keys { arrayKeys[key, default: 0] += 1 }
        configTypes[s.configType(keys) ?? "(none)", default: 0] += 1
        addEnergy(s, keys: keys)
        Self.count(&forces, keys.forcesKey(in: s))
        Self.count(&virial, keys.virialKey(in: s))
        Self.count(&stress, keys.stressKey(in: s))
    }

    private static func count(_ use: inout KeyUse?, _ key: String?) {
        guard let key else { return }
        // Keep the first key seen; a file mixing spellings reports the first.
        if use == nil { use = KeyUse(key: key) }
        if use?.key == key { use?.configurations += 1 }
    }

    private mutating func addEnergy(_ s: Structure, keys: ReferenceKeys) {
        // The first configuration with an energy fixes the key for the whole file.
        let key = energy?.key ?? keys.energyKey(in: s)
        guard let key, let value = s.info[key]?.doubleValue else { return }
        var range = energy ?? EnergyRange(key: key)
        if value.isFinite && s.count > 0 {
            let perAtom = value / Double(s.count)
            range.minPerAtom = Swift.min(range.minPerAtom, perAtom)
            range.maxPerAtom = Swift.max(range.maxPerAtom, perAtom)
            range.meanPerAtom += (perAtom - range.meanPerAtom) / Double(range.configurations + 1)
            range.configurations += 1
        } else {
            range.nonFinite += 1
        }
        energy = range
    }
}
