import Atoms
import Descriptors
import LinearAlgebra
import Support

/// The second stage of a fit, "descriptors": the SOAP descriptor of every atom of the training set, grouped
/// by central element, and every instance of each 2- and 3-body term, from which the sparse points are chosen.
enum SparseCandidates {
    /// The instances of one 2- or 3-body term over the training set (file order): vectors and cutoff weights.
    struct Instances {
        var values: [Double] = []
        var weights: [Double] = []
    }

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

    /// Per term, its instances over all `observations` (file order); each structure's neighbor list is built
    /// once, for the longest cutoff.
    /// - Throws: `GAPError.descriptor` for unusable geometry.
    static func instances(
        of observations: [Observation], terms: [GeometricTermSettings], threads: Int, progress: GAPTrainer.Progress?
    ) throws(GAPError) -> [(values: Matrix, weights: [Double])] {
        guard !terms.isEmpty else { return [] }
        let cutoff = terms.map(\.descriptor.cutoff.cutoff).max() ?? 0
        var all = [Instances](repeating: Instances(), count: terms.count)
        for start in stride(from: 0, to: observations.count, by: batch) {
            let chunk = Array(observations[start..<min(start + batch, observations.count)])
            let described = Parallel.map(chunk.count, threads: threads) { k in
                Result { () throws(GAPError) -> [GeometricInstances] in
                    let s = chunk[k].structure
                    let list: NeighborList
                    do throws(GeometryError) { list = try NeighborList(s, cutoff: cutoff, threads: 1) } catch {
                        throw .descriptor(.geometry(structure: chunk[k].index, error))
                    }
                    return terms.map { $0.descriptor.instances(of: s, list: list, gradients: false) }
                }
            }
            for result in described {
                for (t, instances) in try result.get().enumerated() {
                    all[t].values += instances.values
                    all[t].weights += instances.weights
                }
            }
            progress?("descriptors", min(start + batch, observations.count), observations.count)
        }
        var out = [(values: Matrix, weights: [Double])]()
        for (term, instances) in zip(terms, all) {
            let d = term.descriptor.dimension
            do {
                out.append((try Matrix(rows: instances.weights.count, columns: d, elements: instances.values), instances.weights))
            } catch {
                throw .solver(stage: "instances of \(term.descriptor.summary)", error)
            }
        }
        return out
    }
}
