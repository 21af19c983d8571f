import Atoms
import Foundation

extension SOAP: CustomStringConvertible {
    /// A one-line summary of the settings, e.g. `SOAP(quip, species [14], n_max 8, l_max 6, range 5.00 Å, 540 features)`.
    public var description: String {
        var parts = [
            "\(layout.rawValue)", "species \(species)", "n_max \(nMax)", "l_max \(lMax)",
            "range \(String(format: "%.2f", interactionRange)) Å"
        ]
        if average != .off { parts.append("average \(average.rawValue)") }
        if compression != .off { parts.append("compression \(compression.rawValue)") }
        if !speciesWeights.isEmpty {
            let weights = speciesWeights.sorted { $0.key < $1.key }.map { "\(Element.symbol($0.key)!) \($0.value)" }
            parts.append("species weights " + weights.joined(separator: ", "))
        }
        if let centerSpecies { parts.append("centers Z=\(centerSpecies)") }
        if layout == .dscribe { parts.append(periodic ? "periodic" : "not periodic") }
        parts.append("\(numberOfFeatures) features")
        return "SOAP(" + parts.joined(separator: ", ") + ")"
    }
}
