import Foundation

extension Structure: CustomStringConvertible {
    /// A one-line summary, e.g. `Structure(Si8, periodic TTT, cell volume 160.2 Å³)` or `Structure(C2H6O, molecule)`.
    public var description: String {
        guard pbc.isAnyPeriodic else { return "Structure(\(formula), molecule)" }
        let flags = [pbc.a, pbc.b, pbc.c].map { $0 ? "T" : "F" }.joined()
        return "Structure(\(formula), periodic \(flags), cell volume \(String(format: "%.1f", cell.volume)) Å³)"
    }
}
