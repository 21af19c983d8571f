import Descriptors
import LinearAlgebra

/// A 2- or 3-body term's part of the kernels and prior covariances of total energies and force components
/// (see `SOAPTerm.addEnergyColumns` and `addForceColumns`). The term's latent function of an instance is
/// w f(x), with f a Gaussian process of covariance k: instances of any centers covary by w w' k(x, x').
extension GeometricTerm {
    /// How an instance's vector x and weight w change with one atom's position: ∂x_d/∂r (one 3-vector per
    /// dimension) and ∂w/∂r.
    struct Motion {
        let instance: Int
        let atom: Int
        var dx: [SIMD3<Double>]
        var dw: SIMD3<Double>
    }

    /// The motions of every instance's atoms: its legs' gradients with respect to D = r_j − r_i, given to the
    /// neighbor j with a plus sign and to the center i with a minus sign.
    static func motions(_ instances: GeometricInstances) -> [Motion] {
        let d = instances.dimension
        var out = [Motion]()
        for k in 0..<instances.count {
            let first = out.count
            func add(_ atom: Int, _ sign: Double, _ leg: Int) {
                let index =
                    out[first...].firstIndex { $0.atom == atom }
                    ?? {
                        out.append(Motion(instance: k, atom: atom, dx: Array(repeating: .zero, count: d), dw: .zero))
                        return out.count - 1
                    }()
                for m in 0..<d { out[index].dx[m] += sign * instances.valueGradients[leg * d + m] }
                out[index].dw += sign * instances.weightGradients[leg]
            }
            for leg in instances.legOffsets[k]..<instances.legOffsets[k + 1] {
                add(instances.legNeighbor[leg], 1, leg)
                add(instances.center[k], -1, leg)
            }
        }
        return out
    }

    /// For each structure c (its instances `instances[c]`), the kernel between the term's total energy and
    /// every sparse point, Σ_k w_k w_s k(x_k, x_s), added to column `column + c` of `columns` (rows `offset ..<
    /// offset + M`); and, when `prior` is given, the prior covariance of the structures' energies from this
    /// term, added to it.
    func addEnergyColumns(
        _ instances: [GeometricInstances], into columns: inout Matrix, offset: Int, column: Int, prior: inout Matrix?
    ) {
        for (c, set) in instances.enumerated() {
            sparse.forEachInstance(set, gradients: false) { k, kernels, _ in
                for s in 0..<sparse.count { columns[offset + s, column + c] += set.weights[k] * sparse.weights[s] * kernels[s] }
            }
        }
        guard prior != nil else { return }
        let d = sparse.descriptor.dimension
        for a in instances.indices {
            for b in a..<instances.count {
                var sum = 0.0
                instances[a].values.withUnsafeBufferPointer { x in
                    instances[b].values.withUnsafeBufferPointer { y in
                        for k in 0..<instances[a].count {
                            for l in 0..<instances[b].count {
                                let kl = sparse.kernel.value(x.baseAddress! + k * d, y.baseAddress! + l * d)
                                sum += instances[a].weights[k] * instances[b].weights[l] * kl
                            }
                        }
                    }
                }
                prior![a, b] += sum
                if a != b { prior![b, a] += sum }
            }
        }
    }

    /// The kernel between each force component F_jβ of a structure of `atoms` atoms (its instances, with
    /// gradients) and every sparse point, −∂/∂r_jβ Σ_k w_k w_s k(x_k, x_s), added to column `column + 3j + β`
    /// of `columns` (rows `offset ..< offset + M`); and, when `prior` is given, each component's prior variance
    /// Σ_{k,l} ∂/∂r_jβ ∂/∂r'_jβ [w_k w_l k(x_k, x_l)], added to `prior[priorOffset + 3j + β]`.
    func addForceColumns(
        _ instances: GeometricInstances, atoms: Int, into columns: inout Matrix, offset: Int, column: Int,
        prior: inout [Double]?, priorOffset: Int
    ) {
        let d = sparse.descriptor.dimension
        let motions = Self.motions(instances)
        var motionsOfInstance = [[Int]](repeating: [], count: instances.count)
        var motionsOfAtom = [[Int]](repeating: [], count: atoms)
        for (n, motion) in motions.enumerated() {
            motionsOfInstance[motion.instance].append(n)
            motionsOfAtom[motion.atom].append(n)
        }
        sparse.forEachInstance(instances, gradients: true) { k, kernels, slopes in
            let wk = instances.weights[k]
            for n in motionsOfInstance[k] {
                let motion = motions[n]
                for s in 0..<sparse.count {
                    // ∂(w_k k(x_k, x_s))/∂r = k ∂w_k/∂r + w_k Σ_d ∂k/∂x_d ∂x_d/∂r.
                    var g = kernels[s] * motion.dw
                    for m in 0..<d { g += wk * slopes[s * d + m] * motion.dx[m] }
                    for beta in 0..<3 { columns[offset + s, column + 3 * motion.atom + beta] -= sparse.weights[s] * g[beta] }
                }
            }
        }
        guard var sums = prior else { return }
        instances.values.withUnsafeBufferPointer { x in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * d) { buffer in
                let gradient = buffer.baseAddress!, a = gradient + d, b = a + d
                for (j, list) in motionsOfAtom.enumerated() {
                    for p in list {
                        let k = motions[p].instance, xk = x.baseAddress! + k * d, wk = instances.weights[k]
                        for q in list {
                            let l = motions[q].instance, xl = x.baseAddress! + l * d, wl = instances.weights[l]
                            // κ and ∇_{x_k} κ; ∇_{x_l} κ is its negative.
                            let kappa = sparse.kernel.valueAndGradient(xk, xl, gradient: gradient)
                            for beta in 0..<3 {
                                var ga = 0.0, gb = 0.0
                                for m in 0..<d {
                                    a[m] = motions[p].dx[m][beta]
                                    b[m] = motions[q].dx[m][beta]
                                    ga += gradient[m] * a[m]
                                    gb -= gradient[m] * b[m]
                                }
                                let dwk = motions[p].dw[beta], dwl = motions[q].dw[beta]
                                sums[priorOffset + 3 * j + beta] +=
                                    dwk * dwl * kappa + dwk * wl * gb + wk * dwl * ga
                                    + wk * wl * sparse.kernel.mixedDerivative(xk, xl, value: kappa, a, b)
                            }
                        }
                    }
                }
            }
        }
        prior = sums
    }
}
