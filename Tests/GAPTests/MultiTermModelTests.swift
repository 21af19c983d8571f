import Archive
import Atoms
import Descriptors
import Foundation
import LinearAlgebra
import Support
import TestSupport
import Testing

@testable import GAP

/// Two-species (Si, C) multi-term models and structures, made in the tests from seeds.
enum MultiTermModels {
    static let soapSettings = SOAPSettings(
        cutoff: 3.5, cutoffTransitionWidth: 1, nMax: 3, lMax: 2, atomSigma: 0.5, speciesZ: [14, 6])
    static let e0: [Int: Double] = [14: -1.5, 6: -2.5]

    /// A random structure of Si and C: a molecule (`lengths` the box), or a periodic triclinic cell.
    static func structure(count: Int, lengths: ClosedRange<Double>, periodic: Bool, seed: UInt64) -> Structure {
        var rng = SeededGenerator(seed: seed)
        if periodic {
            let cell = RandomStructures.triclinicCell(lengths: lengths, rng: &rng)
            return RandomStructures.atoms(
                count: count, cell: cell, pbc: .all, elements: [14, 6], minimumDistance: 1.4, rng: &rng)
        }
        var s = RandomStructures.atoms(
            count: count, cell: .orthorhombic(SIMD3(repeating: lengths.upperBound)), pbc: .none, elements: [14, 6],
            minimumDistance: 1.4, rng: &rng)
        s.cell = .empty
        return s
    }

    static let molecule = structure(count: 8, lengths: 4...4.2, periodic: false, seed: 61)
    static let triclinic = structure(count: 6, lengths: 4.5...5.5, periodic: true, seed: 62)
    /// Widths below every cutoff: atoms see images of themselves.
    static let smallCell = structure(count: 2, lengths: 2.6...3.0, periodic: true, seed: 63)
    static let structures: [String: Structure] = [
        "molecule": molecule, "triclinic cell": triclinic, "cell smaller than the cutoffs": smallCell
    ]

    /// A SOAP term whose sparse points are descriptors of a random cell, with random weights.
    static let soapTerm: SOAPTerm = {
        var rng = SeededGenerator(seed: 64)
        let soap = try! soapSettings.makeSOAP()
        let s = structure(count: 8, lengths: 4.5...5.5, periodic: true, seed: 65)
        let rows = try! soap.create([s], threads: 1)
        var models = [Int: SparseModel]()
        for z in [14, 6] {
            let members = (0..<rows.count).filter { s.atomicNumbers[rows.center[$0]] == z }
            models[z] = SparseModel(
                points: rows.matrix(rows: members), alpha: members.map { _ in 0.2 * (rng.uniform() - 0.5) })
        }
        return try! SOAPTerm(settings: soapSettings, kernel: PolynomialKernel(delta: 0.8, zeta: 2), models: models)
    }()

    /// 2- and 3-body terms with random sparse points (in the range of real instances), weights and α.
    static let geometricTerms: [GeometricTerm] = {
        var rng = SeededGenerator(seed: 66)
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + rng.uniform() * (range.upperBound - range.lowerBound)
        }
        func term(_ descriptor: GeometricDescriptor, theta: [Double], ranges: [ClosedRange<Double>], count: Int) -> GeometricTerm {
            let points = (0..<count).map { _ in ranges.map { uniform($0) } }
            let set = try! GeometricSparseSet(
                descriptor: descriptor, kernel: SquaredExponentialKernel(delta: uniform(0.3...0.8), theta: theta),
                points: Matrix(points), weights: (0..<count).map { _ in uniform(0.3...1) })
            return try! GeometricTerm(sparse: set, alpha: (0..<count).map { _ in uniform(-1...1) })
        }
        let angle: [ClosedRange<Double>] = [2.8...6.5, 0...2, 1.4...5]
        return [
            term(
                .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 1), z1: 14, z2: 6)), theta: [0.7],
                ranges: [1.4...4], count: 5),
            term(
                .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 3.5, width: 0.8))), theta: [0.9], ranges: [1.4...3.5],
                count: 4),
            term(
                .angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3.2, width: 1), z: 14, z1: 14, z2: 6)), theta: [1.2, 0.8, 1],
                ranges: angle, count: 6),
            term(.angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3, width: 0.7))), theta: [1, 1, 1.3], ranges: angle, count: 5)
        ]
    }()

    /// SOAP and all four 2- and 3-body terms.
    static let random: GAPPotential = {
        var p = try! GAPPotential(soap: soapTerm, terms: geometricTerms, e0: e0, variance: nil)
        p.threads = 1
        return p
    }()

    /// Training data: random Si–C cells and a molecule, labelled by `random`.
    static let training: [Structure] = (0..<6).map { k in
        try! structure(count: 6 + k % 3, lengths: 4.6...5.4, periodic: k != 5, seed: 70 + UInt64(k)).labelled(by: random)
    }

    /// A tiny multi-term fit: SOAP (unless `soap` is false), distance_2b split per element pair, one angle_3b.
    static func settings(soap: Bool) -> FitSettings {
        FitSettings(
            soap: soap ? SOAPSettings(cutoff: 3.5, cutoffTransitionWidth: 1, nMax: 3, lMax: 2, atomSigma: 0.5, speciesZ: []) : nil,
            kernel: PolynomialKernel(delta: 0.8, zeta: 2),
            terms: [
                GeometricTermSettings(
                    descriptor: .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 4, width: 1))),
                    kernel: SquaredExponentialKernel(delta: 0.5, theta: [0.8]), sparseCount: 5),
                GeometricTermSettings(
                    descriptor: .angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3.2, width: 1))),
                    kernel: SquaredExponentialKernel(delta: 0.3, theta: [1.2, 0.8, 1.2]), sparseCount: 8, addSpecies: false)
            ],
            sparseCount: 8, sigmas: Sigmas(energy: 0.01, force: 0.1, virial: 0.1), e0: .explicit(e0), jitter: 1e-6, threads: 2,
            storeVariance: true)
    }

    static let fitted = try! GAPTrainer.fit(training, settings: settings(soap: true)).potential
    static let fittedWithoutSOAP = try! GAPTrainer.fit(training, settings: settings(soap: false)).potential

    /// Structures the fits did not see.
    static let unseen: [Structure] = [
        structure(count: 7, lengths: 4.6...5.4, periodic: true, seed: 80),
        structure(count: 5, lengths: 4...4.5, periodic: false, seed: 81),
        smallCell
    ]
}

/// The largest component of the difference of two lists of vectors.
private func maxDifference(_ a: [SIMD3<Double>], _ b: [SIMD3<Double>]) -> Double {
    zip(a, b).map { x, y in
        let d = x - y
        return max(abs(d.x), abs(d.y), abs(d.z))
    }.max() ?? 0
}

/// The largest |component| of a list of vectors.
private func maxComponent(_ a: [SIMD3<Double>]) -> Double { a.map { max(abs($0.x), abs($0.y), abs($0.z)) }.max() ?? 0 }

@Suite("Multi-term potentials: forces, virials, invariances")
struct MultiTermPotentialTests {
    /// The potential of all terms, SOAP alone, the 2- and 3-body terms together and each of them alone.
    static let models: [(String, GAPPotential)] = {
        var out = [("all terms", MultiTermModels.random)]
        func make(_ soap: SOAPTerm?, _ terms: [GeometricTerm]) -> GAPPotential {
            var p = try! GAPPotential(soap: soap, terms: terms, e0: MultiTermModels.e0, variance: nil)
            p.threads = 1
            return p
        }
        out.append(("SOAP", make(MultiTermModels.soapTerm, [])))
        out.append(("2- and 3-body", make(nil, MultiTermModels.geometricTerms)))
        for t in MultiTermModels.geometricTerms { out.append((t.sparse.descriptor.summary, make(nil, [t]))) }
        return out
    }()

    /// Forces and virial equal central differences of the energy (by displacement and by strain), per-atom
    /// energies sum to the energy, and every term contributes, for each term alone and all together.
    @Test(arguments: ["molecule", "triclinic cell", "cell smaller than the cutoffs"])
    func forcesAndVirialEqualFiniteDifferences(_ name: String) throws {
        let s = try #require(MultiTermModels.structures[name])
        let e0 = s.atomicNumbers.reduce(0) { $0 + MultiTermModels.e0[$1]! }
        for (model, gap) in Self.models {
            let r = try gap.calculate(s)
            #expect(abs(r.energy - e0) > 1e-6, "\(model) contributes nothing to the \(name)")
            let energy: (Structure) throws -> Double = { try gap.calculate($0).energy }
            let forces = try FiniteDifferences.forces(energy, at: s)
            let scale = max(1, maxComponent(forces))
            #expect(
                maxDifference(r.forces, forces) < 1e-7 * scale, "\(model), \(name): max |ΔF| \(maxDifference(r.forces, forces))")
            let virial = try FiniteDifferences.virial(energy, at: s)
            let virialError = (r.virial - virial).maxAbs
            #expect(virialError < 1e-7 * max(1, virial.maxAbs), "\(model), \(name): max |ΔW| \(virialError)")
            let local = try #require(r.atomEnergies)
            #expect(local.count == s.count)
            #expect(abs(local.reduce(0, +) - r.energy) < 1e-12 * max(1, abs(r.energy)))
        }
    }

    /// The energy does not change when the structure is rotated (cell too) or translated, and the forces
    /// rotate with it.
    @Test(arguments: ["molecule", "triclinic cell", "cell smaller than the cutoffs"])
    func energyIsInvariant(_ name: String) throws {
        let s = try #require(MultiTermModels.structures[name])
        let gap = MultiTermModels.random
        let reference = try gap.calculate(s)
        let (a, b, c) = (0.7, -1.3, 2.2)
        let rz = Matrix3(SIMD3(cos(a), -sin(a), 0), SIMD3(sin(a), cos(a), 0), SIMD3(0, 0, 1))
        let rx = Matrix3(SIMD3(1, 0, 0), SIMD3(0, cos(b), -sin(b)), SIMD3(0, sin(b), cos(b)))
        let ry = Matrix3(SIMD3(cos(c), 0, sin(c)), SIMD3(0, 1, 0), SIMD3(-sin(c), 0, cos(c)))
        let rotation = rz * rx * ry
        var rotated = s
        rotated.positions = s.positions.map { rotation * $0 }
        if s.pbc.isAnyPeriodic { rotated.cell = Cell(rotation * s.cell[0], rotation * s.cell[1], rotation * s.cell[2]) }
        var translated = s
        translated.positions = s.positions.map { $0 + SIMD3(3.7, -12.1, 0.4) }
        let tolerance = 1e-10 * max(1, abs(reference.energy))
        let r = try gap.calculate(rotated)
        #expect(abs(r.energy - reference.energy) < tolerance)
        #expect(maxDifference(r.forces, reference.forces.map { rotation * $0 }) < 1e-9 * max(1, maxComponent(reference.forces)))
        let t = try gap.calculate(translated)
        #expect(abs(t.energy - reference.energy) < tolerance)
        #expect(maxDifference(t.forces, reference.forces) < 1e-9 * max(1, maxComponent(reference.forces)))
    }
}

@Suite("Multi-term fits: design rows and predictive variances")
struct MultiTermFitTests {
    /// The sparse basis a fit with `settings` builds on `structures`, rebuilt stage by stage as `GAPTrainer` does.
    static func basis(_ structures: [Structure], settings: FitSettings) throws -> (FitData, SparseBasis) {
        let data = try FitData(structures, lines: [], settings: settings)
        var candidates = [Int: Matrix]()
        if let soap = data.soap {
            candidates = try SparseCandidates.descriptors(of: data.observations, soap: soap, threads: 1, progress: nil)
        }
        let instances = try SparseCandidates.instances(of: data.observations, terms: data.terms, threads: 1, progress: nil)
        let basis = try SparseBasis(
            candidates: candidates, elements: data.elements, terms: data.terms, instances: instances, settings: settings)
        return (data, basis)
    }

    /// α of every sparse point of `gap` in the design matrix's column order (SOAP elements in `layout` order,
    /// then the 2- and 3-body terms).
    static func weights(_ gap: GAPPotential, layout: [Int]) throws -> [Double] {
        var alpha = [Double]()
        for z in layout { alpha += try #require(gap.soap?.models[z]).alpha }
        for term in gap.terms { alpha += term.alpha }
        return alpha
    }

    /// With σ = 1, the design rows of a configuration times α are the fitted potential's energy (less e0),
    /// forces and symmetrised virial (energy and virial rows divided by √N).
    @Test(arguments: [true, false])
    func designRowsTimesAlphaArePredictions(soap: Bool) throws {
        let settings = MultiTermModels.settings(soap: soap)
        let gap = soap ? MultiTermModels.fitted : MultiTermModels.fittedWithoutSOAP
        let (data, basis) = try Self.basis(MultiTermModels.training, settings: settings)
        // The rebuilt basis is the fit's.
        #expect(basis.terms == gap.terms.map(\.sparse))
        #expect(gap.terms.count == 3 + 1)  // Si–Si, Si–C, C–C and one angle_3b
        for z in basis.layout.elements { #expect(basis.points[z] == gap.soap?.models[z]?.points) }
        #expect((gap.soap == nil) == !soap)
        let alpha = try Self.weights(gap, layout: basis.layout.elements)
        #expect(alpha.count == basis.total)
        for (k, s) in (MultiTermModels.training + MultiTermModels.unseen.map { try! $0.labelled(by: MultiTermModels.random) })
            .enumerated()
        {
            let o = try Observation(
                s, index: k, line: 0, keys: ReferenceKeys(), defaults: Sigmas(energy: 1, force: 1, virial: 1),
                configTypeSigmas: [:], useVirials: true)
            let rows = try KernelRowStream.designRows(o, soap: data.soap, basis: basis, kernel: settings.kernel)
            let predicted = try rows.matrix.times(alpha)
            let r = try gap.calculate(s)
            let root = Double(s.count).squareRoot()
            let local = r.energy - s.atomicNumbers.reduce(0) { $0 + gap.e0[$1]! }
            let e = try #require(rows.rows.energy)
            #expect(abs(predicted[e] * root - local) < 1e-9 * max(1, abs(local)), "configuration \(k) energy")
            let f = try #require(rows.rows.forceStart)
            let scale = max(1, maxComponent(r.forces))
            for atom in 0..<s.count {
                for axis in 0..<3 {
                    #expect(abs(predicted[f + 3 * atom + axis] - r.forces[atom][axis]) < 1e-9 * scale, "configuration \(k) force")
                }
            }
            let v = try #require(rows.rows.virialStart)
            for (c, (i, j)) in DesignRows.virialComponents.enumerated() {
                let expected = 0.5 * (r.virial[i, j] + r.virial[j, i])
                #expect(abs(predicted[v + c] * root - expected) < 1e-9 * max(1, r.virial.maxAbs), "configuration \(k) virial")
            }
        }
    }

    /// δ² (x·y)^ζ, written out.
    static func soapKernel(_ x: ArraySlice<Double>, _ y: ArraySlice<Double>, _ k: PolynomialKernel) -> Double {
        k.delta * k.delta * pow(zip(x, y).reduce(0) { $0 + $1.0 * $1.1 }, k.zeta)
    }

    /// δ² exp(−½ Σ_d (x_d − y_d)²/θ_d²), written out.
    static func seKernel(_ x: ArraySlice<Double>, _ y: ArraySlice<Double>, _ k: SquaredExponentialKernel) -> Double {
        let s = zip(zip(x, y), k.theta).reduce(0.0) { sum, pair in
            let t = (pair.0.0 - pair.0.1) / pair.1
            return sum + t * t
        }
        return k.delta * k.delta * exp(-0.5 * s)
    }

    /// Each atom's predictive variance equals k(e,e) − kᵀ(K_MM + jitter)⁻¹k + kᵀ(RᵀR)⁻¹k with K_MM, k and
    /// k(e,e) built here from the terms' sparse points and the atom's SOAP vector and instances, and RᵀR is
    /// K_MM + jitter + Aᵀ A over the training set's design rows.
    @Test(arguments: [true, false])
    func variancesEqualTheDenseFormula(soap: Bool) throws {
        let settings = MultiTermModels.settings(soap: soap)
        let gap = soap ? MultiTermModels.fitted : MultiTermModels.fittedWithoutSOAP
        let variance = try #require(gap.variance)
        // Column blocks: SOAP elements in the variance factors' order, then the terms.
        var points = [Matrix]()
        for z in variance.elements { points.append(try #require(gap.soap?.models[z]).points) }
        for term in gap.terms { points.append(term.sparse.points) }
        let m = points.reduce(0) { $0 + $1.rows }
        #expect(m == gap.sparseCount && variance.lower.order == m)
        var kmm = Matrix(rows: m, columns: m)
        var offset = 0
        for (b, x) in points.enumerated() {
            for i in 0..<x.rows {
                for j in 0..<x.rows {
                    let xi = x.elements[(i * x.columns)..<((i + 1) * x.columns)]
                    let xj = x.elements[(j * x.columns)..<((j + 1) * x.columns)]
                    if b < variance.elements.count {
                        kmm[offset + i, offset + j] = Self.soapKernel(xi, xj, settings.kernel)
                    } else {
                        let sparse = gap.terms[b - variance.elements.count].sparse
                        kmm[offset + i, offset + j] = sparse.weights[i] * sparse.weights[j] * Self.seKernel(xi, xj, sparse.kernel)
                    }
                }
                kmm[offset + i, offset + i] += settings.jitter
            }
            offset += x.rows
        }
        // The stored factors: L Lᵀ = K_MM + jitter, RᵀR = K_MM + jitter + Σ AᵀA.
        let llt = try Matrix.product(variance.lower.dense, variance.lower.dense, transB: .transposed)
        #expect((llt - kmm).maxAbs < 1e-12 * max(1, kmm.maxAbs))
        let (data, basis) = try Self.basis(MultiTermModels.training, settings: settings)
        var normal = kmm
        for o in data.observations {
            let a = try KernelRowStream.designRows(o, soap: data.soap, basis: basis, kernel: settings.kernel).matrix
            normal = normal + (try Matrix.product(a, a, transA: .transposed))
        }
        let rtr = try Matrix.product(variance.upper.dense, variance.upper.dense, transA: .transposed)
        #expect((rtr - normal).maxAbs < 1e-9 * normal.maxAbs, "RᵀR differs from K_MM + jitter + AᵀA by \((rtr - normal).maxAbs)")

        let descriptor = try gap.soap.map { try $0.settings.makeSOAP() }
        for s in MultiTermModels.unseen + MultiTermModels.training.prefix(2) {
            let computed = try #require(try gap.localVariances(s))
            var columns = Matrix(rows: m, columns: s.count)
            var prior = [Double](repeating: 0, count: s.count)
            offset = 0
            if let descriptor, let term = gap.soap {
                let q = try descriptor.create([s], threads: 1)
                for (b, z) in variance.elements.enumerated() {
                    let x = points[b]
                    for r in 0..<q.count where s.atomicNumbers[q.center[r]] == z {
                        for i in 0..<x.rows {
                            columns[offset + i, q.center[r]] = Self.soapKernel(
                                q.row(r), x.elements[(i * x.columns)..<((i + 1) * x.columns)], term.kernel)
                        }
                    }
                    offset += x.rows
                }
                for r in 0..<q.count { prior[q.center[r]] += Self.soapKernel(q.row(r), q.row(r), term.kernel) }
            }
            for term in gap.terms {
                let sparse = term.sparse
                let list = try NeighborList(s, cutoff: sparse.descriptor.cutoff.cutoff, threads: 1)
                let g = sparse.descriptor.instances(of: s, list: list, gradients: false)
                for a in 0..<g.count {
                    for i in 0..<sparse.count {
                        let xi = sparse.points.elements[(i * sparse.points.columns)..<((i + 1) * sparse.points.columns)]
                        columns[offset + i, g.center[a]] +=
                            g.weights[a] * sparse.weights[i] * Self.seKernel(g.value(a), xi, sparse.kernel)
                    }
                    for b in 0..<g.count where g.center[b] == g.center[a] {
                        prior[g.center[a]] += g.weights[a] * g.weights[b] * Self.seKernel(g.value(a), g.value(b), sparse.kernel)
                    }
                }
                offset += sparse.count
            }
            let explained = try Matrix.solve(kmm, columns), gained = try Matrix.solve(rtr, columns)
            for atom in 0..<s.count {
                var expected = prior[atom]
                for i in 0..<m { expected += columns[i, atom] * (gained[i, atom] - explained[i, atom]) }
                #expect(expected > 0)
                #expect(
                    abs(computed[atom] - expected) < 1e-10 * prior[atom],
                    "atom \(atom): \(computed[atom]) vs \(expected) (prior \(prior[atom]))")
            }
        }
    }
}

@Suite("Multi-term potential files")
struct MultiTermPotentialFileTests {
    static func record(_ settings: FitSettings) -> FitRecord {
        FitRecord(
            settings: settings, trainingFile: "train.xyz", trainingSHA256: "00", trainingConfigurations: 6, observations: 1,
            reciprocalCondition: 1)
    }

    /// A temporary file path, removed (with its folder) once `body` returns.
    static func withTemporaryFile<T>(_ body: (String) throws -> T) throws -> T {
        let folder = try TemporaryFolder(prefix: "swiftgap-multiterm")
        return try withExtendedLifetime(folder) { try body(folder.path("multiterm.gap")) }
    }

    /// Written and read back, a multi-term potential predicts bitwise the same energies, forces, virials and
    /// variances, and the metadata lists its terms.
    @Test(arguments: [true, false])
    func roundTripPredictsIdentically(soap: Bool) throws {
        let gap = soap ? MultiTermModels.fitted : MultiTermModels.fittedWithoutSOAP
        let settings = MultiTermModels.settings(soap: soap)
        let (read, metadata) = try Self.withTemporaryFile { path in
            try gap.write(to: path, fit: Self.record(settings), codeVersion: "test")
            return try GAPPotential.load(path: path)
        }
        #expect(read.terms == gap.terms && read.soap == gap.soap && read.variance == gap.variance && read.e0 == gap.e0)
        #expect(metadata.terms.count == gap.terms.count)
        for (entry, term) in zip(metadata.terms, gap.terms) {
            #expect(entry.descriptor == term.sparse.descriptor)
            #expect(entry.kernel == term.sparse.kernel)
            #expect(entry.sparsePoints == term.sparse.count)
        }
        #expect((metadata.soap == nil) == !soap && metadata.hasVariance)
        #expect(metadata.fit.settings == settings)
        for s in MultiTermModels.unseen {
            let a = try gap.calculate(s), b = try read.calculate(s)
            #expect(a.energy == b.energy)
            #expect(a.forces == b.forces)
            #expect(a.virial == b.virial)
            #expect(try gap.localVariances(s) == read.localVariances(s))
        }
    }

    /// The arrays and metadata of the written potential without SOAP.
    static let parts: (arrays: [String: NPZReader.Array], metadata: String) = {
        (try? withTemporaryFile { path in
            try MultiTermModels.fittedWithoutSOAP.write(
                to: path, fit: record(MultiTermModels.settings(soap: false)), codeVersion: "test")
            let npz = try NPZReader(path: path)
            return (npz.arrays, npz.text("metadata") ?? "")
        }) ?? ([:], "")
    }()

    /// The archive with `metadata` and arrays replaced or, for nil, dropped.
    private func archive(metadata: String = parts.metadata, replacing arrays: [String: NPZReader.Array?] = [:]) -> [UInt8] {
        PotentialArchiveParts(arrays: Self.parts.arrays, metadata: Self.parts.metadata).archive(
            metadata: metadata, replacing: arrays)
    }

    /// The metadata with `change` applied to its first term's JSON object.
    private func metadata(term change: (inout [String: Any]) -> Void) throws -> String {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.parts.metadata.utf8)) as? [String: Any])
        var terms = try #require(object["terms"] as? [[String: Any]])
        change(&terms[0])
        object["terms"] = terms
        return String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    /// The entry and detail of the error reading `bytes`, or nil when they read.
    private func refusal(_ bytes: [UInt8]) -> (entry: String, detail: String)? {
        do {
            _ = try GAPPotential.load(bytes: bytes, name: "bad.gap")
            return nil
        } catch {
            guard case let .badPotentialEntry(path, entry, detail) = error, path == "bad.gap" else { return ("?", "\(error)") }
            return (entry, detail)
        }
    }

    /// A file before format 3 holds L as one dense packed triangle (`variance_lower`): it still reads, to the
    /// same factors, and an entry off the blocks is refused.
    @Test func filesWithADenseLowerFactorStillRead() throws {
        let variance = try #require(MultiTermModels.fittedWithoutSOAP.variance)
        #expect(variance.lower.blockOrders.count == MultiTermModels.fittedWithoutSOAP.terms.count)
        let dense = variance.lower.dense
        var packed = (0..<dense.rows).flatMap { i in (0...i).map { dense[i, $0] } }
        var object = try #require(try JSONSerialization.jsonObject(with: Data(Self.parts.metadata.utf8)) as? [String: Any])
        object["format_version"] = 2
        let version2 = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        func old(_ packed: [Double]) -> [UInt8] {
            archive(
                metadata: version2,
                replacing: ["variance_lower_blocks": nil, "variance_lower": .doubles(packed, shape: [packed.count])])
        }
        let (read, metadata) = try GAPPotential.load(bytes: old(packed), name: "old.gap")
        #expect(metadata.formatVersion == 2 && read.variance == variance)
        let b = variance.lower.blockOrders[0]
        packed[b * (b + 1) / 2] = 0.5  // entry (b, 0): the second block's row, the first block's column
        #expect(refusal(old(packed))?.entry == "variance_lower")
        #expect(refusal(old(packed))?.detail.contains("not block diagonal") == true)
        #expect(refusal(archive(metadata: version2))?.entry == "variance_lower")
    }

    @Test func theUntamperedArchiveReads() throws {
        let (read, _) = try GAPPotential.load(bytes: archive(), name: "good.gap")
        #expect(read.terms == MultiTermModels.fittedWithoutSOAP.terms)
        #expect(Self.parts.arrays["term_0_sparse"] != nil && Self.parts.arrays["term_3_alpha"] != nil)
    }

    @Test func badTermArraysAreNamed() throws {
        guard case let .doubles(points, shape)? = Self.parts.arrays["term_0_sparse"] else {
            Issue.record("no term_0_sparse")
            return
        }
        #expect(shape == [MultiTermModels.fittedWithoutSOAP.terms[0].sparse.count, 1])
        let wide = archive(replacing: ["term_0_sparse": .doubles(points + points, shape: [shape[0], 2])])
        let wrongShape = refusal(wide)
        #expect(
            wrongShape?.entry == "term_0_sparse" && wrongShape?.detail.contains("[\(shape[0]), 2]") == true,
            "\(String(describing: wrongShape))")
        let short = refusal(archive(replacing: ["term_0_sparse": .doubles(Array(points.dropLast()), shape: [shape[0] - 1, 1])]))
        #expect(short?.entry == "term_0_sparse", "\(String(describing: short))")
        var bad = points
        bad[1] = .nan
        let nan = refusal(archive(replacing: ["term_0_sparse": .doubles(bad, shape: shape)]))
        #expect(nan?.entry == "term_0_sparse" && nan?.detail.contains("nan at index 1") == true, "\(String(describing: nan))")
        let missing = refusal(archive(replacing: ["term_2_alpha": nil]))
        #expect(missing?.entry == "term_2_alpha" && missing?.detail.contains("missing") == true, "\(String(describing: missing))")
        let weights = refusal(
            archive(replacing: ["term_1_cutoff": .doubles([Double](repeating: 1.5, count: shape[0]), shape: [shape[0]])]))
        #expect(weights?.entry == "term_1" || weights?.entry == "term_1_cutoff", "\(String(describing: weights))")
    }

    @Test func badTermMetadataIsNamed() throws {
        let cutoff = try metadata { term in
            var descriptor = term["descriptor"] as? [String: Any] ?? [:]
            guard let name = descriptor.keys.first, var body = descriptor[name] as? [String: Any] else { return }
            var c = body["cutoff"] as? [String: Any] ?? [:]
            c["cutoff"] = -1
            body["cutoff"] = c
            descriptor[name] = body
            term["descriptor"] = descriptor
        }
        let badCutoff = refusal(archive(metadata: cutoff))
        #expect(
            badCutoff?.entry == "metadata terms.0.descriptor" && badCutoff?.detail.contains("cutoff") == true,
            "\(String(describing: badCutoff))")
        let width = try metadata { term in
            var descriptor = term["descriptor"] as? [String: Any] ?? [:]
            guard let name = descriptor.keys.first, var body = descriptor[name] as? [String: Any] else { return }
            body["cutoff"] = ["cutoff": 3, "width": 4]
            descriptor[name] = body
            term["descriptor"] = descriptor
        }
        let badWidth = refusal(archive(metadata: width))
        #expect(badWidth?.entry == "metadata terms.0.descriptor" && badWidth?.detail.contains("cutoff_transition_width") == true)
        let theta = try metadata { term in
            var kernel = term["kernel"] as? [String: Any] ?? [:]
            kernel["theta"] = [1, 2]
            term["kernel"] = kernel
        }
        let badTheta = refusal(archive(metadata: theta))
        #expect(
            badTheta?.entry == "metadata terms.0.kernel" && badTheta?.detail.contains("theta") == true,
            "\(String(describing: badTheta))")
        let count = try metadata { $0["sparse_points"] = 0 }
        #expect(refusal(archive(metadata: count))?.entry == "metadata terms.0.sparse_points")
        let element = try metadata { term in
            var descriptor = term["descriptor"] as? [String: Any] ?? [:]
            guard let name = descriptor.keys.first, var body = descriptor[name] as? [String: Any] else { return }
            body["z1"] = 500
            descriptor[name] = body
            term["descriptor"] = descriptor
        }
        let badElement = refusal(archive(metadata: element))
        #expect(badElement?.entry == "metadata terms.0.descriptor" && badElement?.detail.contains("Z1") == true)
    }
}

@Suite("Sparse point choice of 2- and 3-body terms")
struct GeometricSparseChoiceTests {
    /// Groups of rows equal within 1e-10 (noise 1e-12), rows that only share the sum of absolute values, and
    /// rows 1e-8 apart: exactly the first row of each group is kept, in ascending order.
    @Test func distinctRowsKeepTheFirstOfEachGroup() throws {
        var rng = SeededGenerator(seed: 91)
        let d = 3
        let bases = (0..<12).map { _ in (0..<d).map { _ in rng.uniform() * 4 - 2 } }
        // Rows with the same |x|-sum as base 0 but different: sign flips and permutations.
        let lookalikes = [[-bases[0][0], bases[0][1], bases[0][2]], [bases[0][1], bases[0][0], bases[0][2]]]
        var rows = [[Double]](), group = [Int]()
        for _ in 0..<60 {
            let g = Int(rng.next() % UInt64(bases.count + lookalikes.count + 1))
            if g < bases.count {
                rows.append(bases[g].map { $0 + 1e-12 * (rng.uniform() - 0.5) })
                group.append(g)
            } else if g < bases.count + lookalikes.count {
                rows.append(lookalikes[g - bases.count])
                group.append(g)
            } else {
                // 1e-8 away from base 3 along one axis: distinct.
                var row = bases[3]
                row[Int(rng.next() % UInt64(d))] += 1e-8 * Double(1 + rows.count)
                rows.append(row)
                group.append(100 + rows.count)
            }
        }
        let x = try Matrix(rows)
        let kept = SparseBasis.distinctRows(x)
        let expected = rows.indices.filter { i in !(0..<i).contains { group[$0] == group[i] } }
        #expect(kept == expected)
        // Independent of the grouping used to build the rows: no kept row is within 1e-10 of an earlier row,
        // and every row left out is within 1e-10 of an earlier kept one.
        func close(_ a: Int, _ b: Int) -> Bool { zip(rows[a], rows[b]).allSatisfy { abs($0 - $1) < 1e-10 } }
        for i in rows.indices {
            let earlier = kept.filter { $0 < i }.contains { close($0, i) }
            #expect(kept.contains(i) != earlier, "row \(i)")
        }
        #expect(SparseBasis.distinctRows(Matrix(rows: 0, columns: d)).isEmpty)
        let identical = try Matrix([[Double]](repeating: [1, 2, 3], count: 5))
        #expect(SparseBasis.distinctRows(identical) == [0])
    }

    /// Rows whose entries all differ by just under 1e-10 are duplicates however many columns add up the
    /// difference; rows differing by just over 1e-10 in one entry are not.
    @Test(arguments: [1, 3, 8])
    func rowsWithinTheToleranceInEveryEntryAreDuplicates(columns: Int) throws {
        let base = (0..<columns).map { 0.25 + 0.5 * Double($0) }
        let within = base.map { $0 + 0.9e-10 }
        let other = [9] + base.dropFirst()
        var beyond = base
        beyond[columns - 1] -= 1.5e-10
        let x = try Matrix([within, other, base, beyond, other.map { $0 - 0.9e-10 }])
        #expect(SparseBasis.distinctRows(x) == [0, 1, 3])
    }

    /// For a 1-D set whose M grid nodes are all occupied, the choice is the first point in data order whose
    /// nearest node is each node, in ascending order.
    @Test(arguments: [(91, 40, 7), (92, 100, 12), (93, 25, 2)] as [(UInt64, Int, Int)])
    func uniformGridTakesTheFirstPointNearestEachNode(seed: UInt64, n: Int, count: Int) throws {
        var rng = SeededGenerator(seed: seed)
        let values = (0..<n).map { _ in 3 * rng.uniform() - 1 }
        let lo = values.min()!, hi = values.max()!
        let nodes = (0..<count).map { lo + (hi - lo) * Double($0) / Double(count - 1) }
        let nearest = values.map { v in nodes.indices.min { abs(v - nodes[$0]) < abs(v - nodes[$1]) }! }
        let first = nodes.indices.compactMap { k in values.indices.first { nearest[$0] == k } }
        try #require(first.count == count, "the data must occupy every node for this case")
        let x = try Matrix(values.map { [$0] })
        var generator = SeededGenerator(seed: 1)
        let chosen = UniformGrid.select(x, count: count, rng: &generator)
        #expect(chosen == first.sorted())
        #expect(try SparseMethod.uniform.select(x, count: count, seed: 5) == first.sorted())
        // Asking for all points (or more) returns all of them.
        #expect(UniformGrid.select(x, count: n, rng: &generator) == Array(0..<n))
    }

    /// Two clusters occupy only two of M nodes: their first points are taken, the rest are filled from the
    /// clusters' other points — M distinct ascending indices, the same for the same seed.
    @Test func uniformGridFillsUpDeterministically() throws {
        var rng = SeededGenerator(seed: 94)
        let values = (0..<40).map { k in k % 4 == 0 ? 10 + 0.01 * rng.uniform() : 0.01 * rng.uniform() }
        let x = try Matrix(values.map { [$0] })
        let count = 9
        func pick(_ seed: UInt64) -> [Int] {
            var generator = SeededGenerator(seed: seed)
            return UniformGrid.select(x, count: count, rng: &generator)
        }
        let chosen = pick(7)
        #expect(chosen.count == count)
        #expect(chosen == chosen.sorted() && Set(chosen).count == count)
        #expect(chosen.allSatisfy { (0..<values.count).contains($0) })
        // The first pass: the first point of each cluster (data order: 0 is near 10, 1 near 0).
        #expect(chosen.contains(0) && chosen.contains(1))
        #expect(pick(7) == chosen)
        let others = (1...6).map { pick($0) }
        #expect(Set(others + [chosen]).count > 1, "the fill-up should depend on the seed")
        #expect(try SparseMethod.uniform.select(x, count: count, seed: 3) == SparseMethod.uniform.select(x, count: count, seed: 3))
    }
}

@Suite("Multi-term fit settings in JSON")
struct MultiTermSettingsCodingTests {
    static let terms = [
        GeometricTermSettings(
            descriptor: .distance2b(DistanceTwoBody(cutoff: CosineCutoff(cutoff: 5, width: 1), z1: 14, z2: 6)),
            kernel: SquaredExponentialKernel(delta: 0.5, theta: [0.75]), sparseCount: 20, sparseMethod: .uniform,
            addSpecies: false, givenPoints: .init(values: [[1.5], [2.25], [3.125]], cutoffs: [1, 0.75, 0.1])),
        GeometricTermSettings(
            descriptor: .angle3b(AngleThreeBody(cutoff: CosineCutoff(cutoff: 3.5, width: 0.5), z: 14)),
            kernel: SquaredExponentialKernel(delta: 0.1, theta: [1, 0.5, 1.5]), sparseCount: 30, sparseMethod: .random)
    ]

    static func roundTrip(_ settings: FitSettings) throws -> (FitSettings, [String: Any]) {
        let data = try JSONEncoder().encode(settings)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (try JSONDecoder().decode(FitSettings.self, from: data), object)
    }

    @Test func settingsWithoutSOAPRoundTrip() throws {
        let settings = FitSettings(soap: nil, terms: Self.terms, sparseCount: 7, e0: .explicit([14: -1, 6: -2]), threads: 3)
        let (decoded, object) = try Self.roundTrip(settings)
        #expect(decoded == settings)
        #expect(decoded.soap == nil)
        #expect(object["soap"] is NSNull, "soap must be written as null")
        #expect((object["terms"] as? [Any])?.count == 2)
        #expect(decoded.terms[0].givenPoints == Self.terms[0].givenPoints)
    }

    @Test func settingsWithSOAPAndTermsRoundTrip() throws {
        let settings = FitSettings(
            soap: SOAPSettings(cutoff: 4, nMax: 4, lMax: 3, speciesZ: [14, 6]), kernel: PolynomialKernel(delta: 0.3, zeta: 2),
            terms: Self.terms, sparseCount: 50, sparseCountByElement: [6: 20], sparseMethod: .fps, jitter: 1e-8, seed: 9)
        let (decoded, _) = try Self.roundTrip(settings)
        #expect(decoded == settings)
        // Without terms, none are written and none come back.
        let (plain, object) = try Self.roundTrip(FitSettings(sparseCount: 12))
        #expect(plain.terms.isEmpty && object["terms"] == nil)
    }

    /// A record written before multi-term models has no `soap` key: it means the default SOAP term.
    @Test func aRecordWithoutSOAPKeyHasTheDefaultSOAPTerm() throws {
        let settings = FitSettings(soap: nil, terms: Self.terms, sparseCount: 7)
        var object = try Self.roundTrip(settings).1
        object["soap"] = nil
        let decoded = try JSONDecoder().decode(FitSettings.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(decoded.soap != nil)
        #expect(decoded.soap == FitSettings().soap)
        #expect(decoded.terms == Self.terms && decoded.sparseCount == 7)
        let minimal = try JSONDecoder().decode(FitSettings.self, from: Data("{}".utf8))
        #expect(minimal.soap == FitSettings().soap && minimal.terms.isEmpty)
    }
}
