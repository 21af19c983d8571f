import Atoms

/// Pair energies tabulated per unordered element pair, read from a LAMMPS `pair_style table` file whose
/// sections a `PairTableMapping` ties to element pairs (`Si-Si:SISI,Si-C:SIC`).
///
/// Between the tabulated points the pair energy is a cubic Hermite spline with the tabulated forces as
/// slopes (`PairTableSection.evaluate`), so forces are the exact derivatives of the energy and both are
/// continuous. A section's last point is its cutoff: energy and force are zero from there on, and the
/// energy there must be zero (|E| ≤ `PairTableError.cutoffEnergyTolerance`; the force should vanish too, or
/// it jumps at the cutoff). Pairs closer than a section's first point are an error at evaluation time.
/// Every element pair present in a structure needs a section. Per-atom energies are half of each pair
/// energy. Meant as a fixed core potential that a GAP fit subtracts from its targets and adds back.
public struct TabulatedPairPotential: Calculator, Equatable, Codable {
    /// Which section each element pair uses.
    public let mapping: PairTableMapping
    /// The sections the mapping uses, in the order of `mapping.keywords`.
    public let sections: [PairTableSection]
    /// The index in `sections` of each mapped pair.
    private let sectionOfPair: [ElementPair: Int]
    /// The largest cutoff of the sections, Å.
    public let cutoff: Double

    /// The potential from the table file at `path`.
    /// - Throws: `PairTableError` for an unreadable or malformed file (with file and line), a section the
    ///   mapping names that the file lacks, or a used section whose energy at its cutoff is not zero.
    public init(path: String, mapping: PairTableMapping) throws(PairTableError) {
        try self.init(located: PairTableReader.parse(PairTableReader.read(path: path), file: path), file: path, mapping: mapping)
    }

    /// The potential from a table file held in memory; `file` names it in errors.
    /// - Throws: as `init(path:mapping:)`.
    public init(bytes: [UInt8], file: String, mapping: PairTableMapping) throws(PairTableError) {
        try self.init(located: PairTableReader.parse(bytes, file: file), file: file, mapping: mapping)
    }

    /// The potential from sections already read (or built in memory); sections the mapping does not use are
    /// dropped.
    /// - Throws: `PairTableError.invalidSection` for two sections with one keyword, `.missingSection`, or
    ///   `.nonZeroEnergyAtCutoff`.
    public init(sections: [PairTableSection], mapping: PairTableMapping) throws(PairTableError) {
        var seen = Set<String>()
        for s in sections where !seen.insert(s.keyword).inserted {
            throw .invalidSection(keyword: s.keyword, message: "two sections have this keyword")
        }
        try self.init(
            located: sections.map { LocatedSection(section: $0, keywordLine: 0, lastLine: 0) }, file: "",
            mapping: mapping)
    }

    /// The potential from located sections, checking what the mapping needs.
    init(located: [LocatedSection], file: String, mapping: PairTableMapping) throws(PairTableError) {
        var byKeyword = [String: LocatedSection]()
        for s in located where byKeyword[s.section.keyword] == nil { byKeyword[s.section.keyword] = s }
        var used = [PairTableSection]()
        var indexOfKeyword = [String: Int]()
        for keyword in mapping.keywords {
            guard let s = byKeyword[keyword] else {
                let pair = mapping.entries.first { $0.keyword == keyword }?.pair ?? ElementPair(0, 0)
                throw .missingSection(file: file, keyword: keyword, pair: pair)
            }
            let energy = s.section.cutoffEnergy
            guard abs(energy) <= PairTableError.cutoffEnergyTolerance else {
                throw .nonZeroEnergyAtCutoff(
                    file: file, line: s.lastLine, keyword: keyword, energy: energy, cutoff: s.section.cutoff)
            }
            indexOfKeyword[keyword] = used.count
            used.append(s.section)
        }
        var sectionOfPair = [ElementPair: Int]()
        for e in mapping.entries { sectionOfPair[e.pair] = indexOfKeyword[e.keyword] }
        self.mapping = mapping
        self.sections = used
        self.sectionOfPair = sectionOfPair
        self.cutoff = used.map(\.cutoff).max() ?? 0
    }

    /// The section used for atomic numbers `a` and `b`, or nil when the mapping has none.
    public func section(_ a: Int, _ b: Int) -> PairTableSection? {
        sectionOfPair[ElementPair(a, b)].map { sections[$0] }
    }

    /// Energy, forces, virial and per-atom energies of `structure`.
    /// - Throws: `PotentialError.missingParameters` when an element pair present has no section,
    ///   `PotentialError.belowTableRange` when two atoms are closer than their section's first point, or a
    ///   `GeometryError` from the neighbor list.
    public func calculate(_ structure: Structure) throws -> Calculation {
        let n = structure.count
        guard cutoff > 0, n > 0 else {
            return Calculation(
                energy: 0, forces: [SIMD3<Double>](repeating: .zero, count: n), virial: .zero,
                atomEnergies: [Double](repeating: 0, count: n))
        }
        let list = try NeighborList(structure, cutoff: cutoff, kind: .half)
        let table = try StructurePairTable(structure) { a, b in
            guard let s = sectionOfPair[ElementPair(a, b)] else {
                throw PotentialError.missingParameters(potential: "TabulatedPairPotential", elements: [a, b])
            }
            return s
        }
        return try PairSum.calculate(structure, list: list) { i, j, r in
            guard let index = table[i, j] else { return nil }
            let section = sections[index]
            guard let value = section.evaluate(r) else {
                throw PotentialError.belowTableRange(
                    potential: "TabulatedPairPotential", i: i, j: j,
                    elements: [structure.atomicNumbers[i], structure.atomicNumbers[j]], distance: r,
                    firstPoint: section.firstPoint)
            }
            return value
        }
    }

    private enum CodingKeys: String, CodingKey {
        case mapping, sections
    }

    /// Decodes `{"mapping": …, "sections": […]}` and checks it as `init(sections:mapping:)` does.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let mapping = try container.decode(PairTableMapping.self, forKey: .mapping)
        let sections = try container.decode([PairTableSection].self, forKey: .sections)
        do {
            try self.init(sections: sections, mapping: mapping)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .sections, in: container, debugDescription: error.description)
        }
    }

    /// Encodes the mapping and the sections it uses.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mapping, forKey: .mapping)
        try container.encode(sections, forKey: .sections)
    }
}
