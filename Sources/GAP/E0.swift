import Atoms
import LinearAlgebra

/// How the per-element reference energies e0 (the energy of an isolated atom) are set.
public enum E0Mode: Sendable, Equatable {
    /// From single-atom configurations (or config_type `isolated_atom`) in the training set.
    case isolated
    /// One value for every element: the mean energy per atom of the training configurations.
    case average
    /// Least squares per element: E_c ≈ Σ_Z n_cZ e0_Z over the training configurations.
    case fit
    /// Given values (eV) per atomic number.
    case explicit([Int: Double])

    /// Parses `isolated`, `average`, `fit`, or `Si=-158.54,O=-432.1`.
    public init?(_ text: String) {
        switch text {
        case "isolated": self = .isolated
        case "average": self = .average
        case "fit": self = .fit
        default:
            var values = [Int: Double]()
            for item in text.split(separator: ",") {
                let kv = item.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, let z = Element.atomicNumber(kv[0]) ?? Int(kv[0]), let e = Double(kv[1]) else { return nil }
                values[z] = e
            }
            guard !values.isEmpty else { return nil }
            self = .explicit(values)
        }
    }

    /// True for a configuration of one atom that stands alone: config_type `isolated_atom`, no periodicity,
    /// or a periodic box at least 10 Å wide (a single-atom bulk cell is not isolated).
    static func isIsolated(_ s: Structure, keys: ReferenceKeys) -> Bool {
        guard s.count == 1 else { return false }
        return s.configType(keys) == "isolated_atom" || !s.pbc.isAnyPeriodic || s.cell.perpendicularWidths.min() >= 10
    }

    /// e0 for every element of `elements`, from the reference energies of `structures`.
    /// - Throws: `GAPError` naming the element or the reason when e0 cannot be set.
    func resolve(
        elements: [Int], structures: [Structure], energies: [Double?], keys: ReferenceKeys
    ) throws(GAPError) -> [Int: Double] {
        switch self {
        case let .explicit(values):
            for z in elements where values[z] == nil { throw .missingIsolatedAtom(element: z) }
            return values.filter { elements.contains($0.key) }
        case .isolated:
            var out = [Int: Double]()
            for (s, e) in zip(structures, energies) where Self.isIsolated(s, keys: keys) {
                if let e, out[s.atomicNumbers[0]] == nil { out[s.atomicNumbers[0]] = e }
            }
            for z in elements where out[z] == nil { throw .missingIsolatedAtom(element: z) }
            return out
        case .average:
            var sum = 0.0, count = 0
            for (s, e) in zip(structures, energies) where !Self.isIsolated(s, keys: keys) {
                if let e, s.count > 0 {
                    sum += e / Double(s.count)
                    count += 1
                }
            }
            guard count > 0 else { throw .e0NotDeterminable(detail: "no configuration has an energy") }
            return Dictionary(uniqueKeysWithValues: elements.map { ($0, sum / Double(count)) })
        case .fit:
            var rows = [[Double]](), rhs = [Double]()
            for (s, e) in zip(structures, energies) {
                guard let e else { continue }
                rows.append(elements.map { z in Double(s.atomicNumbers.filter { $0 == z }.count) })
                rhs.append(e)
            }
            guard rows.count >= elements.count else {
                throw .e0NotDeterminable(detail: "\(rows.count) energies for \(elements.count) elements")
            }
            do {
                let a = try Matrix(rows)
                let x = try Matrix.leastSquares(a, rhs)
                return Dictionary(uniqueKeysWithValues: zip(elements, x).map { ($0, $1) })
            } catch {
                throw .e0NotDeterminable(detail: "the compositions do not separate the elements (\(error))")
            }
        }
    }
}
