import Atoms
import Foundation
import LinearAlgebra

/// The terms of the Ewald sum matrix of one structure, each added to the matrix with its position gradients.
/// Entries M_ij (i ≠ j) are sums over the images of the pair; diagonal entries hold the interaction of an atom
/// with its own images, halved (DScribe's convention), and depend on no position.
struct EwaldSum {
    /// The splitting of one structure's sum.
    struct Parameters: Equatable {
        /// Width a of the screening Gaussians, Å⁻¹.
        let a: Double
        /// Real-space cutoff, Å.
        let realCutoff: Double
        /// Reciprocal-space cutoff, Å⁻¹.
        let reciprocalCutoff: Double
    }

    /// The structure, periodic along all axes.
    let structure: Structure
    /// Its index in the batch, for errors.
    let index: Int
    /// The reciprocal lattice vectors b_k (rows, a_k · b_l = 2π δ_kl).
    let reciprocalLattice: Matrix3
    let parameters: Parameters
    /// The charges: the atomic numbers.
    private let charges: [Double]
    private let volume: Double

    /// Reciprocal vectors per block of the reciprocal-space products (bounds their scratch memory).
    private static let reciprocalBlock = 512

    init(structure: Structure, index: Int, reciprocalLattice: Matrix3, parameters: Parameters) {
        self.structure = structure
        self.index = index
        self.reciprocalLattice = reciprocalLattice
        self.parameters = parameters
        charges = structure.atomicNumbers.map(Double.init)
        volume = structure.cell.volume
    }

    /// Σ over image pairs within the real-space cutoff of q_i q_j erfc(a d)/d.
    /// - Throws: `.invalidSetting` when the cutoff holds more pairs than `DescriptorLimits.ewaldRealSpacePairs`,
    ///   `.overlappingAtoms` for a pair closer than 10⁻⁸ Å, `.geometry` from the neighbor list.
    func addRealSpace(to m: inout PairMatrix) throws(DescriptorError) {
        let n = structure.count, cutoff = parameters.realCutoff, a = parameters.a
        let density = Double(n) / volume
        let estimate = 0.5 * Double(n) * density * 4 / 3 * Double.pi * cutoff * cutoff * cutoff
        guard estimate <= Double(DescriptorLimits.ewaldRealSpacePairs) else {
            throw .invalidSetting(
                name: "r_cut", value: "\(cutoff) Å",
                hint: "structure \(index) would sum about \(estimate) real-space pairs, more than "
                    + "\(DescriptorLimits.ewaldRealSpacePairs); lower r_cut (or raise accuracy)")
        }
        // DScribe sums pairs at distance ≤ r_cut; the list keeps those strictly below its cutoff.
        let list: NeighborList
        do { list = try NeighborList(structure, cutoff: cutoff.nextUp, kind: .half, threads: 1) } catch {
            throw .geometry(structure: index, error)
        }
        let twoAOverRootPi = 2 * a / Double.pi.squareRoot()
        for i in 0..<n {
            for p in list.pairs(of: i) {
                let j = Int(list.neighbors[p]), d = list.distances[p]
                guard d > 1e-8 else { throw .overlappingAtoms(structure: index, first: min(i, j), second: max(i, j)) }
                let qq = charges[i] * charges[j], screened = erfc(a * d)
                let term = qq * screened / d
                guard i != j else {
                    // The half list holds each ±image of an atom once: the halved diagonal.
                    m.values[i * n + i] += term
                    continue
                }
                let slope = -qq * (twoAOverRootPi * exp(-a * a * d * d) + screened / d) / d  // ∂term/∂d
                m.addPair(i, j, value: term, gradient: -slope / d * list.vectors[p])
            }
        }
    }

    /// (4π/V) q_i q_j Σ_{0 < |G| ≤ g_cut} exp(−G²/4a²)/G² cos(G·(r_j − r_i)), summed over half of the vectors
    /// (G and −G give the same term) as products of the structure factors cos(G·r) and sin(G·r).
    /// - Throws: `.invalidSetting` when the cutoff holds more vectors than
    ///   `DescriptorLimits.ewaldReciprocalVectors`.
    func addReciprocalSpace(to m: inout PairMatrix) throws(DescriptorError) {
        let vectors = try reciprocalVectors()
        let n = structure.count, a2 = parameters.a * parameters.a
        let gradients = !m.gradients.isEmpty
        // R_ij = Σ f_G cos(G·(r_j − r_i)) and, per axis, A_ij = Σ f_G G_axis cos(G·r_i) sin(G·r_j).
        var r = [Double](repeating: 0, count: n * n)
        var slopes = [[Double]](repeating: [Double](repeating: 0, count: gradients ? n * n : 0), count: 3)
        for start in stride(from: 0, to: vectors.count, by: Self.reciprocalBlock) {
            let block = vectors[start..<min(start + Self.reciprocalBlock, vectors.count)]
            let k = block.count
            var rootWeighted = Matrix(rows: n, columns: 2 * k)
            var weightedCosines = Matrix(rows: n, columns: k), sines = Matrix(rows: n, columns: k)
            for (c, g) in block.enumerated() {
                let g2 = dot(g, g)
                let root = (exp(-g2 / (4 * a2)) / g2).squareRoot()
                for i in 0..<n {
                    let phase = dot(g, structure.positions[i])
                    let (cosine, sine) = (cos(phase), sin(phase))
                    rootWeighted.elements[i * 2 * k + c] = root * cosine
                    rootWeighted.elements[i * 2 * k + k + c] = root * sine
                    weightedCosines.elements[i * k + c] = root * root * cosine
                    sines.elements[i * k + c] = sine
                }
            }
            Self.accumulate(&r, Matrix.syrk(rootWeighted, .none))
            guard gradients else { continue }
            var scaled = weightedCosines
            for axis in 0..<3 {
                for i in 0..<n {
                    for (c, g) in block.enumerated() { scaled.elements[i * k + c] = weightedCosines.elements[i * k + c] * g[axis] }
                }
                Self.accumulate(&slopes[axis], Matrix.productWithTranspose(scaled, ofSameShape: sines))
            }
        }
        let prefactor = 4 * Double.pi / volume
        for i in 0..<n {
            m.values[i * n + i] += prefactor * charges[i] * charges[i] * r[i * n + i]
            for j in (i + 1)..<n {
                let scale = 2 * prefactor * charges[i] * charges[j]
                let gradient =
                    gradients
                    ? scale
                        * SIMD3(
                            slopes[0][i * n + j] - slopes[0][j * n + i], slopes[1][i * n + j] - slopes[1][j * n + i],
                            slopes[2][i * n + j] - slopes[2][j * n + i]) : .zero
                m.addPair(i, j, value: scale * r[i * n + j], gradient: gradient)
            }
        }
    }

    /// The self term −a/√π q_i² on the diagonal and the neutralizing background −π q_i q_j/(V a²) (halved on
    /// the diagonal); neither depends on positions.
    func addConstant(to m: inout PairMatrix) {
        let n = structure.count, a = parameters.a
        let background = -Double.pi / (volume * a * a)
        for i in 0..<n {
            let q2 = charges[i] * charges[i]
            m.values[i * n + i] += -a / Double.pi.squareRoot() * q2 + background * q2 / 2
            for j in (i + 1)..<n {
                m.addPair(i, j, value: background * charges[i] * charges[j], gradient: .zero)
            }
        }
    }

    /// The reciprocal vectors G = Σ n_k b_k with 0 < |G| ≤ g_cut, one of each ±G pair (the first nonzero n_k
    /// positive).
    private func reciprocalVectors() throws(DescriptorError) -> [SIMD3<Double>] {
        let cutoff = parameters.reciprocalCutoff
        // |n_k| = |G · a_k| / 2π ≤ g_cut |a_k| / 2π.
        let reach = structure.cell.lengths * (cutoff / (2 * Double.pi))
        let box = (2 * reach.x.rounded(.down) + 3) * (2 * reach.y.rounded(.down) + 3) * (2 * reach.z.rounded(.down) + 3)
        let estimate = 0.5 * 4 / 3 * Double.pi * pow(cutoff / (2 * Double.pi), 3) * volume
        let limit = Double(DescriptorLimits.ewaldReciprocalVectors)
        guard estimate <= limit, box <= 64 * limit else {
            throw .invalidSetting(
                name: "g_cut", value: "\(cutoff) Å⁻¹",
                hint: "structure \(index) would sum about \(max(estimate, box / 64)) reciprocal vectors, more than "
                    + "\(DescriptorLimits.ewaldReciprocalVectors); lower g_cut (or raise accuracy)")
        }
        let bound = SIMD3<Int>(Int(reach.x) + 1, Int(reach.y) + 1, Int(reach.z) + 1)
        var out = [SIMD3<Double>]()
        for n0 in 0...bound.x {
            for n1 in (n0 == 0 ? 0 : -bound.y)...bound.y {
                for n2 in (n0 == 0 && n1 == 0 ? 1 : -bound.z)...bound.z {
                    let g = reciprocalLattice.leftMultiply(SIMD3(Double(n0), Double(n1), Double(n2)))
                    if dot(g, g) <= cutoff * cutoff { out.append(g) }
                }
            }
        }
        return out
    }

    /// total += part, element by element.
    private static func accumulate(_ total: inout [Double], _ part: Matrix) {
        for p in total.indices { total[p] += part.elements[p] }
    }
}
