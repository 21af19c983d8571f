import Atoms
import Evaluation
import Foundation
import Support

/// Parity plots, an error histogram and an index.html for `fit --report` and `predict --report`.
struct ParityReport {
    /// Predicted and reference values of one data set.
    struct Samples {
        var name: String
        var energyPerAtom: [(reference: Double, predicted: Double)] = []
        var forces: [(reference: Double, predicted: Double)] = []
        /// Predicted standard deviation and absolute error of each force component, when deviations were given.
        var forceDeviations: [(sigma: Double, error: Double)] = []

        /// The reference and predicted energies and forces of `structures` (under `keys`), and with
        /// `forceSigmas` (one vector per atom of each structure) the force components' deviations and errors.
        init(
            name: String, structures: [Structure], predictions: Predictions, keys: ReferenceKeys,
            forceSigmas: [[SIMD3<Double>]]? = nil
        ) {
            self.name = name
            for (k, (s, predicted)) in zip(structures, predictions.results).enumerated() {
                let reference = s.referenceValues(keys), n = s.count
                if let e = reference.energy, n > 0 { energyPerAtom.append((e / Double(n), predicted.energy / Double(n))) }
                guard let f = reference.forces else { continue }
                for (i, (a, b)) in zip(f, predicted.forces).enumerated() {
                    for axis in 0..<3 {
                        forces.append((a[axis], b[axis]))
                        if let sigma = forceSigmas?[k][i][axis] { forceDeviations.append((sigma, abs(b[axis] - a[axis]))) }
                    }
                }
            }
        }
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"]

    /// Writes energy.svg, forces.svg, force_errors.svg, with deviations force_deviations.svg, and index.html into
    /// `folder` (created if needed).
    static func write(_ sets: [Samples], table: String, title: String, to folder: String) throws {
        try OutputPaths.createFolder(folder, option: "--report")
        func series(_ pick: (Samples) -> [(reference: Double, predicted: Double)]) -> [SVGPlot.Series] {
            sets.enumerated().map { k, s in
                let points = thin(pick(s))
                return SVGPlot.Series(
                    name: s.name, points: points.map { ($0.reference, $0.predicted) }, color: colors[k % colors.count])
            }
        }
        let energy = SVGPlot(
            title: "Energy per atom", xLabel: "reference (eV/atom)", yLabel: "predicted (eV/atom)",
            series: series(\.energyPerAtom), kind: .scatter(diagonal: true))
        let forces = SVGPlot(
            title: "Force components", xLabel: "reference (eV/Å)", yLabel: "predicted (eV/Å)",
            series: series(\.forces), kind: .scatter(diagonal: true))
        var histograms = [SVGPlot.Series]()
        let errors = sets.map { $0.forces.map { 1000 * ($0.predicted - $0.reference) } }
        // The range covers 99 % of the errors (the rest are counted in the end bins).
        let sorted = errors.flatMap { $0 }.map(abs).sorted()
        let span = sorted.isEmpty ? 1 : max(sorted[min(sorted.count - 1, Int(0.99 * Double(sorted.count)))], 1e-9)
        let bins = 41, width = 2 * span / Double(bins)
        for (k, e) in errors.enumerated() where !e.isEmpty {
            var counts = [Double](repeating: 0, count: bins)
            for x in e { counts[min(bins - 1, max(0, Int((x + span) / width)))] += 1 }
            histograms.append(
                SVGPlot.Series(
                    name: sets[k].name,
                    points: counts.enumerated().map { (-span + (Double($0.offset) + 0.5) * width, $0.element / Double(e.count)) },
                    color: colors[k % colors.count]))
        }
        let histogram = SVGPlot(
            title: "Force component errors", xLabel: "predicted − reference (meV/Å)", yLabel: "fraction",
            series: histograms, kind: .lines)
        try AtomicFile.write(Array(energy.svg.utf8), to: folder + "/energy.svg")
        try AtomicFile.write(Array(forces.svg.utf8), to: folder + "/forces.svg")
        try AtomicFile.write(Array(histogram.svg.utf8), to: folder + "/force_errors.svg")
        let withDeviations = sets.enumerated().filter { !$0.element.forceDeviations.isEmpty }
        if !withDeviations.isEmpty {
            let deviations = SVGPlot(
                title: "Force errors against predicted σ (diagonal: |error| = σ)", xLabel: "predicted σ (meV/Å)",
                yLabel: "|predicted − reference| (meV/Å)",
                series: withDeviations.map { k, s in
                    SVGPlot.Series(
                        name: s.name,
                        points: thin(s.forceDeviations.map { (1000 * $0.sigma, 1000 * $0.error) }).map { ($0.0, $0.1) },
                        color: colors[k % colors.count])
                }, kind: .scatter(diagonal: true))
            try AtomicFile.write(Array(deviations.svg.utf8), to: folder + "/force_deviations.svg")
        }
        let html = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>\(SVGPlot.escape(title))</title>
            <style>body{font-family:Helvetica,Arial,sans-serif;margin:2em} pre{background:#f6f6f6;padding:1em} img{margin:0.5em}</style>
            </head><body>
            <h1>\(SVGPlot.escape(title))</h1>
            <pre>\(SVGPlot.escape(table))</pre>
            <img src="energy.svg" alt="energy parity plot"><img src="forces.svg" alt="force parity plot"><img src="force_errors.svg" alt="force error histogram">\(withDeviations.isEmpty ? "" : "<img src=\"force_deviations.svg\" alt=\"force errors against predicted standard deviations\">")
            </body></html>

            """
        try AtomicFile.write(Array(html.utf8), to: folder + "/index.html")
    }

    /// At most 20 000 evenly spaced points, to keep the SVG light.
    private static func thin<T>(_ points: [T]) -> [T] {
        guard points.count > 20_000 else { return points }
        let stride = Double(points.count) / 20_000
        return (0..<20_000).map { points[Int(Double($0) * stride)] }
    }
}
