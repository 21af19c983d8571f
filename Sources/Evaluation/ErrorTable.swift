import Atoms
import Foundation

/// The error table `fit` and `predict` print: energy per atom (meV), forces (meV/Å), virial per atom
/// (meV), RMSE and MAE, overall and per config_type.
public enum ErrorTable {
    /// The table of one or more named sets (for example train and test), overall and per config_type.
    public static func render(_ sets: [(name: String, statistics: ErrorStatistics)]) -> String {
        var lines = [String]()
        let header =
            pad("set", 10) + pad("config_type", 22) + pad("configs", 8, right: true)
            + pad("E RMSE", 10, right: true) + pad("E MAE", 10, right: true) + pad("F RMSE", 10, right: true)
            + pad("F MAE", 10, right: true) + pad("V RMSE", 10, right: true) + pad("V MAE", 10, right: true)
        lines.append(header)
        lines.append(
            pad("", 40) + pad("meV/atom", 20, right: true) + pad("meV/Å", 20, right: true) + pad("meV/atom", 20, right: true))
        for (name, s) in sets {
            lines.append(row(name, "all", s.overall))
            for (type, group) in s.byConfigType.sorted(by: { $0.key < $1.key }) where s.byConfigType.count > 1 {
                lines.append(row("", type, group))
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ set: String, _ type: String, _ g: ErrorStatistics.Group) -> String {
        func milli(_ x: Double?) -> String { x.map { String(format: "%.3f", 1000 * $0) } ?? "—" }
        return pad(set, 10) + pad(type, 22) + pad("\(g.configurations)", 8, right: true)
            + pad(milli(g.energyPerAtom.rmse), 10, right: true) + pad(milli(g.energyPerAtom.mae), 10, right: true)
            + pad(milli(g.forces.rmse), 10, right: true) + pad(milli(g.forces.mae), 10, right: true)
            + pad(milli(g.virialPerAtom.rmse), 10, right: true) + pad(milli(g.virialPerAtom.mae), 10, right: true)
    }

    private static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let text = s.count > width - 1 ? String(s.prefix(width - 1)) : s
        let space = String(repeating: " ", count: max(0, width - text.count))
        return right ? space + text : text + space
    }
}
