import Descriptors

/// Descriptor rows and optional sparse derivatives behind a handle, indexed by structure for the readers.
final class DescriptorResult {
    let rows: DescriptorRows
    let derivatives: SparseDerivatives?
    /// Per structure, its first row and the row after its last (rows come in structure order).
    let rowRange: [Range<Int>]
    /// Per structure, the range of its derivative blocks (blocks come in row order).
    let blockRange: [Range<Int>]

    init(rows: DescriptorRows, derivatives: SparseDerivatives?, structures: Int) {
        self.rows = rows
        self.derivatives = derivatives
        rowRange = Self.ranges(of: rows.structure, count: structures)
        blockRange = derivatives.map { d in Self.ranges(of: d.row.map { rows.structure[$0] }, count: structures) } ?? []
    }

    /// The contiguous range of each value 0..<count in a non-decreasing `keys` list.
    private static func ranges(of keys: [Int], count: Int) -> [Range<Int>] {
        var out = [Range<Int>](repeating: 0..<0, count: count)
        var start = 0
        while start < keys.count {
            var end = start
            while end < keys.count, keys[end] == keys[start] { end += 1 }
            out[keys[start]] = start..<end
            start = end
        }
        for s in 1..<max(count, 1) where out[s].isEmpty { out[s] = out[s - 1].upperBound..<out[s - 1].upperBound }
        return out
    }
}

/// The number of rows of each structure into `rows` (one entry per structure of the computation).
@_cdecl("swiftgap_result_rows")
public func swiftgapResultRows(
    _ handle: UnsafeMutableRawPointer?, _ rows: UnsafeMutablePointer<Int64>?, _ error: UnsafeMutablePointer<CChar>?,
    _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let result = try Handle.object(handle, as: DescriptorResult.self)
        let rows = try required(rows, "rows")
        for (s, range) in result.rowRange.enumerated() { rows[s] = Int64(range.count) }
    }
}

/// Copies every row, structure after structure, into `out` (total rows × features, row-major).
@_cdecl("swiftgap_result_descriptors")
public func swiftgapResultDescriptors(
    _ handle: UnsafeMutableRawPointer?, _ out: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<CChar>?,
    _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let result = try Handle.object(handle, as: DescriptorResult.self)
        let out = try required(out, "out")
        result.rows.values.withUnsafeBufferPointer { v in
            out.update(from: v.baseAddress!, count: result.rows.count * result.rows.featureCount)
        }
    }
}

/// Writes the derivative blocks of structure `structure` into `out`, of shape (rows, slots, 3, features), every
/// entry of it: the block of (row, atom) at slot `slotOfAtom[atom]`, zeros elsewhere; atoms whose slot is −1 are
/// left out (DScribe's `include`/`exclude`). `out` need not be zeroed: filling fresh memory once (rather than
/// reading the zeros of a lazily zeroed array before adding to them) halves its page faults.
@_cdecl("swiftgap_result_derivatives")
public func swiftgapResultDerivatives(
    _ handle: UnsafeMutableRawPointer?, _ structure: Int64, _ slotOfAtom: UnsafePointer<Int64>?, _ atoms: Int64,
    _ slots: Int64, _ out: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<CChar>?,
    _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let result = try Handle.object(handle, as: DescriptorResult.self)
        guard let derivatives = result.derivatives else { throw CAPIError("the result holds no derivatives") }
        guard result.blockRange.indices.contains(Int(structure)) else {
            throw CAPIError("structure \(structure) is not in the result (\(result.blockRange.count) structures)")
        }
        let slotOf = try required(slotOfAtom, "slotOfAtom"), out = try required(out, "out")
        let D = derivatives.featureCount, firstRow = result.rowRange[Int(structure)].lowerBound
        guard slots >= 0 else { throw CAPIError("the number of slots is negative (\(slots))") }
        out.update(repeating: 0, count: result.rowRange[Int(structure)].count * Int(slots) * 3 * D)
        for b in result.blockRange[Int(structure)] {
            let atom = derivatives.atom[b]
            guard atom < atoms else { continue }
            let slot = Int(slotOf[atom])
            guard slot >= 0, slot < slots else { continue }
            derivatives.addBlock(b, to: out + ((derivatives.row[b] - firstRow) * Int(slots) + slot) * 3 * D)
        }
    }
}
