import Descriptors
import Foundation

/// The settings of a descriptor as a C caller gives them: JSON with DScribe's names.
///
/// SOAP: `{"kind": "soap", "species": [Z…], "r_cut", "n_max", "l_max", "sigma", "periodic", "average":
/// "off"|"inner"|"outer", "crossover": bool, "weighting": null | {"function": "poly"|"pow"|"exp", "c", "d",
/// "r0", "m"}, "w0": null | number}`. Coulomb matrix: `{"kind": "coulomb_matrix", "n_atoms_max", "permutation":
/// "none"|"sorted_l2"|"eigenspectrum"|"random", "sigma", "seed"}`. Unknown keys are refused.
struct DescriptorSpec: Decodable {
    let descriptor: any Descriptor

    private enum Key: String, CodingKey, CaseIterable {
        case kind, species
        case rCut = "r_cut", nMax = "n_max", lMax = "l_max", sigma, periodic, average, crossover, weighting, w0
        case nAtomsMax = "n_atoms_max", permutation, seed
    }

    private enum WeightingKey: String, CodingKey, CaseIterable { case function, c, d, r0, m }

    /// The keys each kind takes.
    private static let keys: [String: Set<Key>] = [
        "soap": [.kind, .species, .rCut, .nMax, .lMax, .sigma, .periodic, .average, .crossover, .weighting, .w0],
        "coulomb_matrix": [.kind, .nAtomsMax, .permutation, .sigma, .seed]
    ]

    /// The descriptor of JSON `text`.
    /// - Throws: `CAPIError` for malformed JSON or unknown keys, `DescriptorError` for settings out of range.
    static func parse(_ text: String) throws -> DescriptorSpec {
        do {
            return try JSONDecoder().decode(DescriptorSpec.self, from: Data(text.utf8))
        } catch let error as DecodingError {
            throw CAPIError("descriptor settings \(text): \(error)")
        }
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(String.self, forKey: .kind)
        guard let allowed = Self.keys[kind] else {
            throw CAPIError("unknown descriptor kind '\(kind)'; use soap or coulomb_matrix")
        }
        let raw = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = raw.allKeys.first(where: { Key(rawValue: $0.stringValue).map { !allowed.contains($0) } ?? true }) {
            throw CAPIError("unknown \(kind) setting '\(unknown.stringValue)'")
        }
        switch kind {
        case "soap":
            let averageName = try c.decodeIfPresent(String.self, forKey: .average) ?? "off"
            guard let average = SOAP.Averaging(rawValue: averageName) else {
                throw CAPIError("average must be off, inner or outer (got '\(averageName)')")
            }
            descriptor = try SOAP.dscribe(
                species: try c.decode([Int].self, forKey: .species), cutoff: try c.decode(Double.self, forKey: .rCut),
                nMax: try c.decode(Int.self, forKey: .nMax), lMax: try c.decode(Int.self, forKey: .lMax),
                atomSigma: try c.decode(Double.self, forKey: .sigma),
                weighting: try Self.weighting(c), centerWeight: try c.decodeIfPresent(Double.self, forKey: .w0),
                average: average, crossover: try c.decodeIfPresent(Bool.self, forKey: .crossover) ?? false,
                periodic: try c.decodeIfPresent(Bool.self, forKey: .periodic) ?? false)
        default:
            let permutation: CoulombMatrix.Permutation
            switch try c.decodeIfPresent(String.self, forKey: .permutation) ?? "sorted_l2" {
            case "none": permutation = .none
            case "sorted_l2": permutation = .sortedL2
            case "eigenspectrum": permutation = .eigenspectrum
            case "random":
                permutation = .random(
                    sigma: try c.decode(Double.self, forKey: .sigma),
                    seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0)
            case let other:
                throw CAPIError("permutation must be none, sorted_l2, eigenspectrum or random (got '\(other)')")
            }
            descriptor = try CoulombMatrix(nAtomsMax: try c.decode(Int.self, forKey: .nAtomsMax), permutation: permutation)
        }
    }

    /// DScribe's weighting dictionary, nil when absent.
    private static func weighting(_ c: KeyedDecodingContainer<Key>) throws -> SOAP.Weighting? {
        guard c.contains(.weighting), try !c.decodeNil(forKey: .weighting) else { return nil }
        let w = try c.nestedContainer(keyedBy: WeightingKey.self, forKey: .weighting)
        func value(_ key: WeightingKey) throws -> Double { try w.decode(Double.self, forKey: key) }
        switch try w.decode(String.self, forKey: .function) {
        case "poly": return .poly(c: try value(.c), r0: try value(.r0), m: try value(.m))
        case "pow": return .pow(c: try value(.c), d: try value(.d), r0: try value(.r0), m: try value(.m))
        case "exp": return .exp(c: try value(.c), d: try value(.d), r0: try value(.r0))
        case let other: throw CAPIError("weighting function must be poly, pow or exp (got '\(other)')")
        }
    }
}

/// Any JSON key, to list the keys a caller gave.
private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
