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
        return try descriptor.create(structures, centers: centers?.atomIndices(), threads: threads)
    }

    /// Rows of `structures` written into `out`, once every structure is found to have the caller's
    /// `expected[structure]` rows (an error naming the first that has not, before anything is written). SOAP writes
    /// them there as it computes them; the other descriptors' are copied.
    /// - Throws: as `create(_:threads:)`; `CAPIError` for another row count.
    func create(
        _ structures: [Structure], threads: Int, expected: UnsafePointer<Int64>, into out: UnsafeMutablePointer<Double>
    ) throws {
        guard let soap = descriptor as? SOAP else {
            return try Self.deliver(
                create(structures, threads: threads), structures: structures.count, expected: expected, into: out)
        }
        let centers = soapCenters(structures)
        let counts = soap.rowCounts(at: centers)
        try Self.check(counts, expected: expected)
        let total = counts.reduce(0, +) * soap.numberOfFeatures
        try soap.create(structures, at: centers, threads: threads, into: UnsafeMutableBufferPointer(start: out, count: total))
    }

    /// Copies the rows of `computed` (of `structures` structures) into `out`, after checking that every structure
    /// has the caller's `expected[structure]` rows (an error naming the first that has not).
    static func deliver(
        _ computed: DescriptorRows, structures: Int, expected: UnsafePointer<Int64>, into out: UnsafeMutablePointer<Double>
    ) throws {
        var produced = [Int](repeating: 0, count: structures)
        for s in computed.structure { produced[s] += 1 }
        try check(produced, expected: expected)
        let values = computed.count * computed.featureCount
        if values > 0 { computed.values.withUnsafeBufferPointer { v in out.update(from: v.baseAddress!, count: values) } }
    }

    /// Throws for the first structure whose row count is not the caller's.
    private static func check(_ counts: [Int], expected: UnsafePointer<Int64>) throws {
        for (s, n) in counts.enumerated() where n != expected[s] {
            throw CAPIError("structure \(s) has \(n) descriptor rows, the caller expected \(expected[s])")
        }
    }

    /// Rows of `structures`, their derivative blocks written where `sink` says as they are computed (SOAP) or once
    /// all are (the other descriptors); `attach` moves an atom's center with it (false: SOAP only).
    /// - Throws: as `create`; `CAPIError` for `attach` false with another descriptor than SOAP.
    func derivatives(
        _ structures: [Structure], attach: Bool, threads: Int, blocks sink: @escaping DerivativeBlockSink
    ) throws -> DescriptorRows {
        if let soap = descriptor as? SOAP {
            return try soap.derivatives(
                structures, at: soapCenters(structures), attach: attach, threads: threads, blocks: sink)
        }
        guard attach else {
            throw CAPIError("attach = 0 (centers kept where their atoms were) is SOAP's alone; pass 1 (they move)")
        }
        let (rows, blocks) = try descriptor.derivatives(structures, centers: centers?.atomIndices(), threads: threads)
        blocks.handBlocks(of: rows, to: sink)
        return rows
    }
}
