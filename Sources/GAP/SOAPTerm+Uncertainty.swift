import Atoms
import Descriptors
import LinearAlgebra

/// The SOAP term's part of the kernels and prior covariances of total energies and force components, the
/// functionals whose predictive variances `GAPPotential.uncertainty(_:)` and `energyCovariance(_:)` give.
extension SOAPTerm {
    /// How many of the term's sparse sets model both an atom of element `a` and one of element `b`: the prior
    /// covariance of their local energies is that many times δ² (q_a·q_b)^ζ.
    func sharedModels(_ a: Int, _ b: Int) -> Double {
        (a == b && models[a] != nil ? 1 : 0) + (models[0] != nil ? 1 : 0)
    }

    /// The rows of element `z`'s sparse set among `rows` (all of them for the set of every element, 0).
    private func members(of z: Int, _ rows: DescriptorRows, _ s: Structure) -> [Int] {
        (0..<rows.count).filter { z == 0 || s.atomicNumbers[rows.center[$0]] == z }
    }

    /// For each structure c, the kernel between its total SOAP energy and every sparse point, Σ_i k(q_i, x_m),
    /// added to column `column + c` of `columns` (rows `offset ..< offset + M`, elements in the order
    /// `elements`); and, when `prior` is given, the prior covariance of the structures' SOAP energies,
    /// Σ_{i ∈ c, j ∈ c'} δ² (q_i·q_j)^ζ for atoms that share a sparse set, added to it.
    /// - Throws: `GAPError.descriptor` for bad geometry, `.solver` for a failed product.
    func addEnergyColumns(
        _ structures: [Structure], elements: [Int], threads: Int, into columns: inout Matrix, offset: Int, column: Int,
        prior: inout Matrix?
    ) throws(GAPError) {
        var rows = [DescriptorRows]()
        for s in structures {
            do { rows.append(try soap.create([s], threads: threads)) } catch { throw .descriptor(error) }
        }
        do throws(LinearAlgebraError) {
            for (c, s) in structures.enumerated() {
                var start = offset
                for z in elements {
                    guard let model = models[z] else { continue }
                    let members = members(of: z, rows[c], s)
                    if !members.isEmpty {
                        var t = try Matrix.product(model.points, rows[c].matrix(rows: members), transB: .transposed)
                        kernel.applyValues(to: &t)
                        for m in 0..<model.points.rows {
                            for j in 0..<members.count { columns[start + m, column + c] += t[m, j] }
                        }
                    }
                    start += model.points.rows
                }
            }
            guard prior != nil else { return }
            let q = try rows.map { r throws(LinearAlgebraError) in try Self.matrix(r) }
            for a in structures.indices {
                for b in a..<structures.count {
                    let t = try Matrix.product(q[a], q[b], transB: .transposed)
                    var sum = 0.0
                    for i in 0..<rows[a].count {
                        let zi = structures[a].atomicNumbers[rows[a].center[i]]
                        for j in 0..<rows[b].count {
                            let shared = sharedModels(zi, structures[b].atomicNumbers[rows[b].center[j]])
                            if shared > 0 { sum += shared * kernel.value(t[i, j]) }
                        }
                    }
                    prior![a, b] += sum
                    if a != b { prior![b, a] += sum }
                }
            }
        } catch {
            throw .solver(stage: "energy covariance", error)
        }
    }

    /// The kernel between each force component F_jβ = −∂E/∂r_jβ of `s` and every sparse point,
    /// −Σ_i ∂k(q_i, x_m)/∂r_jβ, added to column `column + 3j + β` of `columns` (rows `offset ..< offset + M`,
    /// elements in the order `elements`); and, when `prior` is given, each component's prior variance
    /// Σ_{i,i'} v_iᵀ (∂²k/∂q_i∂q_i') v_i' with v_i = ∂q_i/∂r_jβ, added to `prior[priorOffset + 3j + β]`.
    /// - Throws: `GAPError.descriptor` for bad geometry, `.solver` for a failed product.
    func addForceColumns(
        _ s: Structure, elements: [Int], threads: Int, into columns: inout Matrix, offset: Int, column: Int,
        prior: inout [Double]?, priorOffset: Int
    ) throws(GAPError) {
        let rows: DescriptorRows, derivatives: SparseDerivatives
        do { (rows, derivatives) = try soap.derivatives([s], threads: threads) } catch { throw .descriptor(error) }
        let D = rows.featureCount
        var blocksOfRow = [[Int]](repeating: [], count: rows.count)
        var blocksOfAtom = [[Int]](repeating: [], count: s.count)
        for k in 0..<derivatives.count {
            blocksOfRow[derivatives.row[k]].append(k)
            blocksOfAtom[derivatives.atom[k]].append(k)
        }
        /// The blocks `list` as one (3 · count) × D matrix, x, y and z rows of each block in turn.
        func stacked(_ list: [Int]) -> Matrix {
            var b = Matrix(rows: 3 * list.count, columns: D)
            b.elements.withUnsafeMutableBufferPointer { p in
                for (n, k) in list.enumerated() { derivatives.addBlock(k, to: p.baseAddress! + 3 * n * D) }
            }
            return b
        }
        do throws(LinearAlgebraError) {
            var start = offset
            for z in elements {
                guard let model = models[z] else { continue }
                let members = members(of: z, rows, s)
                // k'(q_r·x_m) for every member row r and sparse point m, once.
                var slopeOfKernel = try Matrix.product(rows.matrix(rows: members), model.points, transB: .transposed)
                for k in slopeOfKernel.elements.indices {
                    slopeOfKernel.elements[k] = kernel.derivative(slopeOfKernel.elements[k])
                }
                for (i, r) in members.enumerated() where !blocksOfRow[r].isEmpty {
                    // ∂k(q_r, x_m)/∂r_jβ = k'(q_r·x_m) (∂q_r/∂r_jβ · x_m): one product of the row's blocks with X.
                    let slopes = try Matrix.product(stacked(blocksOfRow[r]), model.points, transB: .transposed)
                    for (n, k) in blocksOfRow[r].enumerated() {
                        let j = derivatives.atom[k]
                        for m in 0..<model.points.rows {
                            let c = slopeOfKernel[i, m]
                            for beta in 0..<3 { columns[start + m, column + 3 * j + beta] -= c * slopes[3 * n + beta, m] }
                        }
                    }
                }
                start += model.points.rows
            }
            guard prior != nil else { return }
            let q = try Self.matrix(rows)
            let gram = Matrix.productWithTranspose(q, ofSameShape: q)
            for j in 0..<s.count where !blocksOfAtom[j].isEmpty {
                let list = blocksOfAtom[j]
                let v = stacked(list)
                let vv = Matrix.productWithTranspose(v, ofSameShape: v)
                let vq = try Matrix.product(v, q, transB: .transposed)
                for (a, ka) in list.enumerated() {
                    let ra = derivatives.row[ka], za = s.atomicNumbers[rows.center[ra]]
                    for (b, kb) in list.enumerated() {
                        let rb = derivatives.row[kb]
                        let shared = sharedModels(za, s.atomicNumbers[rows.center[rb]])
                        guard shared > 0 else { continue }
                        let t = gram[ra, rb]
                        let first = kernel.derivative(t), second = kernel.secondDerivative(t)
                        for beta in 0..<3 {
                            // v_aᵀ H v_b with H = δ²[ζ t^{ζ−1} I + ζ(ζ−1) t^{ζ−2} q_b q_aᵀ].
                            let va = 3 * a + beta, vb = 3 * b + beta
                            prior![priorOffset + 3 * j + beta] += shared * (first * vv[va, vb] + second * vq[va, rb] * vq[vb, ra])
                        }
                    }
                }
            }
        } catch {
            throw .solver(stage: "force variance", error)
        }
    }

    /// All of `rows` as one matrix (rows × D), without gathering them one by one.
    private static func matrix(_ rows: DescriptorRows) throws(LinearAlgebraError) -> Matrix {
        try Matrix(rows: rows.count, columns: rows.featureCount, elements: rows.values)
    }
}
