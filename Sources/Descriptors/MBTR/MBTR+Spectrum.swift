import Atoms
import Foundation

extension MBTR {
    /// One structure's row and, with `gradients`, its derivative blocks (atom by atom, 3 × `layout.count` each: the x,
    /// y and z rows of the features `layout` holds), normalized.
    func spectrum(_ structure: Structure, index: Int, gradients: Bool) throws(DescriptorError)
        -> (row: [Double], blocks: [Double], layout: MBTRBlockLayout)
    {
        var s = structure
        if !periodic {
            s.pbc = .none
            s.cell = .empty
        }
        do { try s.validate() } catch { throw .geometry(structure: index, error) }
        var speciesOf = [Int]()
        speciesOf.reserveCapacity(s.count)
        for (atom, z) in s.atomicNumbers.enumerated() {
            guard z < speciesIndex.count, speciesIndex[z] >= 0 else {
                throw .unknownSpecies(structure: index, atom: atom, atomicNumber: z, known: species)
            }
            speciesOf.append(speciesIndex[z])
        }
        // Unit-peak Gaussians and the n_atoms normalization are constant factors: applied to each contribution
        // rather than in passes over the row and blocks afterwards.
        let peak = normalizeGaussians ? 1 : grid.sigma * (2 * Double.pi).squareRoot()
        let perAtom = normalization == .nAtoms && s.count > 0 ? 1 / Double(s.count) : 1
        var present = [Bool](repeating: false, count: species.count)
        for k in speciesOf { present[k] = true }
        var sum = SpectrumSum(
            grid: grid, features: numberOfFeatures, atoms: gradients ? s.count : 0, scale: peak * perAtom,
            layout: blockLayout(present: present))
        switch geometry.degree {
        case 1:
            for (atom, z) in s.atomicNumbers.enumerated() { sum.add(speciesOf[atom], value: Double(z), weight: 1) }
        case 2: try addPairs(s, index: index, speciesOf: speciesOf, to: &sum)
        default: try addTriplets(s, index: index, speciesOf: speciesOf, to: &sum)
        }
        try normalize(&sum.row, &sum.blocks, layout: sum.layout, structure: s, index: index)
        return (sum.row, sum.blocks, sum.layout)
    }

    /// The combinations of the species `present` (k1's blocks hold nothing: atom counts do not move).
    private func blockLayout(present: [Bool]) -> MBTRBlockLayout {
        let p = present.indices.filter { present[$0] }
        var held = [Int]()
        switch geometry.degree {
        case 1: break
        case 2: for a in p { for c in p where c >= a { held.append(tuple(a, c)) } }
        default: for b in p { for a in p { for c in p where c >= a { held.append(tuple(a, b, c)) } } }
        }
        return MBTRBlockLayout(held: held, width: grid.n, combinations: numberOfFeatures / grid.n)
    }

    /// Pairs closer than the weighting's range (every pair with unity weighting), each periodic pair once.
    private func addPairs(_ s: Structure, index: Int, speciesOf: [Int], to sum: inout SpectrumSum) throws(DescriptorError) {
        let list = try neighbors(s, index: index, kind: .half)
        let gradients = sum.hasBlocks
        for i in 0..<s.count {
            for p in list.pairs(of: i) {
                let j = Int(list.neighbors[p]), d = list.distances[p], r = list.vectors[p]
                guard d > 0 else { throw .overlappingAtoms(structure: index, first: min(i, j), second: max(i, j)) }
                guard let weighted = weighting.pair(d) else { continue }
                let (w, slope) = weighted
                let (mu, gradient) = geometry.pair(r, d)
                let m = tuple(speciesOf[i], speciesOf[j])
                // An atom paired with its own image does not move the pair.
                if gradients, i != j {
                    let wj = slope / d * r
                    sum.add(m, value: mu, weight: w, Leg(j, gradient, wj), Leg(i, -gradient, -wj))
                } else {
                    sum.add(m, value: mu, weight: w)
                }
            }
        }
    }

    /// Triplets (i, j, k) with j in the middle, i ≠ k, legs within the weighting's range (all with unity
    /// weighting); each periodic triplet once, its middle atom in the cell.
    private func addTriplets(_ s: Structure, index: Int, speciesOf: [Int], to sum: inout SpectrumSum) throws(DescriptorError) {
        let list = try neighbors(s, index: index, kind: .full)
        let gradients = sum.hasBlocks
        for j in 0..<s.count {
            let pairs = list.pairs(of: j)
            for p in pairs {
                let i = Int(list.neighbors[p]), u = list.vectors[p], du = list.distances[p]
                guard du > 0 else { throw .overlappingAtoms(structure: index, first: min(i, j), second: max(i, j)) }
                for q in (p + 1)..<pairs.upperBound {
                    let k = Int(list.neighbors[q]), v = list.vectors[q], dv = list.distances[q]
                    let e = v - u
                    let dw = (e * e).sum().squareRoot()
                    guard dw > 0 else { throw .overlappingAtoms(structure: index, first: min(i, k), second: max(i, k)) }
                    guard let weighted = weighting.triplet(du, dv, dw) else { continue }
                    let (w, slopes) = weighted
                    let (mu, gi, gk) = geometry.triplet(u, v, du, dv)
                    let m = tuple(speciesOf[i], speciesOf[j], speciesOf[k])
                    if gradients {
                        let wi = slopes.x / du * u - slopes.z / dw * e
                        let wk = slopes.y / dv * v + slopes.z / dw * e
                        sum.add(m, value: mu, weight: w, Leg(i, gi, wi), Leg(k, gk, wk), Leg(j, -(gi + gk), -(wi + wk)))
                    } else {
                        sum.add(m, value: mu, weight: w)
                    }
                }
            }
        }
    }

    /// The neighbor list within the weighting's range; with unity weighting (molecules only) one that holds
    /// every pair.
    private func neighbors(_ s: Structure, index: Int, kind: NeighborList.Kind) throws(DescriptorError) -> NeighborList {
        var cutoff = weighting.range(degree: geometry.degree) ?? 1
        if weighting == .unity, let first = s.positions.first {
            let low = s.positions.reduce(first) { pointwiseMin($0, $1) }
            let high = s.positions.reduce(first) { pointwiseMax($0, $1) }
            let extent = high - low
            cutoff = (extent * extent).sum().squareRoot() + 1
        }
        do { return try NeighborList(s, cutoff: cutoff, kind: kind, threads: 1) } catch {
            throw .geometry(structure: index, error)
        }
    }
}
