import Atoms
import CLapack
import Descriptors
import LinearAlgebra

/// The rows one configuration adds to the least-squares fit, already divided by their σ:
/// energy, forces (−∂E/∂r) and the six independent virial components (−∂E/∂ε, symmetrised),
/// each a linear function of the weights α of all sparse points.
struct DesignRows {
    /// Rows × M, M the total number of sparse points (elements in `layout` order).
    var matrix: Matrix
    /// Targets divided by σ.
    var targets: [Double]

    /// Where each element's sparse points sit among the M columns.
    struct Layout: Sendable {
        let elements: [Int]
        let offsets: [Int: Int]
        let total: Int

        init(elements: [Int], models: [Int: Matrix]) {
            self.elements = elements
            var offsets = [Int: Int](), running = 0
            for z in elements {
                offsets[z] = running
                running += models[z]?.rows ?? 0
            }
            self.offsets = offsets
            total = running
        }
    }

    /// The rows of `o`, from its descriptors `q` and derivatives `dq` (strain included when it has a virial).
    /// - Throws: `GAPError.solver` naming the configuration when the descriptors are not as long as the
    ///   sparse points.
    init(
        _ o: Observation, q: DescriptorRows, dq: SparseDerivatives?, points: [Int: Matrix], layout: Layout,
        kernel: PolynomialKernel
    ) throws(GAPError) {
        func product(_ a: Matrix, _ x: Matrix) throws(GAPError) -> Matrix {
            do { return try Matrix.product(a, x, transB: .transposed) } catch {
                throw .solver(stage: "design rows of configuration \(o.index)\(o.line > 0 ? " (line \(o.line))" : "")", error)
            }
        }
        let s = o.structure
        let n = s.count, D = q.featureCount, M = layout.total
        let energyRow = o.energy == nil ? -1 : 0
        let forceStart = energyRow + 1
        let virialStart = forceStart + (o.forces == nil ? 0 : 3 * n)
        let rowCount = o.rowCount
        var a = Matrix(rows: rowCount, columns: M)
        // Rows of q by element, and the descriptor row of each center.
        for z in layout.elements {
            guard let x = points[z], let offset = layout.offsets[z] else { continue }
            let m = x.rows
            let rows = (0..<q.count).filter { s.atomicNumbers[q.center[$0]] == z }
            guard !rows.isEmpty else { continue }
            let qz = q.matrix(rows: rows)
            // T = Q Xᵀ, then energy row and the chain-rule coefficients C = δ² ζ T^{ζ−1}.
            let t = try product(qz, x)
            var c = t
            for k in 0..<rows.count {
                for j in 0..<m {
                    let tkj = t[k, j]
                    if energyRow >= 0 { a[energyRow, offset + j] += kernel.value(tkj) }
                    c[k, j] = kernel.derivative(tkj)
                }
            }
            guard let dq else { continue }
            let localRow = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
            if o.forces != nil {
                // Blocks whose row is a center of this element: P = [∂q/∂r] Xᵀ, one GEMM per chunk of
                // blocks (so P stays a few MB however many pairs the configuration has).
                let allBlocks = (0..<dq.count).compactMap { b in localRow[dq.row[b]].map { (block: b, local: $0) } }
                for chunk in stride(from: 0, to: allBlocks.count, by: Self.blocksPerProduct) {
                    let blocks = allBlocks[chunk..<min(chunk + Self.blocksPerProduct, allBlocks.count)]
                    var g = Matrix(rows: 3 * blocks.count, columns: D)
                    for (b, pair) in blocks.enumerated() {
                        g.elements.replaceSubrange((3 * b * D)..<((3 * b + 3) * D), with: dq.block(pair.block))
                    }
                    let p = try product(g, x)
                    for (b, (block, k)) in blocks.enumerated() {
                        let atom = dq.atom[block]
                        for alpha in 0..<3 {
                            let row = forceStart + 3 * atom + alpha
                            for j in 0..<m { a[row, offset + j] -= c[k, j] * p[3 * b + alpha, j] }
                        }
                    }
                }
            }
            if o.virial != nil, let strain = dq.strain {
                var e = Matrix(rows: 9 * rows.count, columns: D)
                for (k, r) in rows.enumerated() {
                    e.elements.replaceSubrange((9 * k * D)..<((9 * k + 9) * D), with: strain[(9 * r * D)..<((9 * r + 9) * D)])
                }
                let p = try product(e, x)
                for k in 0..<rows.count {
                    for (v, (i, j)) in Self.virialComponents.enumerated() {
                        for col in 0..<m {
                            let symmetric = 0.5 * (p[9 * k + 3 * i + j, col] + p[9 * k + 3 * j + i, col])
                            a[virialStart + v, offset + col] -= c[k, col] * symmetric
                        }
                    }
                }
            }
        }
        // Targets, and every row divided by its σ.
        var b = [Double](repeating: 0, count: rowCount)
        var sigma = [Double](repeating: 1, count: rowCount)
        if let e = o.energy {
            b[energyRow] = e
            sigma[energyRow] = o.sigmaEnergy
        }
        if let f = o.forces {
            for atom in 0..<n {
                for alpha in 0..<3 {
                    b[forceStart + 3 * atom + alpha] = f[atom][alpha]
                    sigma[forceStart + 3 * atom + alpha] = o.sigmaForce
                }
            }
        }
        if let w = o.virial {
            for (v, (i, j)) in Self.virialComponents.enumerated() {
                b[virialStart + v] = w[i, j]
                sigma[virialStart + v] = o.sigmaVirial
            }
        }
        for r in 0..<rowCount {
            let inverse = 1 / sigma[r]
            b[r] *= inverse
            for col in 0..<M { a[r, col] *= inverse }
        }
        matrix = a
        targets = b
    }

    /// Derivative blocks multiplied by the sparse points at once.
    static let blocksPerProduct = 128

    /// The independent components of a symmetric 3 × 3 tensor: xx, yy, zz, yz, xz, xy.
    static let virialComponents = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
}
