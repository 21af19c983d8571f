import Atoms
import Descriptors

/// One descriptor computation as the C caller asked for it: the descriptor, and the centers when given.
struct DescriptorRequest {
    let descriptor: any Descriptor
    let centers: CenterInput?

    /// SOAP centers per structure: the given ones, or every atom.
    private func soapCenters(_ structures: [Structure]) -> [[SOAP.Center]] {
        centers?.perStructure ?? structures.map { s in (0..<s.count).map { .atom($0) } }
    }

    /// Rows of `structures`.
    /// - Throws: `DescriptorError`; `CAPIError` for centers given to a global descriptor.
    func create(_ structures: [Structure], threads: Int) throws -> DescriptorRows {
        if let soap = descriptor as? SOAP {
            return try soap.create(structures, at: soapCenters(structures), threads: threads)
        }
        try checkNoCenters()
        return try descriptor.create(structures, centers: nil, threads: threads)
    }

    /// Rows and derivatives of `structures`; `attach` moves an atom's center with it (SOAP).
    /// - Throws: as `create`.
    func derivatives(_ structures: [Structure], attach: Bool, threads: Int) throws -> (DescriptorRows, SparseDerivatives) {
        if let soap = descriptor as? SOAP {
            return try soap.derivatives(structures, at: soapCenters(structures), attach: attach, threads: threads)
        }
        try checkNoCenters()
        return try descriptor.derivatives(structures, centers: nil, threads: threads)
    }

    private func checkNoCenters() throws {
        guard centers == nil else { throw CAPIError("only SOAP takes centers; this descriptor describes whole structures") }
    }
}
