import Atoms
import Descriptors

extension NeighborList {
    /// The one neighbor list of configuration `s` (number `index`, for messages) that a model's terms share: full,
    /// for the longest of the 2- and 3-body terms' `termCutoffs` and the SOAP term's interaction range, so the SOAP
    /// term takes it (`SOAP.canShare`) instead of building its own. nil without 2- or 3-body terms: then the SOAP
    /// term builds its own. Searched on up to `threads` workers.
    /// - Throws: `GAPError.descriptor` for unusable geometry.
    static func shared(
        _ s: Structure, index: Int, termCutoffs: [Double], soap: SOAP?, threads: Int
    ) throws(GAPError) -> NeighborList? {
        guard let longest = termCutoffs.max() else { return nil }
        do { return try NeighborList(s, cutoff: max(longest, soap?.interactionRange ?? 0), threads: threads) } catch {
            throw .descriptor(.geometry(structure: index, error))
        }
    }
}
