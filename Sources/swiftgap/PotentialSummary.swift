import Atoms
import Evaluation
import Foundation
import GAP

/// A potential file's metadata as a readable table: what was fitted, to what, with which settings and errors.
struct PotentialSummary {
    let path: String
    let metadata: PotentialMetadata
    /// What the file is, when it is not a SwiftGAP potential file (e.g. "GAP XML, gap_version …").
    var format: String?

    var text: String {
        let m = metadata, fit = m.fit, settings = fit.settings
        let elements = m.e0.map { (symbol: $0.key, z: Element.atomicNumber($0.key) ?? 0, e0: $0.value) }.sorted { $0.z < $1.z }
        var rows: [(String, String)] = [
            ("format", format ?? "\(m.format) \(m.formatVersion), written by SwiftGAP \(m.codeVersion) on \(m.created)"),
            (
                "elements",
                elements.count > Self.listedElements
                    ? Self.grouped(elements)
                    : elements.map {
                        "\($0.symbol) (e0 \(String(format: "%.6f", $0.e0)) eV"
                            + (m.soap == nil ? ")" : ", \(m.sparsePoints[$0.symbol] ?? 0) SOAP sparse points)")
                    }
                    .joined(separator: ", ")
            )
        ]
        if let every = m.sparsePoints[SOAPTerm.centerLabel(0)] {
            rows.append(("SOAP sparse points", "\(every) for every center element"))
        }
        if let soap = m.soap, let kernel = m.kernel {
            let species =
                soap.speciesZ.isEmpty ? ["every atom as one species"] : soap.speciesZ.map { Element.symbol($0) ?? "Z\($0)" }
            rows.append(
                (
                    "SOAP",
                    "cutoff \(soap.cutoff) Å, transition \(soap.cutoffTransitionWidth) Å, n_max \(soap.nMax), "
                        + "l_max \(soap.lMax), atom_sigma \(soap.atomSigma) Å, central_weight \(soap.centralWeight), "
                        + "channels \(species.joined(separator: " "))"
                ))
            rows.append(("SOAP kernel", "δ² (q·x)^ζ with δ \(kernel.delta) eV, ζ \(kernel.zeta)"))
        }
        for (k, term) in m.terms.enumerated() {
            rows.append(
                (
                    "term \(k + 1)",
                    "\(term.descriptor.summary); ard_se δ \(term.kernel.delta) eV, θ \(term.kernel.theta); "
                        + "\(term.sparsePoints) sparse points"
                ))
        }
        if let core = m.core { rows.append(("core", core.summary)) }
        rows += [
            (
                "variance",
                m.hasVariance
                    ? "stored (predict writes per-atom variances)"
                    : format == nil ? "not stored (fitted with --no-variance)" : "not stored"
            ),
            ("training file", fit.trainingFile)
        ]
        // An imported model knows its training file only by the name its command line gives.
        if !fit.trainingSHA256.isEmpty {
            rows += [("training configurations", "\(fit.trainingConfigurations)"), ("training sha256", fit.trainingSHA256)]
        }
        rows += [
            ("sigma", "energy \(settings.sigmas.energy), force \(settings.sigmas.force), virial \(settings.sigmas.virial)"),
            ("SOAP sparse method", m.soap == nil ? "none (no SOAP term)" : settings.sparseMethod.description),
            (
                "e0 method",
                (settings.e0.description.count > 120 ? settings.e0.description.prefix(117) + "…" : settings.e0.description)
                    + (settings.e0Offset == 0 ? "" : ", offset \(settings.e0Offset) eV")
            ),
            ("jitter", "\(settings.jitter)"),
            ("seed", "\(settings.seed)")
        ]
        for (name, errors) in [("train errors", fit.trainErrors), ("test errors", fit.testErrors)] {
            if let errors { rows.append((name, errorText(errors))) }
        }
        if let command = fit.command { rows.append(("command", command)) }
        if !fit.warnings.isEmpty { rows.append(("warnings", fit.warnings.joined(separator: "; "))) }
        return KeyValueTable(title: path, rows: rows).text
    }

    /// Elements listed one by one up to this many; more (a model of every element) are grouped by e0.
    static let listedElements = 16

    /// Many elements grouped by their e0: "118: e0 −0.97 eV for 116 (H … Lv), 0 eV for Ts, Og".
    static func grouped(_ elements: [(symbol: String, z: Int, e0: Double)]) -> String {
        let groups = Dictionary(grouping: elements, by: \.e0).sorted { $0.value.count > $1.value.count }
        return "\(elements.count): "
            + groups.map { e0, members in
                let names =
                    members.count <= 4
                    ? members.map(\.symbol).joined(separator: ", ")
                    : "\(members.count) (\(members.first!.symbol) … \(members.last!.symbol))"
                return "e0 \(String(format: "%.6f", e0)) eV for \(names)"
            }.joined(separator: "; ")
    }

    private func errorText(_ e: ErrorMetrics) -> String {
        [
            ("energy RMSE", e.energyRMSEPerAtom, "meV/atom"), ("forces RMSE", e.forcesRMSE, "meV/Å"),
            ("virial RMSE", e.virialRMSEPerAtom, "meV/atom")
        ]
        .compactMap { name, value, unit in value.map { "\(name) \(String(format: "%.3f", $0 * 1000)) \(unit)" } }
        .joined(separator: ", ")
    }
}
