import Atoms
import Foundation
import GAP

/// A potential file's metadata as a readable table: what was fitted, to what, with which settings and errors.
struct PotentialSummary {
    let path: String
    let metadata: PotentialMetadata

    var text: String {
        let m = metadata, soap = m.soap
        let species = soap.speciesZ.map { Element.symbol($0) ?? "Z\($0)" }
        var rows: [(String, String)] = [
            ("format", "\(m.format) \(m.formatVersion), written by SwiftGAP \(m.codeVersion) on \(m.created)"),
            ("elements", m.e0.keys.sorted { (Element.atomicNumber($0) ?? 0) < (Element.atomicNumber($1) ?? 0) }
                .map { "\($0) (e0 \(String(format: "%.6f", m.e0[$0]!)) eV, \(m.sparsePoints[$0] ?? 0) sparse points)" }
                .joined(separator: ", ")),
            ("SOAP", "cutoff \(soap.cutoff) Å, transition \(soap.cutoffTransitionWidth) Å, n_max \(soap.nMax), "
                + "l_max \(soap.lMax), atom_sigma \(soap.atomSigma) Å, central_weight \(soap.centralWeight), "
                + "channels \(species.joined(separator: " "))"),
            ("kernel", "δ² (q·x)^ζ with δ \(m.kernel.delta) eV, ζ \(m.kernel.zeta)"),
            ("variance", m.hasVariance ? "stored (predict writes per-atom variances)" : "not stored (fitted with --no-variance)"),
        ]
        for key in ["training_file", "training_configurations", "training_sha256", "sigma", "sparse_method", "e0_method", "jitter", "seed"] {
            if let value = m.fit[key] { rows.append((key.replacingOccurrences(of: "_", with: " "), describe(value))) }
        }
        for (key, name) in [("train_errors", "train errors"), ("test_errors", "test errors")] {
            if case let .object(errors)? = m.fit[key] { rows.append((name, errorText(errors))) }
        }
        return KeyValueTable(title: path, rows: rows).text
    }

    private func errorText(_ e: [String: JSONField]) -> String {
        func milli(_ key: String) -> String? {
            guard case let .number(x)? = e[key] else { return nil }
            return String(format: "%.3f", x * 1000)
        }
        return [("energy RMSE", "energy_rmse_per_atom", "meV/atom"), ("forces RMSE", "forces_rmse", "meV/Å"),
                ("virial RMSE", "virial_rmse_per_atom", "meV/atom")]
            .compactMap { name, key, unit in milli(key).map { "\(name) \($0) \(unit)" } }
            .joined(separator: ", ")
    }

    private func describe(_ value: JSONField) -> String {
        switch value {
        case let .number(x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        case let .text(s): return s
        case let .flag(b): return b ? "yes" : "no"
        case let .list(l): return l.isEmpty ? "—" : l.map(describe).joined(separator: ", ")
        case let .object(o): return o.sorted { $0.key < $1.key }.map { "\($0.key) \(describe($0.value))" }.joined(separator: ", ")
        }
    }
}
