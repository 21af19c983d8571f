import Atoms
import Descriptors

/// One descriptor computation as the C caller asked for it: the descriptor, and the centers when given.
struct DescriptorRequest {
    let descriptor: any Descriptor
    let centers: CenterInput?

    /// Atom-index centers per structure (nil: the descriptor's default).
    /// - Throws: `CAPIError` for point centers, which only SOAP takes.
    private func atomCenters() throws -> [[Int]]? {
        try centers.map { input in
            try input.perStructure.map { list in
                try list.map { center in
                    guard case let .atom(i) = center else { throw CAPIError("point centers are not supported yet") }
                    return i
                }
            }
        }
    }

    func create(_ structures: [Structure], threads: Int) throws -> DescriptorRows {
        try descriptor.create(structures, centers: try atomCenters(), threads: threads)
    }

    func derivatives(_ structures: [Structure], attach: Bool, threads: Int) throws -> (DescriptorRows, SparseDerivatives) {
        try descriptor.derivatives(structures, centers: try atomCenters(), threads: threads)
    }
}
