import Atoms
import Evaluation
import Foundation

/// A `DatasetSummary` as a readable table.
struct SummaryTable {
    let summary: DatasetSummary

    init(_ summary: DatasetSummary) { self.summary = summary }

    var text: String {
        let s = summary
        var rows: [(String, String)] = [
            ("configurations", "\(s.configurations) (\(s.periodic) periodic, \(s.configurations - s.periodic) not)"),
            (
                "atoms",
                s.configurations == 0
                    ? "0"
                    : "\(s.atoms.total) total; per configuration min \(s.atoms.min), mean \(fixed(s.atoms.mean, 1)), max \(s.atoms.max)"
            ),
            ("species", counts(s.species, order: bySymbolNumber)),
            ("config_type", counts(s.configTypes, order: byCountThenName))
        ]
        if let e = s.energy {
            var text =
                "\(fixed(e.minPerAtom, 4)) … \(fixed(e.maxPerAtom, 4)) eV/atom, mean \(fixed(e.meanPerAtom, 4)) "
                + "(\(e.configurations) configurations)"
            if e.nonFinite > 0 { text += "; \(e.nonFinite) NOT FINITE" }
            rows.append(("energy (\(e.key))", text))
        } else {
            rows.append(("energy", "no energy key found"))
        }
        let references = [("forces", s.forces), ("virial", s.virial), ("stress", s.stress)].compactMap { name, use in
            use.map { "\(name) '\($0.key)' in \($0.configurations)" }
        }
        rows.append(
            ("references", references.isEmpty ? "no forces, virial or stress keys found" : references.joined(separator: ", ")))
        rows.append(("info keys", counts(s.infoKeys, order: byName)))
        rows.append(("array keys", counts(s.arrayKeys, order: byName)))
        return KeyValueTable(title: s.file, rows: rows).text
    }

    private func counts(_ d: [String: Int], order: ((String, Int), (String, Int)) -> Bool) -> String {
        d.isEmpty ? "—" : d.sorted(by: order).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    private func bySymbolNumber(_ a: (String, Int), _ b: (String, Int)) -> Bool {
        (Element.atomicNumber(a.0) ?? 0, a.0) < (Element.atomicNumber(b.0) ?? 0, b.0)
    }

    private func byCountThenName(_ a: (String, Int), _ b: (String, Int)) -> Bool { (-a.1, a.0) < (-b.1, b.0) }

    private func byName(_ a: (String, Int), _ b: (String, Int)) -> Bool { a.0 < b.0 }

    private func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
}
