import Atoms
import Testing

@testable import Descriptors

/// Derivative blocks stored in the features their atom can change (and rank-one terms for the normalised
/// QUIP layout) expand to the blocks the dense storage computes, and take no more memory than they need.
@Suite("SOAP sparse derivative blocks")
struct SOAPSparseBlockTests {
    /// Three species in a periodic cell smaller than the cutoff (every species near every center).
    static let ternary: Structure = {
        var s = Crystal.diamond.structure([14], a: 4.36, cubic: true).rattled(stdev: 0.08, seed: 21)
        s.atomicNumbers = [14, 6, 7, 14, 6, 7, 14, 6]
        return s
    }()
    /// Four species on a rattled rocksalt cell.
    static let quaternary: Structure = {
        var s = Crystal.rocksalt.structure([11, 17], a: 5.6, cubic: true).rattled(stdev: 0.1, seed: 22)
        s.atomicNumbers = [11, 17, 19, 35, 11, 35, 19, 17]
        return s
    }()
    static let ethanol = Structure(
        atomicNumbers: [6, 6, 8, 1, 1, 1, 1, 1, 1],
        positions: [
            SIMD3(1.1879, -0.3829, 0), SIMD3(0, 0.5526, 0.05), SIMD3(-1.1867, -0.2472, -0.03),
            SIMD3(-1.9237, 0.3990, 0.02), SIMD3(2.0985, 0.2306, 0.01), SIMD3(1.1184, -1.0093, 0.8869),
            SIMD3(1.1184, -1.0093, -0.8869), SIMD3(-0.0227, 1.1812, 0.8852), SIMD3(0.0227, 1.1812, -0.8852)
        ])

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let soap: @Sendable () throws -> SOAP
        let structure: Structure
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "DScribe, 3 species, cell smaller than the cutoff",
            soap: { try .dscribe(species: [6, 7, 14], cutoff: 4.5, nMax: 3, lMax: 3, atomSigma: 0.5) },
            structure: ternary),
        Case(
            name: "QUIP, 3 species, cell smaller than the cutoff",
            soap: { try .quip(cutoff: 4.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [6, 7, 14]) },
            structure: ternary),
        Case(
            name: "DScribe, 4 species",
            soap: { try .dscribe(species: [11, 17, 19, 35], cutoff: 4, nMax: 2, lMax: 2, atomSigma: 0.6) },
            structure: quaternary),
        Case(
            name: "QUIP, 4 species, central weight 0.5 in every channel",
            soap: {
                try .quip(
                    cutoff: 4, nMax: 2, lMax: 2, atomSigma: 0.6, centralWeight: 0.5, speciesZ: [11, 17, 19, 35],
                    centralReferenceAllSpecies: true)
            }, structure: quaternary),
        Case(
            name: "DScribe molecule, crossover compression",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, compression: .crossover, periodic: false)
            }, structure: ethanol)
    ]

    /// Both storages of the same computation, from one preparation.
    static func storages(
        _ soap: SOAP, _ s: Structure, centers: [[SOAP.Center]]? = nil, attach: Bool = true, strain: Bool = false
    ) throws -> (sparse: SparseDerivatives, dense: SparseDerivatives, rows: DescriptorRows) {
        let prepared = try soap.prepareAll([s], centers: centers, attach: attach, gradients: true, threads: 1)
        let sparse = soap.compute(prepared, gradients: true, strain: strain, threads: 1)
        let dense = soap.compute(prepared, gradients: true, strain: strain, threads: 1, sparseBlocks: false)
        #expect(sparse.rows == dense.rows)
        return (sparse.derivatives, dense.derivatives, sparse.rows)
    }

    /// Largest difference of any expanded block from its dense twin, relative to the largest entry.
    static func worstDifference(_ a: SparseDerivatives, _ b: SparseDerivatives) -> Double {
        #expect(a.row == b.row && a.atom == b.atom)
        var worst = 0.0, scale = 0.0
        for k in 0..<a.count {
            let x = a.block(k), y = b.block(k)
            scale = max(scale, y.map(abs).max() ?? 0)
            worst = max(worst, zip(x, y).map { abs($0 - $1) }.max() ?? 0)
        }
        return worst / max(scale, .leastNormalMagnitude)
    }

    @Test("expanded blocks equal the dense ones", arguments: cases)
    func expandedEqualsDense(_ c: Case) throws {
        let soap = try c.soap()
        let (sparse, dense, _) = try Self.storages(soap, c.structure, strain: c.structure.pbc.isAnyPeriodic)
        #expect(sparse.pattern.count == sparse.count && sparse.start.count == sparse.count + 1)
        #expect(dense.pattern.isEmpty && dense.rankOne == nil)
        #expect(Self.worstDifference(sparse, dense) < 1e-13)
        #expect(sparse.strain == dense.strain)
    }

    /// Workspaces are kept between calls: after a larger structure with more species near each center has
    /// grown them, a call gives a fresh SOAP's numbers: nothing of the last call leaks in (which would show at the
    /// size of the entries), to 1e-10 of the largest entry, not bit for bit, since OpenBLAS's small kernels may
    /// round differently at other buffer addresses (3.6e-12 seen once in a full test run).
    @Test("a SOAP reused after a larger structure gives a fresh SOAP's numbers", arguments: cases)
    func reuseAfterLargerStructure(_ c: Case) throws {
        let reused = try c.soap()
        let s = c.structure, periodic = s.pbc.isAnyPeriodic
        let larger =
            periodic
            ? s.repeated(SIMD3(2, 2, 1))
            : Structure(
                atomicNumbers: s.atomicNumbers + s.atomicNumbers,
                positions: s.positions + s.positions.map { $0 + SIMD3(2.5, 0.3, 0) })
        _ = try reused.derivatives([larger], strain: periodic, threads: 1)
        let small = Structure(atomicNumbers: Array(s.atomicNumbers.prefix(3)), positions: Array(s.positions.prefix(3)))
        for t in [s, small] {
            let again = try reused.derivatives([t], strain: false, threads: 1)
            let fresh = try c.soap().derivatives([t], strain: false, threads: 1)
            let rows = zip(again.descriptors.values, fresh.descriptors.values).map { abs($0 - $1) }.max() ?? 0
            #expect(again.descriptors.count == fresh.descriptors.count && rows < 1e-10)
            #expect(again.derivatives.pattern == fresh.derivatives.pattern)
            #expect(Self.worstDifference(again.derivatives, fresh.derivatives) < 1e-10)
        }
    }

    @Test("point centers and fixed atom centers expand to the dense blocks")
    func fixedCenters() throws {
        let soap = try SOAP.dscribe(species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, periodic: false)
        let centers: [[SOAP.Center]] = [[.atom(0), .point(SIMD3(0.3, 0.2, -0.1)), .atom(4), .point(Self.ethanol.positions[2])]]
        let (sparse, dense, _) = try Self.storages(soap, Self.ethanol, centers: centers, attach: false)
        #expect(Self.worstDifference(sparse, dense) < 1e-13)
    }

    @Test("stored memory is within 10 % of the non-zero features, 3 species")
    func memory() throws {
        let soap = try SOAP.dscribe(species: [6, 7, 14], cutoff: 4.5, nMax: 4, lMax: 4, atomSigma: 0.5)
        let (sparse, dense, _) = try Self.storages(soap, Self.ternary)
        var need = 0
        for k in 0..<dense.count {
            let block = dense.block(k), D = dense.featureCount
            need += 3 * (0..<D).filter { block[$0] != 0 || block[D + $0] != 0 || block[2 * D + $0] != 0 }.count
        }
        #expect(sparse.storedDoubles >= need)
        #expect(Double(sparse.storedDoubles) <= 1.1 * Double(need))
        #expect(Double(sparse.storedDoubles) < 0.6 * Double(dense.storedDoubles))
    }

    @Test("normalised QUIP blocks: sparse part plus rank-one terms take well under the dense blocks, 3 species")
    func quipMemory() throws {
        let soap = try SOAP.quip(cutoff: 4.5, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [6, 7, 14])
        let (sparse, dense, rows) = try Self.storages(soap, Self.ternary)
        let rankOne = try #require(sparse.rankOne)
        #expect(rankOne.vectors == rows.values)
        #expect(rankOne.coefficients.count == 3 * sparse.count)
        let extra = rankOne.coefficients.count
        #expect(Double(sparse.values.count + extra) < 0.7 * Double(dense.values.count))
    }

    @Test("a dense block appended to sparse storage reads back")
    func appendDense() throws {
        let soap = try SOAP.quip(cutoff: 4.5, nMax: 2, lMax: 2, atomSigma: 0.5, speciesZ: [6, 7, 14])
        var (sparse, _, _) = try Self.storages(soap, Self.ternary)
        let D = sparse.featureCount
        let block = (0..<(3 * D)).map { Double($0) }
        sparse.append(row: 0, atom: 3, dense: block)
        #expect(Array(sparse.block(sparse.count - 1)) == block)
        #expect(sparse.start.last == sparse.values.count)
    }

    /// QUIP's layout (every l of a channel pair together, l fastest) lets a slot of one pair form its block group by
    /// group, for every pattern of a species and with one species, and each group covers its l_max + 1 features;
    /// DScribe's (n′ fastest) does not, nor the products of every channel of several species (the strain's).
    @Test("the features of QUIP's layout form groups over l, DScribe's do not", arguments: [4, 1])
    func featureGroups(lMax: Int) throws {
        let quip = try SOAP.quip(cutoff: 4, nMax: 3, lMax: lMax, atomSigma: 0.5, speciesZ: [6, 7, 14]).engine
        let single = try SOAP.quip(cutoff: 4, nMax: 3, lMax: lMax, atomSigma: 0.5, speciesZ: [14]).engine
        let L = lMax + 1
        // A term's factor row, k (n_max + 1) + n with n_max = 3, from its offset (row · 2W), and a partner's channel
        // from its offset (channel · 4W).
        let W = SIMD8<Double>.scalarCount
        func n(_ offset: Int32) -> Int { Int(offset) / (2 * W) % 4 }
        func kind(_ offset: Int32) -> Int { Int(offset) / (2 * W) / 4 }
        func channel(_ offset: Int32) -> Int? { Int(offset) % (4 * W) == 0 ? Int(offset) / (4 * W) : nil }
        #expect(quip.gathers[0].groups == nil)
        // (Each table with its engine's channel count.)
        let tables = (quip.gathers.dropFirst() + quip.speciesGathers).map { ($0, 9) } + single.gathers.map { ($0, 3) }
        for (gather, channels) in tables {
            let groups = try #require(gather.groups)
            #expect(groups.list.count * L + groups.constants.count == gather.scale.count)
            #expect(groups.list.allSatisfy { Int($0.firstFactors) % (2 * W) == 0 && Int($0.secondFactors) % (2 * W) == 0 })
            #expect(
                groups.list.allSatisfy {
                    kind($0.firstFactors) < groups.scales.count && kind($0.secondFactors) == kind($0.firstFactors)
                })
            #expect(
                groups.list.allSatisfy { g in [g.firstPartner, g.secondPartner].allSatisfy { (channel($0) ?? channels) < channels }
                })
            #expect(groups.list.contains { !$0.whole } && groups.list.contains { $0.whole })
            // Two-term groups first, then one-term ones, whose term is the first; the eight lanes a whole one-term
            // group writes never reach a two-term group (written before it), however many groups they span.
            let twoTerms = groups.list[..<groups.twoTerms], oneTerm = groups.list[groups.twoTerms...]
            #expect(twoTerms.allSatisfy { n($0.firstFactors) < 3 && n($0.secondFactors) < 3 })
            #expect(oneTerm.allSatisfy { n($0.secondFactors) == 3 })
            let twoTermOutputs = twoTerms.map { Int($0.output) }
            #expect(
                oneTerm.allSatisfy { g in
                    !g.whole || !twoTermOutputs.contains { $0 > Int(g.output) && $0 < Int(g.output) + 8 }
                })
        }
        let dscribe = try SOAP.dscribe(species: [6, 7, 14], cutoff: 4, nMax: 3, lMax: lMax, atomSigma: 0.5).engine
        #expect((dscribe.gathers + dscribe.speciesGathers).allSatisfy { $0.groups == nil })
    }

    /// DScribe's layout (for l, for n, for n′) lets a slot of one pair form its block run by run over n′, for every
    /// pattern of a species and with one species: the runs and the zero features cover the block once each, in
    /// order, a run at most a vector long (n_max 10 splits each n′ range of a cross-species pair in two), its offsets
    /// inside the factors it reads, its whole vector inside the block; QUIP's (groups) and the products of several
    /// species' channels have none.
    @Test("the features of DScribe's layout form runs over n′", arguments: [3, 10])
    func featureRuns(nMax: Int) throws {
        let dscribe = try SOAP.dscribe(species: [6, 7, 14], cutoff: 4, nMax: nMax, lMax: 3, atomSigma: 0.5).engine
        let single = try SOAP.dscribe(species: [14], cutoff: 4, nMax: nMax, lMax: 3, atomSigma: 0.5).engine
        let W = SIMD8<Double>.scalarCount
        #expect(dscribe.gathers[0].runs == nil)
        let tables =
            (dscribe.gathers.dropFirst() + dscribe.speciesGathers).map { ($0, dscribe) } + single.gathers.map { ($0, single) }
        for (gather, engine) in tables {
            let runs = try #require(gather.runs)
            let K = engine.channels, Kp = Workspace.rowStride(channels: K), L = engine.lMax + 1
            var covered = [Int](repeating: 0, count: gather.scale.count)
            for run in runs.list {
                #expect(run.count >= 1 && Int(run.count) <= W && (run.first || run.second))
                for g in Int(run.output)..<Int(run.output + run.count) { covered[g] += 1 }
                #expect(run.whole == (Int(run.output) + W <= gather.scale.count && Int(run.feature) + W <= engine.layout.length))
                for radial in [run.firstRadial, run.secondRadial] {
                    #expect(
                        Int(radial) % (2 * runs.radialStride) < nMax && Int(radial) / (2 * runs.radialStride) < runs.kinds.count)
                }
                for projection in [run.firstProjection, run.secondProjection] {
                    #expect(Int(projection) % (4 * Kp) < K && Int(projection) / (4 * Kp) < L)
                }
            }
            for g in runs.constants { covered[Int(g)] += 1 }
            #expect(covered.allSatisfy { $0 == 1 })
            #expect(zip(runs.list, runs.list.dropFirst()).allSatisfy { $0.output + $0.count <= $1.output })
            #expect(runs.list.contains { $0.first && $0.second } == (gather.scale.count > 0))
        }
        #expect(runs(nMax > 8 ? 2 : 1, in: dscribe, nMax: nMax))
        let quip = try SOAP.quip(cutoff: 4, nMax: nMax, lMax: 3, atomSigma: 0.5, speciesZ: [6, 7, 14]).engine
        #expect((quip.gathers + quip.speciesGathers).allSatisfy { $0.runs == nil })
    }

    /// Whether each (l, n) of the cross species pairs in `engine`'s species tables comes as `pieces` runs.
    private func runs(_ pieces: Int, in engine: SOAPEngine, nMax: Int) -> Bool {
        engine.speciesGathers.allSatisfy { gather in
            let cross = gather.runs!.list.filter { $0.first != $0.second }
            return cross.count % pieces == 0 && cross.reduce(0) { $0 + Int($1.count) } == cross.count / pieces * nMax
        }
    }
}
