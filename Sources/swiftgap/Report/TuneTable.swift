import Foundation
import Tuning

/// The trials of `tune` as printed lines, CSV and an HTML page with the plot.
enum TuneTable {
    /// The column titles of `row`.
    static let header = line([
        "#", "phase", "M", "E MAE", "F MAE", "E RMSE", "F RMSE", "score", "s", "setting (meV/atom, meV/Å; * new kernel rows)"
    ])

    /// One trial, errors in meV/atom and meV/Å.
    static func row(_ t: Trial) -> String { line(cells(t)) }

    /// Ten cells in columns: right-aligned numbers, the phase and the setting left-aligned.
    private static func line(_ cells: [String]) -> String {
        let widths = [4, 5, 6, 9, 9, 9, 9, 8, 7]
        var out = ""
        for (k, width) in widths.enumerated() {
            let cell = cells[k], pad = String(repeating: " ", count: max(0, width - cell.count))
            out += (k == 1 ? cell + pad : pad + cell) + " "
        }
        return out + " " + cells[9]
    }

    /// The cells of `row`.
    private static func cells(_ t: Trial) -> [String] {
        [
            "\(t.number)", t.phase, "\(t.sparsePoints)", milli(t.errors.energyMAE), milli(t.errors.forceMAE),
            milli(t.errors.energyRMSE), milli(t.errors.forceRMSE), t.score.isFinite ? String(format: "%.4g", t.score) : "–",
            String(format: "%.1f", t.seconds), (t.newRows ? "* " : "") + t.change + (t.failure.map { " — failed: \($0)" } ?? "")
        ]
    }

    private static func milli(_ x: Double?) -> String { x.map { String(format: "%.4g", $0 * 1000) } ?? "–" }

    /// Every trial with its settings, one line each (errors in eV/atom and eV/Å).
    static func csv(_ trials: [Trial]) -> String {
        var out =
            "trial,phase,change,new_rows,sparse_points,cutoff,n_max,l_max,atom_sigma,zeta,delta,sigma_energy,sigma_force,"
            + "sparse_scale,two_body,energy_mae,force_mae,energy_rmse,force_rmse,score,seconds,failure\n"
        for t in trials {
            let s = t.settings, e = t.errors
            let fields: [String] = [
                "\(t.number)", t.phase, "\"\(t.change)\"", t.newRows ? "1" : "0", "\(t.sparsePoints)", "\(s.cutoff)", "\(s.nMax)",
                "\(s.lMax)", "\(s.atomSigma)", "\(s.zeta)", "\(s.delta)", "\(s.sigmaEnergy)", "\(s.sigmaForce)",
                "\(s.sparseScale)", s.twoBody ? "1" : "0"
            ]
            let numbers = [e.energyMAE, e.forceMAE, e.energyRMSE, e.forceRMSE].map { $0.map { "\($0)" } ?? "" }
            let failure = "\"" + (t.failure ?? "").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            out += (fields + numbers + ["\(t.score)", String(format: "%.3f", t.seconds), failure]).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The page of `tune`: the plot and the table, the best trial marked.
    static func html(_ trials: [Trial], best: Int, train: String) -> String {
        var rows = ""
        for t in trials {
            let tds = cells(t).map { "<td>\(SVGPlot.escape($0))</td>" }
            rows += "<tr\(t.number == best ? " style=\"font-weight:bold\"" : "")>\(tds.joined())</tr>\n"
        }
        let titles = ["#", "phase", "M", "E MAE", "F MAE", "E RMSE", "F RMSE", "score", "s", "setting"].map { "<th>\($0)</th>" }
        return """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>SwiftGAP tune: \(SVGPlot.escape(train))</title>
            <style>body{font-family:Helvetica,Arial,sans-serif} td,th{padding:2px 8px;text-align:right} td:last-child{text-align:left}</style>
            </head><body>
            <h1>SwiftGAP tune: \(SVGPlot.escape(train))</h1>
            <p>Validation errors of every trial (meV/atom, meV/Å); the score is their weighted geometric mean. Trial \(best) (bold) is the best.</p>
            <img src="tune.svg">
            <table><tr>\(titles.joined())</tr>
            \(rows)</table>
            </body></html>
            """
    }
}
