import Atoms
import Descriptors
import LinearAlgebra

extension GeometricSparseSet {
    /// Adds this term's columns of a configuration's design rows (before division by σ) to `a`, from the
    /// configuration's instances: the energy row Σ_k w_k w_s k(x_k, x_s), the force rows −∂/∂r of it and the
    /// six symmetrised virial rows −Σ_legs D ⊗ ∂/∂D of it, for each sparse point s in columns
    /// `offset ..< offset + M`.
    func addDesignRows(_ instances: GeometricInstances, to a: inout Matrix, offset: Int, rows: DesignRows.RowIndices) {
        let d = descriptor.dimension
        let needsGradients = rows.forceStart != nil || rows.virialStart != nil
        precondition(!needsGradients || instances.hasGradients, "force and virial rows need instance gradients")
        forEachInstance(instances, gradients: needsGradients) { k, kernels, slopes in
            let wk = instances.weights[k], i = instances.center[k]
            for s in 0..<count {
                let column = offset + s, ws = weights[s]
                if let e = rows.energy { a[e, column] += wk * ws * kernels[s] }
                guard needsGradients else { continue }
                for leg in instances.legOffsets[k]..<instances.legOffsets[k + 1] {
                    // g = ∂(w_k w_s k)/∂D = w_s (w_k Σ_d ∂k/∂x_d ∂x_d/∂D + k ∂w_k/∂D).
                    var g = kernels[s] * instances.weightGradients[leg]
                    for c in 0..<d { g += wk * slopes[s * d + c] * instances.valueGradients[leg * d + c] }
                    g *= ws
                    if let f = rows.forceStart {
                        let j = instances.legNeighbor[leg]
                        for alpha in 0..<3 {
                            a[f + 3 * i + alpha, column] += g[alpha]
                            a[f + 3 * j + alpha, column] -= g[alpha]
                        }
                    }
                    if let v = rows.virialStart {
                        let vector = instances.legVector[leg]
                        for (component, (p, q)) in DesignRows.virialComponents.enumerated() {
                            a[v + component, column] -= 0.5 * (vector[p] * g[q] + vector[q] * g[p])
                        }
                    }
                }
            }
        }
    }
}
