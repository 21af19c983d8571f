import Descriptors

/// A random subset of each structure's centers (`CenterSampling`), for a local descriptor's `centers` in large
/// cells: `sampleCount` keeps that many per structure (all when it has fewer); with `sampleCount` 0,
/// `sampleFraction` in (0, 1] keeps that fraction, rounded, at least one. Drawn without replacement, reproducibly
/// from `seed` and the structure's index among the `count`.
///
/// Candidates: `atoms[count]` atom counts, and NULL `centerCounts` for every atom, else `centerCounts[count]` with
/// `centerAtoms` (atom indices, one structure after another). Writes each structure's kept count into
/// `outCounts[count]` and its kept atoms, ascending, into `outAtoms`, one structure after another (room for every
/// candidate suffices).
@_cdecl("swiftgap_sample_centers")
public func swiftgapSampleCenters(
    _ count: Int64, _ atoms: UnsafePointer<Int64>?, _ centerCounts: UnsafePointer<Int64>?,
    _ centerAtoms: UnsafePointer<Int64>?, _ sampleCount: Int64, _ sampleFraction: Double, _ seed: UInt64,
    _ outCounts: UnsafeMutablePointer<Int64>?, _ outAtoms: UnsafeMutablePointer<Int64>?,
    _ error: UnsafeMutablePointer<CChar>?, _ errorCapacity: Int64
) -> Int32 {
    capiCall(error: error, capacity: errorCapacity) {
        guard count >= 0 else { throw CAPIError("the number of structures is negative (\(count))") }
        guard sampleCount == 0 || sampleFraction == 0 else {
            throw CAPIError("give sampleCount (\(sampleCount)) or sampleFraction (\(sampleFraction)), not both")
        }
        let sampling = try CenterSampling(sampleCount != 0 ? .count(Int(sampleCount)) : .fraction(sampleFraction), seed: seed)
        let atomCounts = try (0..<Int(count)).map { k in
            try StructureInput.atomCount(required(atoms, "atoms")[k], structure: k)
        }
        let given = try centerCounts.map { counts in
            try CenterInput(
                counts: Array(UnsafeBufferPointer(start: counts, count: atomCounts.count)),
                atoms: try required(centerAtoms, "centerAtoms"), points: nil
            ).atomIndices()
        }
        for (k, list) in (given ?? []).enumerated() {
            if let c = list.firstIndex(where: { $0 >= atomCounts[k] }) {
                throw CAPIError("center \(c) of structure \(k) is atom \(list[c]); it has \(atomCounts[k]) atoms")
            }
        }
        let (outCounts, outAtoms) = (try required(outCounts, "outCounts"), try required(outAtoms, "outAtoms"))
        var k = 0
        for (s, kept) in sampling.centers(atomCounts: atomCounts, given: given).enumerated() {
            outCounts[s] = Int64(kept.count)
            for atom in kept {
                outAtoms[k] = Int64(atom)
                k += 1
            }
        }
    }
}
