import Support
import TestSupport
import Testing

@testable import Atoms

/// A pair as a comparable key: center, neighbor, image shift.
private struct PairKey: Hashable, Comparable {
    let i: Int, j: Int, s: [Int]
    static func < (a: PairKey, b: PairKey) -> Bool { (a.i, a.j, a.s[0], a.s[1], a.s[2]) < (b.i, b.j, b.s[0], b.s[1], b.s[2]) }
}

/// Pairs of `list` with their distances.
private func pairs(_ list: NeighborList) -> [PairKey: Double] {
    var out = [PairKey: Double]()
    let centers = list.centers
    for p in 0..<list.pairCount {
        let s = list.shifts[p]
        out[PairKey(i: Int(centers[p]), j: Int(list.neighbors[p]), s: [Int(s.x), Int(s.y), Int(s.z)])] = list.distances[p]
    }
    return out
}

/// Every pair closer than `cutoff`, by looping over all atom pairs and enough images.
private func bruteForce(_ s: Structure, cutoff: Double) -> [PairKey: Double] {
    let widths = s.cell.perpendicularWidths
    var range = [0...0, 0...0, 0...0]
    for axis in 0..<3 where s.pbc[axis] {
        // Positions may lie outside the cell: allow for their spread too.
        let n = Int((cutoff / widths[axis]).rounded(.up)) + 3
        range[axis] = -n...n
    }
    var out = [PairKey: Double]()
    for i in 0..<s.count {
        for j in 0..<s.count {
            for a in range[0] {
                for b in range[1] {
                    for c in range[2] {
                        if i == j && a == 0 && b == 0 && c == 0 { continue }
                        let d = s.positions[j] - s.positions[i] + s.cell.cartesian(SIMD3(Double(a), Double(b), Double(c)))
                        if norm(d) < cutoff { out[PairKey(i: i, j: j, s: [a, b, c])] = norm(d) }
                    }
                }
            }
        }
    }
    return out
}

/// Expects `list` to hold the brute-force pairs of `s` within `cutoff`, with their distances, and its stored vectors
/// to be r_j − r_i + S·cell.
private func expectBruteForcePairs(_ list: NeighborList, of s: Structure, cutoff: Double, _ label: String) {
    let mine = pairs(list), expected = bruteForce(s, cutoff: cutoff)
    #expect(Set(mine.keys) == Set(expected.keys), "\(label): \(mine.count) vs \(expected.count)")
    for (key, d) in expected { #expect(abs((mine[key] ?? .nan) - d) < 1e-12) }
    let centers = list.centers
    for p in 0..<list.pairCount {
        let sh = list.shifts[p]
        let d =
            s.positions[Int(list.neighbors[p])] - s.positions[Int(centers[p])]
            + s.cell.cartesian(SIMD3(Double(sh.x), Double(sh.y), Double(sh.z)))
        #expect(norm(d - list.vectors[p]) < 1e-12)
    }
}

@Suite("Neighbor lists")
struct NeighborListTests {
    private struct ASECase: Decodable {
        struct Pairs: Decodable {
            let i: [Int], j: [Int], S: [[Int]], d: [Double]
        }
        let name: String
        let structure: StructureFixture
        let cutoff: Double
        let pairs: Pairs
    }

    private struct ASEFile: Decodable { let cases: [ASECase] }

    @Test func matchesASE() throws {
        let file = try Fixtures.load(ASEFile.self, "neighbors_ase.json")
        #expect(file.cases.count == 6)
        for c in file.cases {
            let list = try NeighborList(c.structure.structure, cutoff: c.cutoff)
            let mine = pairs(list)
            var theirs = [PairKey: Double]()
            for k in c.pairs.i.indices { theirs[PairKey(i: c.pairs.i[k], j: c.pairs.j[k], s: c.pairs.S[k])] = c.pairs.d[k] }
            #expect(Set(mine.keys) == Set(theirs.keys), "\(c.name): \(mine.count) pairs vs ASE \(theirs.count)")
            for (key, d) in theirs { #expect(abs((mine[key] ?? .nan) - d) < 1e-12, "\(c.name) \(key)") }
        }
    }

    @Test func siliconPrimitiveCellListsEveryImage() throws {
        let si = Crystal.diamond.structure([14], a: 5.43)
        let list = try NeighborList(si, cutoff: 6.0)
        // Diamond shells within 6 Å: 4 + 12 + 12 + 6 + 12 neighbors per atom.
        #expect(list.pairCount == 2 * 46)
        #expect(list.pairs(of: 0).count == 46)
        #expect(try NeighborList(si, cutoff: 6.0, kind: .half).pairCount == 46)
    }

    @Test(arguments: 0..<24)
    func agreesWithBruteForceOnRandomTriclinicCells(seed: Int) throws {
        var rng = SeededGenerator(seed: UInt64(1000 + seed))
        let pbc = Periodicity(seed % 2 == 0, seed % 3 != 0, seed % 4 < 2)
        let small = seed % 3 == 0
        let cell = RandomStructures.triclinicCell(lengths: small ? 2.0...3.5 : 5.0...9.0, rng: &rng)
        let s = RandomStructures.atoms(
            count: small ? 3 : 14, cell: cell, pbc: pbc, elements: [1, 8], spill: 0.4, minimumDistance: 0.5, rng: &rng)
        let cutoff = small ? 4.7 : 3.9
        let list = try NeighborList(s, cutoff: cutoff, threads: 2)
        expectBruteForcePairs(list, of: s, cutoff: cutoff, "seed \(seed)")
    }

    /// Cutoffs much shorter than the spacing of the atoms cap the number of bins; the pairs stay exact.
    @Test(arguments: [0.6, 1.2, 2.0])
    func shortCutoffsAgreeWithBruteForce(cutoff: Double) throws {
        var rng = SeededGenerator(seed: 77)
        let cell = RandomStructures.triclinicCell(lengths: 9...11, rng: &rng)
        let s = RandomStructures.atoms(
            count: 40, cell: cell, pbc: Periodicity(true, true, false), elements: [14],
            spill: 0.2, minimumDistance: 0.5, rng: &rng)
        let mine = pairs(try NeighborList(s, cutoff: cutoff)), expected = bruteForce(s, cutoff: cutoff)
        #expect(Set(mine.keys) == Set(expected.keys))
        #expect(!expected.isEmpty || cutoff < 1)
    }

    /// One grid search that finds many times the pairs its `PairBuffer` holds (appended to the list a buffer at a
    /// time): every pair, with its vector, in each center's run.
    @Test func searchesLongerThanTheirPairBufferKeepEveryPair() throws {
        var rng = SeededGenerator(seed: 48)
        let cell = RandomStructures.triclinicCell(lengths: 9...10, rng: &rng)
        let s = RandomStructures.atoms(
            count: 60, cell: cell, pbc: .all, elements: [14], spill: 0.3, minimumDistance: 1.0, rng: &rng)
        let cutoff = 10.0
        let list = try NeighborList(s, cutoff: cutoff, threads: 1)
        #expect(list.pairCount > 3 * 4096 && pairs(list).count == list.pairCount)
        expectBruteForcePairs(list, of: s, cutoff: cutoff, "60 atoms")
    }

    /// A small molecule's pairs are found by comparing every pair (`DirectPairSearch`), a larger one's on the grid:
    /// the same pairs with the same vectors, full and half lists.
    @Test(arguments: [NeighborList.Kind.full, .half])
    func smallMoleculesGiveTheGridsPairs(kind: NeighborList.Kind) throws {
        var rng = SeededGenerator(seed: 21)
        let cell = RandomStructures.triclinicCell(lengths: 7...9, rng: &rng)
        let s = RandomStructures.atoms(
            count: DirectPairSearch.largestMolecule, cell: cell, pbc: .none, elements: [6, 8], spill: 0,
            minimumDistance: 0.7, rng: &rng)
        #expect(DirectPairSearch(s, cutoff: 3.2) != nil)
        // One more atom, far away: the grid, and no pair of the first atoms changes.
        var larger = s
        larger.atomicNumbers.append(1)
        larger.positions.append(SIMD3(100, 100, 100))
        #expect(DirectPairSearch(larger, cutoff: 3.2) == nil)
        let direct = try NeighborList(s, cutoff: 3.2, kind: kind), grid = try NeighborList(larger, cutoff: 3.2, kind: kind)
        #expect(direct.pairCount > 2 * s.count && direct.pairCount == grid.pairCount)
        #expect(pairs(direct) == pairs(grid))
        let expected = bruteForce(s, cutoff: 3.2).filter { kind == .full || $0.key.i < $0.key.j }
        #expect(Set(pairs(direct).keys) == Set(expected.keys))
        var vectors = [PairKey: SIMD3<Double>]()
        for (list, expected) in [(direct, false), (grid, true)] {
            let centers = list.centers
            for p in 0..<list.pairCount {
                let key = PairKey(i: Int(centers[p]), j: Int(list.neighbors[p]), s: [0, 0, 0])
                if expected { #expect(vectors[key] == list.vectors[p]) } else { vectors[key] = list.vectors[p] }
            }
        }
    }

    /// A small periodic cell's pairs are found over every lattice translation that can reach (`DirectPairSearch`):
    /// the grid's pairs, shifts and vectors, full and half lists, for triclinic cells thinner than the cutoff,
    /// atoms outside the cell and a slab, each center's listed atom by atom (an atom's images consecutive, as SOAP's
    /// slot sums read them); a larger cell goes to the grid.
    @Test(arguments: [NeighborList.Kind.full, .half])
    func smallCellsGiveTheGridsPairs(kind: NeighborList.Kind) throws {
        var rng = SeededGenerator(seed: 5)
        let half = kind == .half
        let cutoff = 5.2
        for (count, lengths, pbc, spill) in [
            (1, 3.0...3.6, Periodicity.all, 0.0), (2, 3.5...4.5, .all, 0.6), (5, 4.0...6.0, .all, 0.3),
            (3, 3.0...4.0, Periodicity(true, true, false), 0.4)
        ] {
            let cell = RandomStructures.triclinicCell(lengths: lengths, rng: &rng)
            let s = RandomStructures.atoms(
                count: count, cell: cell, pbc: pbc, elements: [14], spill: spill, minimumDistance: 0.7, rng: &rng)
            let search = try #require(DirectPairSearch(s, cutoff: cutoff))
            let direct = search.pairs(centers: 0..<s.count, structure: s, cutoff: cutoff, half: half)
            let grid = try CellGrid(s, cutoff: cutoff).pairs(centers: 0..<s.count, structure: s, cutoff: cutoff, half: half)
            func keyed(_ chunk: PairChunk) -> [PairKey: SIMD3<Double>] {
                var out = [PairKey: SIMD3<Double>]()
                for i in 0..<s.count {
                    for p in chunk.offsets[i]..<chunk.offsets[i + 1] {
                        let shift = chunk.shifts[p]
                        out[PairKey(i: i, j: Int(chunk.neighbors[p]), s: [Int(shift.x), Int(shift.y), Int(shift.z)])] =
                            chunk.vectors[p]
                    }
                }
                return out
            }
            let found = keyed(direct), expected = keyed(grid)
            #expect(found.count == direct.neighbors.count && found.count > 5 * s.count)
            for i in 0..<s.count {
                let atoms = direct.neighbors[direct.offsets[i]..<direct.offsets[i + 1]]
                #expect(zip(atoms, atoms.dropFirst()).allSatisfy { $0 <= $1 }, "center \(i): images of an atom apart")
            }
            #expect(Set(found.keys) == Set(expected.keys), "\(count) atoms, \(pbc)")
            #expect(found.allSatisfy { key, d in norm(d - expected[key]!) < 1e-12 })
            let brute = bruteForce(s, cutoff: cutoff).filter {
                !half || $0.key.i < $0.key.j || ($0.key.i == $0.key.j && [0, 0, 0].lexicographicallyPrecedes($0.key.s))
            }
            #expect(Set(found.keys) == Set(brute.keys))
        }
        // Many atoms in a cell: the grid.
        let cell = RandomStructures.triclinicCell(lengths: 8...9, rng: &rng)
        let large = RandomStructures.atoms(count: 40, cell: cell, pbc: .all, elements: [14], rng: &rng)
        #expect(DirectPairSearch(large, cutoff: cutoff) == nil)
    }

    @Test func halfListHoldsEachPairOnce() throws {
        var rng = SeededGenerator(seed: 7)
        let cell = RandomStructures.triclinicCell(lengths: 4...6, rng: &rng)
        let s = RandomStructures.atoms(count: 10, cell: cell, pbc: .all, elements: [14], rng: &rng)
        let full = pairs(try NeighborList(s, cutoff: 5))
        let half = pairs(try NeighborList(s, cutoff: 5, kind: .half))
        #expect(half.count * 2 == full.count)
        var rebuilt = half
        for (k, d) in half { rebuilt[PairKey(i: k.j, j: k.i, s: k.s.map { -$0 })] = d }
        #expect(rebuilt == full)
    }

    @Test func translationAndWrappingLeaveDistancesUnchanged() throws {
        var rng = SeededGenerator(seed: 8)
        let cell = RandomStructures.triclinicCell(lengths: 5...7, rng: &rng)
        let s = RandomStructures.atoms(count: 12, cell: cell, pbc: .all, elements: [6], rng: &rng)
        var moved = s
        for i in 0..<s.count {
            moved.positions[i] += SIMD3(13.7, -250.1, 0.3) + cell.cartesian(SIMD3(Double(i % 3) - 1, 2, -Double(i % 2)))
        }
        let a = try NeighborList(s, cutoff: 4.5).distances.sorted()
        let b = try NeighborList(moved, cutoff: 4.5).distances.sorted()
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    /// 512 atoms: two workers search 256 centers each, and their pairs joined are the one worker's list.
    @Test func threadCountDoesNotChangeTheList() throws {
        let s = Crystal.diamond.structure([14], a: 5.43, cubic: true).repeated(SIMD3(4, 4, 4)).rattled(stdev: 0.1, seed: 3)
        let one = try NeighborList(s, cutoff: 5, threads: 1)
        let two = try NeighborList(s, cutoff: 5, threads: 2)
        #expect(s.count == 512 && one.pairCount > 0)
        #expect(one.offsets == two.offsets && one.neighbors == two.neighbors && one.shifts == two.shifts)
        #expect(one.vectors == two.vectors)
    }

    /// Large lists are built in arrays kept from earlier lists (`PairArrays`): an array a caller still holds keeps its
    /// values when a later search reuses its storage, and a list built in reused arrays, by one worker or joined from
    /// two, is the list built afresh.
    @Test func reusedPairArraysLeaveHeldArraysIntact() throws {
        let s = Crystal.diamond.structure([14], a: 5.43, cubic: true).repeated(SIMD3(8, 8, 8)).rattled(stdev: 0.1, seed: 4)
        let other = s.rattled(stdev: 0.1, seed: 5)
        var held: (neighbors: [Int32], vectors: [SIMD3<Double>])? = nil
        var copied: (neighbors: [Int32], vectors: [SIMD3<Double>])? = nil
        do {
            let list = try NeighborList(s, cutoff: 4, threads: 1)
            #expect(list.pairCount >= PairArrays.smallest)
            held = (list.neighbors, list.vectors)
            copied = (list.neighbors.map { $0 }, list.vectors.map { $0 })
        }
        for threads in [1, 2, 1] {
            let again = try NeighborList(other, cutoff: 4, threads: threads)
            #expect(held!.neighbors == copied!.neighbors && held!.vectors == copied!.vectors)
            let fresh = try NeighborList(s, cutoff: 4, threads: threads)
            #expect(fresh.neighbors == copied!.neighbors && fresh.vectors == copied!.vectors)
            #expect(again.pairCount > 0 && again.vectors != fresh.vectors)
        }
    }

    @Test func moleculeFarFromOriginAndEmptyStructure() throws {
        let s = Structure(
            atomicNumbers: [8, 1, 1],
            positions: [SIMD3(1e4, 1e4, 1e4), SIMD3(1e4 + 0.96, 1e4, 1e4), SIMD3(1e4 - 0.24, 1e4 + 0.93, 1e4)])
        #expect(try NeighborList(s, cutoff: 1.2).pairCount == 4)
        #expect(try NeighborList(Structure(atomicNumbers: [], positions: []), cutoff: 3).pairCount == 0)
    }

    /// Candidates are screened in the home cell, but r_j − r_i + S·cell alone decides, however far outside the
    /// cell the atoms sit: a pair exactly at the cutoff is left out, and one a rounding step closer is listed.
    @Test func pairsAtTheCutoffAreDecidedByTheStoredVector() throws {
        let a = 4.0
        let s = Structure(
            atomicNumbers: [14, 14], positions: [SIMD3(-4000, 0.25, 0.5), SIMD3(4001.5, 0.25, 0.5)],
            cell: Cell(Matrix3(SIMD3(a, 0, 0), SIMD3(0, a, 0), SIMD3(0, 0, a))), pbc: .all)
        // Atom 1 sits 1.5 Å past atom 0's image 2000 cells away: D = (1.5, 0, 0) exactly.
        let at = try NeighborList(s, cutoff: 1.5)
        #expect(!pairs(at).keys.contains(PairKey(i: 0, j: 1, s: [-2000, 0, 0])))
        let past = try NeighborList(s, cutoff: 1.5.nextUp)
        #expect(pairs(past)[PairKey(i: 0, j: 1, s: [-2000, 0, 0])] == 1.5)
        #expect(pairs(past)[PairKey(i: 1, j: 0, s: [2000, 0, 0])] == 1.5)
    }

    /// Fuzz regression (FuzzPairTable): a cutoff near the largest Double made the cell grid's neighbor-count
    /// estimate ∞/∞ = NaN, and converting it to Int trapped.
    @Test func astronomicalCutoffDoesNotTrap() throws {
        let s = Structure(atomicNumbers: [1, 2, 1], positions: [.zero, SIMD3(1e100, 0, 0), SIMD3(2.5e100, 1e99, 0)])
        #expect(try NeighborList(s, cutoff: 1e308, kind: .half).pairCount == 3)
        #expect(try NeighborList(s, cutoff: .greatestFiniteMagnitude).pairCount == 6)
        // Distances whose squares overflow are not listed, but nothing traps.
        var far = s
        far.positions = [.zero, SIMD3(0.5e308, 0, 0), SIMD3(1.25e308, 0.05e308, 0)]
        _ = try NeighborList(far, cutoff: 1e308)
    }

    @Test func badGeometryIsATypedError() throws {
        let good = Crystal.fcc.structure([29], a: 3.6)
        #expect(throws: GeometryError.invalidCutoff(0)) { try NeighborList(good, cutoff: 0) }
        #expect(throws: GeometryError.invalidCutoff(-1)) { try NeighborList(good, cutoff: -1) }
        #expect(throws: GeometryError.self) { try NeighborList(good, cutoff: .nan) }
        var nan = good
        nan.positions[0].y = .nan
        #expect(throws: GeometryError.nonFinitePosition(atom: 0)) { try NeighborList(nan, cutoff: 3) }
        var flat = good
        flat.cell = Cell(SIMD3(1, 0, 0), SIMD3(2, 0, 0), SIMD3(0, 0, 1))
        #expect { try NeighborList(flat, cutoff: 3) } throws: { error in
            if case .singularCell = error as? GeometryError { return true }
            return false
        }
        var missing = good
        missing.cell = Cell(SIMD3(1, 0, 0), .zero, SIMD3(0, 0, 1))
        #expect(throws: GeometryError.periodicAlongZeroVector(axis: 1)) { try NeighborList(missing, cutoff: 3) }
        var needle = good
        needle.cell = Cell(SIMD3(1e-4, 0, 0), SIMD3(0, 3, 0), SIMD3(0, 0, 3))
        #expect { try NeighborList(needle, cutoff: 5) } throws: { error in
            if case .tooManyImages = error as? GeometryError { return true }
            return false
        }
        var unknown = good
        unknown.atomicNumbers[0] = 200
        #expect(throws: GeometryError.unknownElement(atom: 0, atomicNumber: 200)) { try NeighborList(unknown, cutoff: 3) }
    }

    @Test func leftHandedCellsWork() throws {
        let right = Crystal.diamond.structure([14], a: 5.43, cubic: true).rattled(stdev: 0.05, seed: 1)
        var left = right
        left.cell = Cell(right.cell[1], right.cell[0], right.cell[2])
        #expect(left.cell.signedVolume < 0)
        let a = try NeighborList(right, cutoff: 4).distances.sorted()
        let b = try NeighborList(left, cutoff: 4).distances.sorted()
        #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < 1e-12 })
    }
}

/// A list of some centers only holds exactly the full list's pairs of those centers.
@Suite("Neighbor lists of some centers")
struct NeighborListCentersTests {
    @Test func pairsOfSomeCentersMatchTheFullList() throws {
        var rng = SeededGenerator(seed: 5)
        let cell = RandomStructures.triclinicCell(lengths: 4...6, rng: &rng)
        let s = RandomStructures.atoms(count: 20, cell: cell, pbc: .all, elements: [14], minimumDistance: 1.0, rng: &rng)
        let full = try NeighborList(s, cutoff: 4.5)
        let some = try NeighborList(s, cutoff: 4.5, centers: [7, 2, 2, 19, 40])
        for i in 0..<s.count {
            let expected = [2, 7, 19].contains(i) ? full.pairs(of: i).count : 0
            #expect(some.pairs(of: i).count == expected)
            guard expected > 0 else { continue }
            for (p, q) in zip(some.pairs(of: i), full.pairs(of: i)) {
                #expect(some.neighbors[p] == full.neighbors[q] && some.shifts[p] == full.shifts[q])
                #expect(some.vectors[p] == full.vectors[q])
            }
        }
    }
}
