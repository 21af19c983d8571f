import Atoms
import Classical

/// A fixed potential under a GAP (gap_fit's `core_ip_args`): its energies, forces and virials are subtracted
/// from the training targets before the fit and added back at prediction, so the GAP learns only the rest.
/// Stored in potential files as `{"zbl": {…}}` or `{"pair_table": {…}}`.
public enum CorePotential: Calculator, Codable, Equatable, Sendable {
    /// The ZBL screened nuclear repulsion.
    case zbl(ZBLPotential)
    /// Pair energies tabulated per element pair.
    case pairTable(TabulatedPairPotential)

    /// Energy, forces, virial and per-atom energies of `structure`.
    /// - Throws: the potential's typed error (an element pair without a table section, a distance below the
    ///   table, bad geometry).
    public func calculate(_ structure: Structure) throws -> Calculation {
        switch self {
        case let .zbl(p): try p.calculate(structure)
        case let .pairTable(p): try p.calculate(structure)
        }
    }

    /// One line: what the core is.
    public var summary: String {
        switch self {
        case let .zbl(p):
            switch p.switching {
            case let .lammps(inner, outer):
                "ZBL, switched off between \(inner) and \(outer) Å (LAMMPS pair_zbl)"
                    + (p.pairs.map { ", pairs \($0.map(\.label).joined(separator: " "))" } ?? "")
            case let .quip(cutoff, width):
                "ZBL, cutoff \(cutoff) Å with a smooth step over \(width) Å (QUIP's IP ZBL)"
                    + (p.pairs.map { ", pairs \($0.map(\.label).joined(separator: " "))" } ?? "")
            }
        case let .pairTable(p):
            "tabulated pairs \(p.mapping.description), cutoff \(p.cutoff) Å"
        }
    }

    enum CodingKeys: String, CodingKey { case zbl, pairTable = "pair_table" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard c.allKeys.count == 1, let key = c.allKeys.first else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: c.codingPath, debugDescription: "a core potential is one object keyed zbl or pair_table"))
        }
        switch key {
        case .zbl: self = .zbl(try c.decode(ZBLPotential.self, forKey: key))
        case .pairTable: self = .pairTable(try c.decode(TabulatedPairPotential.self, forKey: key))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .zbl(p): try c.encode(p, forKey: .zbl)
        case let .pairTable(p): try c.encode(p, forKey: .pairTable)
        }
    }
}
