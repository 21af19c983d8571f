import Atoms
import Descriptors
import LinearAlgebra
import Support

/// The second stage of a fit, "descriptors": the descriptor of every atom of the training set, grouped by
/// central element, from which the sparse points are chosen.
enum SparseCandidates {
    /// Configurations described per call (bounds the memory of one batch of descriptors).
    static let batch = 64

    /// Per element, one row per atom of that element (file order), `observations` described in batches.
    /// - Throws: `GAPError.descriptor` when a configuration cannot be described.
    static func descriptors(
        of observations: [Observation], soap: SOAP, threads: Int, progress: GAPTrainer.Progress?
    ) throws(GAPError) -> [Int: Matrix] {
        let D = soap.numberOfFeatures
        var byElement = [Int: [Double]]()
        for start in stride(from: 0, to: observations.count, by: batch) {
            let chunk = observations[start..<min(start + batch, observations.count)]
            let rows: DescriptorRows
            do { rows = try soap.create(chunk.map(\.structure), threads: threads) } catch {
                throw .descriptor(error)
            }
            for r in 0..<rows.count {
                let z = chunk[chunk.startIndex + rows.structure[r]].structure.atomicNumbers[rows.center[r]]
                byElement[z, default: []] += rows.row(r)
            }
            progress?("descriptors", min(start + batch, observations.count), observations.count)
        }
        var candidates = [Int: Matrix]()
        for (z, values) in byElement {
            do { candidates[z] = try Matrix(rows: values.count / D, columns: D, elements: values) } catch {
                throw .solver(stage: "descriptors of \(Element.label(z))", error)
            }
        }
        return candidates
    }
}
