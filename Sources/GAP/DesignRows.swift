import Atoms
import CLapack
import Descriptors
import LinearAlgebra

/// The rows one configuration adds to the least-squares fit, divided by their σ once every term has added
/// its columns: energy, forces (−∂E/∂r) and the six independent virial components (−∂E/∂ε, symmetrised),
/// each a linear function of the weights α of all sparse points of all terms.
struct DesignRows {
    /// Rows × M, M the total number of sparse points (SOAP elements in `layout` order, then the 2- and 3-body
    /// terms).
    var matrix: Matrix
    /// Targets (divided by σ after `divideBySigma`).
    var targets: [Double]
    /// σ of each row.
    private var sigma: [Double]
    /// Where the energy, force and virial rows start.
    let rows: RowIndices

    /// Where each SOAP element's sparse points sit among the M columns.
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

    /// The first row of each kind a configuration has (nil when it has none of that kind); force row of atom
    /// a, axis α is `forceStart + 3a + α`.
    struct RowIndices {
        let energy: Int?
        let forceStart: Int?
        let virialStart: Int?
    }

    /// Zero rows for `o` over `columns` sparse points, with its targets and σ.
    init(_ o: Observation, columns: Int) {
        let n = o.structure.count
        var next = 0
        func take(_ present: Bool, _ count: Int) -> Int? {
            guard present else { return nil }
            defer { next += count }
            return next
        }
        rows = RowIndices(
            energy: take(o.energy != nil, 1), forceStart: take(o.forces != nil, 3 * n), virialStart: take(o.virial != nil, 6))
        matrix = Matrix(rows: next, columns: columns)
        var b = [Double](repeating: 0, count: next)
        if let e = o.energy, let row = rows.energy { b[row] = e }
        if let f = o.forces, let start = rows.forceStart {
            for atom in 0..<n {
                for alpha in 0..<3 { b[start + 3 * atom + alpha] = f[atom][alpha] }
            }
        }
        if let w = o.virial, let start = rows.virialStart {
            for (v, (i, j)) in Self.virialComponents.enumerated() { b[start + v] = w[i, j] }
        }
        targets = b
        sigma = Self.sigmas(of: o)
    }

    /// The σ of each row of `o`: energy, then 3N force components, then six virial components (those it has).
    static func sigmas(of o: Observation) -> [Double] {
        (o.energy == nil ? [] : [o.sigmaEnergy])
            + [Double](repeating: o.sigmaForce, count: o.forces == nil ? 0 : 3 * o.structure.count)
            + [Double](repeating: o.sigmaVirial, count: o.virial == nil ? 0 : 6)
    }

    /// The SOAP-only rows of `o`, from its descriptors `q` and derivatives `dq` (strain included when it has a
    /// virial), divided by σ.
    /// - Throws: `GAPError.solver` naming the configuration when the descriptors are not as long as the
    ///   sparse points.
    init(
        _ o: Observation, q: DescriptorRows, dq: SparseDerivatives?, points: [Int: Matrix], layout: Layout,
        kernel: PolynomialKernel
    ) throws(GAPError) {
        self.init(o, columns: layout.total)
        try addSOAP(o, q: q, dq: dq, points: points, layout: layout, kernel: kernel)
        divideBySigma()
    }

    /// Adds the SOAP term's columns (the first `layout.total`), from the descriptors `q` of `o` and their
    /// derivatives `dq` (nil when `o` has neither forces nor a virial).
    /// - Throws: `GAPError.solver` naming the configuration when the descriptors are not as long as the
    ///   sparse points.
    mutating func addSOAP(
        _ o: Observation, q: DescriptorRows, dq: SparseDerivatives?, points: [Int: Matrix], layout: Layout,
        kernel: PolynomialKernel
    ) throws(GAPError) {
        func product(_ a: Matrix, _ x: Matrix) throws(GAPError) -> Matrix {
            do { return try Matrix.product(a, x, transB: .transposed) } catch {
                throw .solver(stage: "design rows of configuration \(o.index)\(o.line > 0 ? " (line \(o.line))" : "")", error)
            }
        }
        let s = o.structure
        let D = q.featureCount
        for z in layout.elements {
            guard let x = points[z], let offset = layout.offsets[z] else { continue }
            let m = x.rows
            let members = (0..<q.count).filter { s.atomicNumbers[q.center[$0]] == z }
            guard !members.isEmpty else { continue }
            let qz = q.matrix(rows: members)
            // T = Q Xᵀ, then energy row and the chain-rule coefficients C = δ² ζ T^{ζ−1}.
            let t = try product(qz, x)
            var c = t
            for k in 0..<members.count {
                for j in 0..<m {
                    let tkj = t[k, j]
                    if let e = rows.energy { matrix[e, offset + j] += kernel.value(tkj) }
                    c[k, j] = kernel.derivative(tkj)
                }
            }
            guard let dq else { continue }
            let localRow = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
            if let forceStart = rows.forceStart {
                // Blocks whose row is a center of this element: P = [∂q/∂r] Xᵀ, one GEMM per chunk of
                // blocks (so P stays a few MB however many pairs the configuration has).
                let allBlocks = (0..<dq.count).compactMap { b in localRow[dq.row[b]].map { (block: b, local: $0) } }
                for chunk in stride(from: 0, to: allBlocks.count, by: Self.blocksPerProduct) {
                    let blocks = allBlocks[chunk..<min(chunk + Self.blocksPerProduct, allBlocks.count)]
                    var g = Matrix(rows: 3 * blocks.count, columns: D)
                    g.elements.withUnsafeMutableBufferPointer { e in
                        for (b, pair) in blocks.enumerated() { dq.addBlock(pair.block, to: e.baseAddress! + 3 * b * D) }
                    }
                    let p = try product(g, x)
                    for (b, (block, k)) in blocks.enumerated() {
                        let atom = dq.atom[block]
                        for alpha in 0..<3 {
                            let row = forceStart + 3 * atom + alpha
                            for j in 0..<m { matrix[row, offset + j] -= c[k, j] * p[3 * b + alpha, j] }
                        }
                    }
                }
            }
            if let virialStart = rows.virialStart, let strain = dq.strain {
                var e = Matrix(rows: 9 * members.count, columns: D)
                for (k, r) in members.enumerated() {
                    e.elements.replaceSubrange((9 * k * D)..<((9 * k + 9) * D), with: strain[(9 * r * D)..<((9 * r + 9) * D)])
                }
                let p = try product(e, x)
                for k in 0..<members.count {
                    for (v, (i, j)) in Self.virialComponents.enumerated() {
                        for col in 0..<m {
                            let symmetric = 0.5 * (p[9 * k + 3 * i + j, col] + p[9 * k + 3 * j + i, col])
                            matrix[virialStart + v, offset + col] -= c[k, col] * symmetric
                        }
                    }
                }
            }
        }
    }

    /// Divides every row and its target by its σ (once, after every term has added its columns).
    mutating func divideBySigma() {
        let M = matrix.columns
        for r in 0..<targets.count {
            let inverse = 1 / sigma[r]
            targets[r] *= inverse
            for col in 0..<M { matrix[r, col] *= inverse }
        }
    }

    /// Derivative blocks multiplied by the sparse points at once.
    static let blocksPerProduct = 128

    /// The independent components of a symmetric 3 × 3 tensor: xx, yy, zz, yz, xz, xy.
    static let virialComponents = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)]
}
