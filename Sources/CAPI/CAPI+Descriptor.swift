import Atoms
import Descriptors
import Foundation

/// A descriptor behind a handle.
final class DescriptorBox {
    let descriptor: any Descriptor

    init(_ descriptor: any Descriptor) { self.descriptor = descriptor }
}

/// Makes a descriptor from JSON settings (DScribe's names, read by `DescriptorSettings`) into `*handle`; free it with `swiftgap_free`.
@_cdecl("swiftgap_descriptor_new")
public func swiftgapDescriptorNew(
    _ settings: UnsafePointer<CChar>?, _ handle: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let descriptor = try DescriptorSettings.descriptor(json: String(cString: try required(settings, "settings")))
        try required(handle, "handle").pointee = Handle.make(DescriptorBox(descriptor))
    }
}

/// The length of the descriptor's rows, or −1 for an invalid handle.
@_cdecl("swiftgap_descriptor_features")
public func swiftgapDescriptorFeatures(_ handle: UnsafeMutableRawPointer?) -> Int64 {
    guard let box = try? Handle.object(handle, as: DescriptorBox.self) else { return -1 }
    return Int64(box.descriptor.numberOfFeatures)
}

/// The feature range [`*start`, `*stop`) of the SOAP block of elements (z1, z2), in either order.
/// - Fails for a descriptor other than SOAP, or a pair that has no block (an element not in the species, or
///   two elements under crossover compression).
@_cdecl("swiftgap_descriptor_location")
public func swiftgapDescriptorLocation(
    _ handle: UnsafeMutableRawPointer?, _ z1: Int32, _ z2: Int32, _ start: UnsafeMutablePointer<Int64>?,
    _ stop: UnsafeMutablePointer<Int64>?, _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        guard let soap = try Handle.object(handle, as: DescriptorBox.self).descriptor as? SOAP else {
            throw CAPIError("only SOAP has species blocks")
        }
        guard let range = soap.location(of: (Int(z1), Int(z2))) else {
            throw CAPIError(
                "the output has no block for the elements (\(z1), \(z2)): species are \(soap.species)"
                    + (z1 != z2 ? " (with crossover compression only same-element blocks exist)" : ""))
        }
        try required(start, "start").pointee = Int64(range.lowerBound)
        try required(stop, "stop").pointee = Int64(range.upperBound)
    }
}

/// Descriptor rows and their derivatives of `count` structures, written straight into the caller's arrays in one
/// call: no result to read and free, and no block held twice.
///
/// Structures: `atoms[count]` atom counts; `numbers` (Σatoms), `positions` (Σatoms × 3, Å), `cells` (count × 9,
/// lattice vectors as rows), `pbc` (count × 3). Centers (local descriptors; points for SOAP only): NULL
/// `centerCounts` for every atom; otherwise `centerCounts[count]` and, for all centers in order, `centerAtoms`
/// (atom index, or −1 for a point) and `centerPoints` (× 3, Å, read for points; NULL when there are none).
/// `attach` ≠ 0 moves an atom-index center with its atom (DScribe's attach=True); 0 keeps it where the atom was
/// (SOAP only; an error for the other descriptors, whose centers always move with their atoms).
/// `siteWeights` (Σatoms): each atom's weight for a descriptor that pools by site weights, NULL for any other.
///
/// Outputs: the rows into `rows` (Σ rowCounts × features), `rowCounts[count]` being the caller's count of each
/// structure's rows as for `swiftgap_descriptor_rows`; structure k's derivatives into `derivatives[k]`, of shape
/// (rowCounts[k], slots[k], 3, features), the block of (row, atom a) at slot `slotOfAtom[o_k + a]` (o_k: the atoms
/// of the structures before k; −1 leaves the atom out). With `fill` ≠ 0 every block is written, zeros where the slot's
/// atom does not move the row, so the arrays may hold anything (for a small output that the allocator hands back from
/// used memory, where zeroing it first is one more pass over it); with 0 only the blocks with derivatives are, and
/// the caller passes zeroed arrays (memory from calloc, whose fresh pages no block reaches are never touched: a large
/// output). A structure with another row count is an error, found once the rows are computed: then the arrays hold
/// whatever was written.
@_cdecl("swiftgap_descriptor_derivatives")
public func swiftgapDescriptorDerivatives(
    _ handle: UnsafeMutableRawPointer?, _ count: Int64, _ atoms: UnsafePointer<Int64>?,
    _ numbers: UnsafePointer<Int32>?, _ positions: UnsafePointer<Double>?, _ cells: UnsafePointer<Double>?,
    _ pbc: UnsafePointer<UInt8>?, _ centerCounts: UnsafePointer<Int64>?, _ centerAtoms: UnsafePointer<Int64>?,
    _ centerPoints: UnsafePointer<Double>?, _ siteWeights: UnsafePointer<Double>?, _ attach: Int32, _ threads: Int32,
    _ fill: Int32,
    _ rowCounts: UnsafePointer<Int64>?, _ rows: UnsafeMutablePointer<Double>?, _ slotOfAtom: UnsafePointer<Int64>?,
    _ slots: UnsafePointer<Int64>?, _ derivatives: UnsafePointer<UnsafeMutablePointer<Double>?>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let (request, structures) = try descriptorRequest(
            handle, count, atoms, numbers, positions, cells, pbc, centerCounts, centerAtoms, centerPoints, siteWeights,
            threads)
        let expected = try required(rowCounts, "rowCounts"), rows = try required(rows, "rows")
        let slotOf = try required(slotOfAtom, "slotOfAtom"), slots = try required(slots, "slots")
        let targets = try required(derivatives, "derivatives")
        let D = request.descriptor.numberOfFeatures
        var firstAtom = [Int](repeating: 0, count: structures.count)
        for k in structures.indices.dropFirst() { firstAtom[k] = firstAtom[k - 1] + structures[k - 1].count }
        for k in structures.indices {
            guard slots[k] >= 0 else { throw CAPIError("structure \(k) has a negative number of slots (\(slots[k]))") }
            guard slots[k] == 0 || expected[k] == 0 || targets[k] != nil else {
                throw CAPIError("derivatives[\(k)] is NULL")
            }
            for a in 0..<structures[k].count where slotOf[firstAtom[k] + a] >= slots[k] {
                throw CAPIError("atom \(a) of structure \(k) has slot \(slotOf[firstAtom[k] + a]) of \(slots[k])")
            }
        }
        let blockSink = DenseBlockSink(
            outputs: targets, rowCounts: expected, slotOfAtom: slotOf, firstAtom: firstAtom, slots: slots, features: D,
            fill: fill != 0)
        let computed = try request.derivatives(
            structures, attach: attach != 0, threads: Int(threads), blocks: blockSink.destination)
        try DescriptorRequest.deliver(computed, structures: structures.count, expected: expected, into: rows)
        blockSink.zeroBlocksNotHandedOut()
    }
}

/// Whether the descriptor is local (a row per center: per structure, its centers, or every atom) rather than
/// global (one row per structure); −1 for an invalid handle.
@_cdecl("swiftgap_descriptor_is_local")
public func swiftgapDescriptorIsLocal(_ handle: UnsafeMutableRawPointer?) -> Int32 {
    guard let box = try? Handle.object(handle, as: DescriptorBox.self) else { return -1 }
    return box.descriptor.isLocal ? 1 : 0
}

/// The rows of `count` structures, as `swiftgap_descriptor_derivatives` without derivatives, written straight into
/// `out` (Σ rows × features, row-major), in one call. `rowCounts[count]` is the caller's
/// count of each structure's rows (its centers for a local descriptor, see `swiftgap_descriptor_is_local`; 1 for a
/// global one), and a structure with another count is an error, before anything is written.
@_cdecl("swiftgap_descriptor_rows")
public func swiftgapDescriptorRows(
    _ handle: UnsafeMutableRawPointer?, _ count: Int64, _ atoms: UnsafePointer<Int64>?,
    _ numbers: UnsafePointer<Int32>?, _ positions: UnsafePointer<Double>?, _ cells: UnsafePointer<Double>?,
    _ pbc: UnsafePointer<UInt8>?, _ centerCounts: UnsafePointer<Int64>?, _ centerAtoms: UnsafePointer<Int64>?,
    _ centerPoints: UnsafePointer<Double>?, _ siteWeights: UnsafePointer<Double>?, _ threads: Int32,
    _ rowCounts: UnsafePointer<Int64>?, _ out: UnsafeMutablePointer<Double>?, _ error: UnsafeMutablePointer<CChar>?,
    _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        let (request, structures) = try descriptorRequest(
            handle, count, atoms, numbers, positions, cells, pbc, centerCounts, centerAtoms, centerPoints, siteWeights,
            threads)
        let expected = try required(rowCounts, "rowCounts"), out = try required(out, "out")
        try request.create(structures, threads: Int(threads), expected: expected, into: out)
    }
}

/// The descriptor of `handle` and the structures and centers of a descriptor call, checked.
private func descriptorRequest(
    _ handle: UnsafeMutableRawPointer?, _ count: Int64, _ atoms: UnsafePointer<Int64>?,
    _ numbers: UnsafePointer<Int32>?, _ positions: UnsafePointer<Double>?, _ cells: UnsafePointer<Double>?,
    _ pbc: UnsafePointer<UInt8>?, _ centerCounts: UnsafePointer<Int64>?, _ centerAtoms: UnsafePointer<Int64>?,
    _ centerPoints: UnsafePointer<Double>?, _ siteWeights: UnsafePointer<Double>?, _ threads: Int32
) throws -> (DescriptorRequest, [Structure]) {
    let descriptor = try Handle.object(handle, as: DescriptorBox.self).descriptor
    guard count >= 0 else { throw CAPIError("the number of structures is negative (\(count))") }
    guard threads >= 1 else { throw CAPIError("threads must be at least 1 (got \(threads))") }
    let structures = try StructureInput(
        counts: Array(UnsafeBufferPointer(start: try required(atoms, "atoms"), count: Int(count))),
        numbers: try required(numbers, "numbers"), positions: try required(positions, "positions"),
        cells: try required(cells, "cells"), pbc: try required(pbc, "pbc")
    ).structures(siteWeights: siteWeights, for: descriptor)
    let centers = try centerCounts.map { counts in
        try CenterInput(
            counts: Array(UnsafeBufferPointer(start: counts, count: Int(count))),
            atoms: try required(centerAtoms, "centerAtoms"), points: centerPoints)
    }
    return (DescriptorRequest(descriptor: descriptor, centers: centers), structures)
}
