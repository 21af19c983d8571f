import Atoms
import Descriptors
import LinearAlgebra

extension GAPPotential {
    /// The SOAP settings that describe whole configurations for this potential: its own SOAP term's, or for a
    /// model of 2- and 3-body terms only, SOAP of n_max 6, l_max 4 over the longest term cutoff and its elements.
    var configurationSOAP: SOAPSettings {
        soap?.settings
            ?? SOAPSettings(cutoff: max(geometricCutoff, 1), cutoffTransitionWidth: 0.5, nMax: 6, lMax: 4, speciesZ: elements)
    }

    /// One feature row per structure: the mean of its atoms' normalised SOAP vectors under `configurationSOAP`
    /// (structures × D), the space in which `UncertainDiverseSelection` keeps its picks apart.
    /// - Throws: `GAPError.descriptor` for bad geometry or settings.
    public func configurationFeatures(_ structures: [Structure]) throws(GAPError) -> Matrix {
        let rows: DescriptorRows
        do { rows = try configurationSOAP.makeSOAP().create(structures, threads: threads) } catch { throw .descriptor(error) }
        let d = rows.featureCount
        var out = Matrix(rows: structures.count, columns: d)
        var atoms = [Int](repeating: 0, count: structures.count)
        for r in 0..<rows.count {
            let s = rows.structure[r]
            atoms[s] += 1
            for (k, v) in rows.row(r).enumerated() { out[s, k] += v }
        }
        for s in 0..<structures.count where atoms[s] > 0 {
            for k in 0..<d { out[s, k] /= Double(atoms[s]) }
        }
        return out
    }
}
