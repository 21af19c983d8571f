import Atoms
import Descriptors
import TestSupport
import Testing

/// Every analytic derivative component equals a central finite difference of the descriptor.
@Suite("SOAP derivatives against finite differences")
struct SOAPDerivativeTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let soap: @Sendable () throws -> SOAP
        let structure: Structure
        var testDescription: String { name }
    }

    static let ethanol = Structure(
        atomicNumbers: [6, 6, 8, 1, 1, 1, 1, 1, 1],
        positions: [
            SIMD3(1.1879, -0.3829, 0), SIMD3(0, 0.5526, 0.05), SIMD3(-1.1867, -0.2472, -0.03),
            SIMD3(-1.9237, 0.3990, 0.02), SIMD3(2.0985, 0.2306, 0.01), SIMD3(1.1184, -1.0093, 0.8869),
            SIMD3(1.1184, -1.0093, -0.8869), SIMD3(-0.0227, 1.1812, 0.8852), SIMD3(0.0227, 1.1812, -0.8852)
        ])
    static let siliconSmall = Crystal.diamond.structure([14], a: 5.43).rattled(stdev: 0.07, seed: 11)
    static let siliconTriclinic = Crystal.diamond.structure([14], a: 5.43, cubic: true)
        .strained(Matrix3(SIMD3(0.02, 0.03, 0), SIMD3(0, -0.01, 0.02), SIMD3(0.01, 0, 0.03))).rattled(stdev: 0.1, seed: 12)
    static let siliconCarbide: Structure = {
        var s = Crystal.diamond.structure([14], a: 4.36, cubic: true).rattled(stdev: 0.08, seed: 13)
        for i in stride(from: 1, to: 8, by: 2) { s.atomicNumbers[i] = 6 }
        return s
    }()
    static let slab: Structure = {
        var s = Crystal.fcc.structure([29], a: 3.6, cubic: true).repeated(SIMD3(1, 1, 2)).rattled(stdev: 0.1, seed: 14)
        s.pbc = Periodicity(true, true, false)
        return s
    }()

    static let cases: [Case] = [
        Case(
            name: "DScribe molecule",
            soap: { try .dscribe(species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, periodic: false) },
            structure: ethanol),
        Case(
            name: "DScribe molecule, poly weighting",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, weighting: .poly(c: 1, r0: 3, m: 2),
                    periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe molecule, pow weighting",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 2, nMax: 3, lMax: 2, atomSigma: 0.5, weighting: .pow(c: 1, d: 1, r0: 1.5, m: 3),
                    periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe molecule, exp weighting",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 2, nMax: 3, lMax: 2, atomSigma: 0.5, weighting: .exp(c: 1, d: 1, r0: 1),
                    periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe periodic cell smaller than the cutoff",
            soap: { try .dscribe(species: [14], cutoff: 5, nMax: 3, lMax: 3, atomSigma: 0.5) }, structure: siliconSmall),
        Case(
            name: "DScribe two species, triclinic",
            soap: { try .dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5) }, structure: siliconCarbide),
        Case(
            name: "DScribe inner average",
            soap: { try .dscribe(species: [14], cutoff: 4, nMax: 3, lMax: 3, atomSigma: 0.5, average: .inner) },
            structure: siliconTriclinic),
        Case(
            name: "DScribe outer average",
            soap: {
                try .dscribe(species: [1, 6, 8], cutoff: 3, nMax: 3, lMax: 2, atomSigma: 0.5, average: .outer, periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe molecule, species weighting",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesWeights: [1: 0.5, 8: 2],
                    periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe molecule, mu2 compression, species weighting and w0",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, centerWeight: 0.7, compression: .mu2,
                    speciesWeights: [1: 0.5, 6: -1.5], periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe two species, mu2 compression, species weighting",
            soap: {
                try .dscribe(
                    species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: .mu2, speciesWeights: [6: 1.7])
            }, structure: siliconCarbide),
        Case(
            name: "DScribe molecule, mu1nu1 compression, species weighting",
            soap: {
                try .dscribe(
                    species: [1, 6, 8], cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, compression: .mu1nu1,
                    speciesWeights: [1: 0.5, 6: -1.5], periodic: false)
            }, structure: ethanol),
        Case(
            name: "DScribe two species, mu1nu1 compression",
            soap: {
                try .dscribe(species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, compression: .mu1nu1)
            }, structure: siliconCarbide),
        Case(
            name: "DScribe two species, outer average, mu1nu1 compression",
            soap: {
                try .dscribe(
                    species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, average: .outer, compression: .mu1nu1)
            }, structure: siliconCarbide),
        Case(
            name: "DScribe two species, inner average, crossover, species weighting",
            soap: {
                try .dscribe(
                    species: [6, 14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, average: .inner, compression: .crossover,
                    speciesWeights: [14: 0.6])
            }, structure: siliconCarbide),
        Case(
            name: "QUIP molecule", soap: { try .quip(cutoff: 3.5, nMax: 4, lMax: 3, atomSigma: 0.5, speciesZ: [1, 6, 8]) },
            structure: ethanol),
        // l_max 1: a block's vector of eight lanes spans several groups of two features.
        Case(
            name: "QUIP molecule, l_max 1",
            soap: { try .quip(cutoff: 3.5, nMax: 3, lMax: 1, atomSigma: 0.5, speciesZ: [1, 6, 8]) }, structure: ethanol),
        Case(
            name: "QUIP periodic cell smaller than the cutoff",
            soap: { try .quip(cutoff: 5, nMax: 4, lMax: 4, atomSigma: 0.5, speciesZ: [14]) }, structure: siliconSmall),
        Case(
            name: "QUIP triclinic", soap: { try .quip(cutoff: 4, nMax: 4, lMax: 3, atomSigma: 0.5, speciesZ: [14]) },
            structure: siliconTriclinic),
        Case(
            name: "QUIP two species, one center species",
            soap: { try .quip(cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [14, 6], centerSpecies: 6) },
            structure: siliconCarbide),
        Case(
            name: "QUIP slab (periodic in two directions)",
            soap: { try .quip(cutoff: 3.5, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [29]) }, structure: slab),
        Case(
            name: "QUIP averaged, unnormalised",
            soap: { try .quip(cutoff: 4, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [14], normalise: false, average: true) },
            structure: siliconTriclinic),
        Case(
            name: "QUIP averaged", soap: { try .quip(cutoff: 4, nMax: 3, lMax: 3, atomSigma: 0.5, speciesZ: [14], average: true) },
            structure: siliconTriclinic),
        // n_max past one vector of eight: an attached center's sums take two vectors of n, the second masked.
        Case(
            name: "DScribe two species, n_max 9, cell smaller than the range",
            soap: { try .dscribe(species: [6, 14], cutoff: 3.5, nMax: 9, lMax: 2, atomSigma: 0.5) }, structure: siliconCarbide),
        Case(
            name: "QUIP three species, n_max 10, cell smaller than the cutoff",
            soap: { try .quip(cutoff: 4.5, nMax: 10, lMax: 2, atomSigma: 0.5, speciesZ: [14, 6, 7]) },
            structure: SOAPSparseBlockTests.ternary),
        // A molecule's slots of one pair formed run by run over n′, each n′ range of nine split at a vector's end,
        // into dense rows (the outer average's).
        Case(
            name: "DScribe outer average, n_max 9",
            soap: {
                try .dscribe(species: [1, 6, 8], cutoff: 3.5, nMax: 9, lMax: 2, atomSigma: 0.5, average: .outer, periodic: false)
            }, structure: ethanol)
    ]

    /// Without strain, a slot of one pair is formed group by group where the layout allows (QUIP's), with strain always
    /// from the products: the first is checked against finite differences, the second against the first.
    @Test(arguments: cases)
    func positionDerivatives(c: Case) throws {
        let soap = try c.soap()
        let s = c.structure
        let (_, d) = try soap.derivatives([s], strain: false)
        let (_, withStrain) = try soap.derivatives([s], strain: true)
        try #require(withStrain.row == d.row && withStrain.atom == d.atom)
        var largest = 0.0, difference = 0.0
        for k in 0..<d.count {
            for (a, b) in zip(d.block(k), withStrain.block(k)) {
                largest = max(largest, abs(a))
                difference = max(difference, abs(a - b))
            }
        }
        #expect(difference <= 1e-12 * largest, "\(c.name): with and without strain differ by \(difference)")
        let D = soap.numberOfFeatures
        var blocks = [[Int]: ArraySlice<Double>]()
        for k in 0..<d.count { blocks[[d.row[k], d.atom[k]]] = d.block(k) }
        let (worst, scale) = try positionFiniteDifferences(
            s, features: D, create: { try soap.create([$0]) },
            analytic: { row, atom, axis, f in blocks[[row, atom]].map { $0[$0.startIndex + axis * D + f] } ?? 0 })
        #expect(worst <= 1e-7 * max(scale, 1e-3), "\(c.name): |analytic − FD| = \(worst), scale \(scale)")
        #expect(scale > 0)
    }

    /// Moving every atom by the same vector moves nothing: the blocks of each row, an attached center's own (formed
    /// apart from the others, from the products of all its pairs) included, sum to zero.
    @Test(arguments: cases)
    func blocksOfARowSumToZero(c: Case) throws {
        let soap = try c.soap()
        let (_, d) = try soap.derivatives([c.structure], strain: false)
        var sums = [Int: [Double]](), largest = 0.0
        for k in 0..<d.count {
            let block = Array(d.block(k))
            largest = max(largest, block.map(abs).max() ?? 0)
            let sum = sums[d.row[k]].map { zip($0, block).map(+) } ?? block
            sums[d.row[k]] = sum
        }
        let worst = sums.values.map { $0.map(abs).max() ?? 0 }.max() ?? 0
        #expect(largest > 0)
        #expect(worst <= 1e-12 * largest, "\(c.name): the blocks of a row sum to \(worst), largest entry \(largest)")
    }

    @Test(arguments: cases.filter { $0.structure.pbc.isAnyPeriodic })
    func strainDerivatives(c: Case) throws {
        let soap = try c.soap()
        let s = c.structure
        let (q, d) = try soap.derivatives([s], strain: true)
        let strain = try #require(d.strain)
        let D = soap.numberOfFeatures
        #expect(strain.count == q.count * 9 * D)
        let h = 1e-6
        var worst = 0.0, scale = 0.0
        for a in 0..<3 {
            for b in 0..<3 {
                var e = Matrix3.zero
                e[a, b] = h
                let qp = try soap.create([s.strained(e)])
                e[a, b] = -h
                let qm = try soap.create([s.strained(e)])
                for row in 0..<q.count {
                    for f in 0..<D {
                        let fd = (qp.values[row * D + f] - qm.values[row * D + f]) / (2 * h)
                        worst = max(worst, abs(fd - strain[(row * 9 + a * 3 + b) * D + f]))
                        scale = max(scale, abs(fd))
                    }
                }
            }
        }
        #expect(worst <= 1e-6 * max(scale, 1e-3), "\(c.name): |analytic − FD| = \(worst), scale \(scale)")
    }
}
