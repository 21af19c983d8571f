import Atoms
import Descriptors
import LinearAlgebra

/// A fitted 2- or 3-body term: E_t = Σ_instances k Σ_s α_s w_k w_s k(x_k, x_s), each instance's energy
/// belonging to its center atom. Forces and virial come by back-propagation through the instance legs.
public struct GeometricTerm: Sendable, Equatable {
    /// Descriptor, kernel and sparse points.
    public let sparse: GeometricSparseSet
    /// Weight α_s of each sparse point.
    public let alpha: [Double]

    /// A term; `alpha` has one weight per sparse point.
    /// - Throws: `GAPError.inconsistentPotential` when it does not, or a weight is not finite.
    public init(sparse: GeometricSparseSet, alpha: [Double]) throws(GAPError) {
        guard alpha.count == sparse.count, alpha.allSatisfy(\.isFinite) else {
            throw .inconsistentPotential(
                detail: "the \(sparse.descriptor.summary) term has \(alpha.count) weights (finite: "
                    + "\(alpha.allSatisfy(\.isFinite))) for \(sparse.count) sparse points")
        }
        self.sparse = sparse
        self.alpha = alpha
    }

    /// Adds the term's local energies to `energies` (per atom) and its forces and virial to `accumulator`.
    func accumulate(_ instances: GeometricInstances, energies: inout [Double], into accumulator: inout PairGradientAccumulator) {
        let d = sparse.descriptor.dimension
        withUnsafeTemporaryAllocation(of: Double.self, capacity: d) { dx in
            sparse.forEachInstance(instances, gradients: true) { k, kernels, slopes in
                // e_k = w_k Σ_s c_s k_s with c_s = α_s w_s: ∂e_k/∂x = w_k Σ_s c_s ∂k_s/∂x, ∂e_k/∂w_k = Σ_s c_s k_s.
                let wk = instances.weights[k]
                var dw = 0.0
                for m in 0..<d { dx[m] = 0 }
                for s in 0..<sparse.count {
                    let c = alpha[s] * sparse.weights[s]
                    dw += c * kernels[s]
                    for m in 0..<d { dx[m] += c * wk * slopes[s * d + m] }
                }
                energies[instances.center[k]] += wk * dw
                for leg in instances.legOffsets[k]..<instances.legOffsets[k + 1] {
                    accumulator.addPairGradient(
                        instances.legGradient(leg, dx: UnsafeBufferPointer(dx), dw: dw), vector: instances.legVector[leg],
                        center: instances.center[k], neighbor: instances.legNeighbor[leg])
                }
            }
        }
    }

    /// The kernel between each atom's local energy from this term and every sparse point (M × atoms, added
    /// to `columns` at row `offset`, atom i in column `firstAtom` + i), and each atom's prior variance
    /// k(e_i, e_i) (added to `prior[firstAtom + i]`).
    func addKernelColumns(
        _ instances: GeometricInstances, atoms: Int, into columns: inout Matrix, offset: Int, firstAtom: Int = 0,
        prior: inout [Double]
    ) {
        sparse.forEachInstance(instances, gradients: false) { k, kernels, _ in
            let wk = instances.weights[k], i = firstAtom + instances.center[k]
            for s in 0..<sparse.count { columns[offset + s, i] += wk * sparse.weights[s] * kernels[s] }
        }
        let d = sparse.descriptor.dimension
        var byCenter = [[Int]](repeating: [], count: atoms)
        for k in 0..<instances.count { byCenter[instances.center[k]].append(k) }
        instances.values.withUnsafeBufferPointer { x in
            for (i, members) in byCenter.enumerated() {
                var sum = 0.0
                for a in members {
                    for b in members {
                        let kab = sparse.kernel.value(x.baseAddress! + a * d, x.baseAddress! + b * d)
                        sum += instances.weights[a] * instances.weights[b] * kab
                    }
                }
                prior[firstAtom + i] += sum
            }
        }
    }
}
