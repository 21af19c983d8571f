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
    /// - Throws: `DescriptorError` (for centers given to a global descriptor too); `CAPIError` for point
    ///   centers given to a descriptor other than SOAP.
    func create(_ structures: [Structure], threads: Int) throws -> DescriptorRows {
        if let soap = descriptor as? SOAP {
            return try soap.create(structures, at: soapCenters(structures), threads: threads)
        }
        return try descriptor.create(structures, centers: atomCenters(), threads: threads)
    }

    /// Rows of `structures`, their derivative blocks handed to `sink` as they are computed (SOAP) or once all are
    /// (the other descriptors); `attach` moves an atom's center with it (SOAP).
    /// - Throws: as `create`.
    func derivatives(
        _ structures: [Structure], attach: Bool, threads: Int, blocks sink: @escaping DerivativeBlockSink
    ) throws -> DescriptorRows {
        if let soap = descriptor as? SOAP {
            return try soap.derivatives(
                structures, at: soapCenters(structures), attach: attach, threads: threads, blocks: sink)
        }
        let (rows, blocks) = try descriptor.derivatives(structures, centers: atomCenters(), threads: threads)
        blocks.handBlocks(of: rows, to: sink)
        return rows
    }

    /// The centers as atom indices, for descriptors other than SOAP (a global descriptor refuses any centers).
    private func atomCenters() throws -> [[Int]]? {
        try centers?.perStructure.map { list in
            try list.map { center in
                guard case let .atom(i) = center else { throw CAPIError("only SOAP takes centers at points; give atom indices") }
                return i
            }
        }
    }
}
