import Atoms
import Descriptors
import Foundation
import GAP
import Interop
import TestSupport
import Testing

@testable import CAPI

/// The C ABI called as a C caller would: handles, status codes, error text, the packed arrays and the results
/// the Python package reads. Its numbers are the library's own.
@Suite("C ABI")
struct CAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let siGap = root.appendingPathComponent("potentials/si-sw/si-sw.gap").path

    /// A rattled 8-atom diamond cell.
    static let silicon: Structure = {
        let a = 5.43
        let basis: [SIMD3<Double>] = [
            [0, 0, 0], [0, 0.5, 0.5], [0.5, 0, 0.5], [0.5, 0.5, 0], [0.25, 0.25, 0.25], [0.25, 0.75, 0.75],
            [0.75, 0.25, 0.75], [0.75, 0.75, 0.25]
        ]
        let shifts: [SIMD3<Double>] = (0..<8).map { k in
            SIMD3(0.03 * sin(Double(k)), 0.02 * cos(Double(3 * k)), -0.01 * Double(k % 3))
        }
        return Structure(
            atomicNumbers: [Int](repeating: 14, count: 8), positions: zip(basis, shifts).map { a * $0 + $1 },
            cell: Cell([a, 0, 0], [0, a, 0], [0, 0, a]), pbc: .all)
    }()

    /// The NUL-terminated text in `buffer`.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Runs a C entry point with an error buffer; returns the status and the error text.
    static func run(_ body: (UnsafeMutablePointer<CChar>, Int64) -> Int32, capacity: Int = 4096) -> (Int32, String) {
        var buffer = [CChar](repeating: 0, count: capacity)
        let status = buffer.withUnsafeMutableBufferPointer { body($0.baseAddress!, Int64(capacity)) }
        return (status, text(buffer))
    }

    static func loadPotential(_ path: String) -> (Int32, String, UnsafeMutableRawPointer?) {
        var handle: UnsafeMutableRawPointer?
        let (status, text) = run { swiftgapPotentialLoad(path, &handle, $0, $1) }
        return (status, text, handle)
    }

    @Test func potentialGivesTheLibrarysNumbers() throws {
        let (status, text, handle) = Self.loadPotential(Self.siGap)
        #expect(status == 0, "\(text)")
        defer { swiftgapFree(handle) }
        let s = Self.silicon
        let numbers = s.atomicNumbers.map(Int32.init), positions = s.positions.flatMap { [$0.x, $0.y, $0.z] }
        let cell = s.cell.matrix.rowMajor, pbc: [UInt8] = [1, 1, 1]
        var energy = 0.0
        var forces = [Double](repeating: 0, count: 24), virial = [Double](repeating: 0, count: 9)
        var energies = [Double](repeating: 0, count: 8)
        let (computed, message) = Self.run { error, capacity in
            swiftgapPotentialCompute(
                handle, 8, numbers, positions, cell, pbc, 2, &energy, &forces, &virial, &energies, nil, error, capacity)
        }
        #expect(computed == 0, "\(message)")
        let expected = try GAPPotential.load(path: Self.siGap, variances: false).potential.calculate(s)
        #expect(abs(energy - expected.energy) < 1e-10)
        for i in 0..<8 { for a in 0..<3 { #expect(abs(forces[3 * i + a] - expected.forces[i][a]) < 1e-10) } }
        for (k, w) in expected.virial.rowMajor.enumerated() { #expect(abs(virial[k] - w) < 1e-10) }
        #expect(abs(energies.reduce(0, +) - energy) < 1e-9)
    }

    @Test func errorsComeBackAsText() {
        let (status, text, handle) = Self.loadPotential("/nonexistent/model.gap")
        #expect(status == 1)
        #expect(handle == nil)
        #expect(text.contains("/nonexistent/model.gap"))
        // An element the potential does not know.
        let (_, _, si) = Self.loadPotential(Self.siGap)
        defer { swiftgapFree(si) }
        var energy = 0.0
        let (failed, message) = Self.run { error, capacity in
            swiftgapPotentialCompute(
                si, 1, [6], [0, 0, 0], [Double](repeating: 0, count: 9), [0, 0, 0], 1, &energy, nil, nil, nil, nil, error,
                capacity)
        }
        #expect(failed == 1)
        #expect(message.contains("C"), "\(message)")
        // Variances from a potential saved without them, and bad arguments.
        var variances = [0.0]
        let (noVariance, why) = Self.run { error, capacity in
            swiftgapPotentialCompute(
                si, 1, [14], [0, 0, 0], [Double](repeating: 0, count: 9), [0, 0, 0], 1, &energy, nil, nil, nil, &variances,
                error, capacity)
        }
        #expect(noVariance == 1 && why.contains("variance"))
        let (badThreads, _) = Self.run { error, capacity in
            swiftgapPotentialCompute(
                si, 1, [14], [0, 0, 0], [Double](repeating: 0, count: 9), [0, 0, 0], 0, &energy, nil, nil, nil, nil, error,
                capacity)
        }
        #expect(badThreads == 1)
        let (wrongHandle, kind) = Self.run { error, capacity in
            var d: UnsafeMutableRawPointer?
            _ = swiftgapDescriptorNew(#"{"kind": "coulomb_matrix", "n_atoms_max": 3}"#, &d, error, capacity)
            defer { swiftgapFree(d) }
            return swiftgapPotentialCompute(
                d, 1, [14], [0, 0, 0], [Double](repeating: 0, count: 9), [0, 0, 0], 1, &energy, nil, nil, nil, nil, error,
                capacity)
        }
        #expect(wrongHandle == 1 && kind.contains("PotentialBox"), "\(kind)")
    }

    /// A small Si potential with variance factors (4 training configurations, 20 sparse points), saved in
    /// `folder`; returns its path.
    static func varianceGap(in folder: TemporaryFolder) throws -> String {
        let train = root.appendingPathComponent("training-sets/si-sw/train.xyz").path
        let frames = Array(try ExtXYZReader.read(path: train).prefix(4))
        let settings = FitSettings(
            soap: SOAPSettings(cutoff: 4, nMax: 3, lMax: 2, speciesZ: [14]), sparseCount: 20, e0: .average, threads: 2)
        let (gap, _) = try GAPTrainer.fit(frames, settings: settings)
        let path = folder.path("variance.gap")
        try gap.write(
            to: path,
            fit: FitRecord(
                settings: settings, trainingFile: train, trainingSHA256: "", trainingConfigurations: frames.count,
                observations: 0, reciprocalCondition: 0),
            codeVersion: "test")
        return path
    }

    /// The standard deviations of both models are the library's, force components in atom-major order; a model code
    /// other than 0 and 1 and a potential without variance factors are errors.
    @Test func uncertaintyGivesTheLibrarysDeviations() throws {
        let folder = try TemporaryFolder(prefix: "swiftgap-capi")
        let path = try Self.varianceGap(in: folder)
        let (status, text, handle) = Self.loadPotential(path)
        #expect(status == 0, "\(text)")
        defer { swiftgapFree(handle) }
        let gap = try GAPPotential.load(path: path).potential
        let s = Self.silicon
        let numbers = s.atomicNumbers.map(Int32.init), positions = s.positions.flatMap { [$0.x, $0.y, $0.z] }
        let cell = s.cell.matrix.rowMajor, pbc: [UInt8] = [1, 1, 1]
        for (code, model) in [(Int32(0), UncertaintyModel.full), (1, .projected)] {
            var energyStd = 0.0
            var forceStd = [Double](repeating: 0, count: 24)
            let (computed, message) = Self.run { error, capacity in
                swiftgapPotentialUncertainty(
                    handle, 8, numbers, positions, cell, pbc, 2, code, &energyStd, &forceStd, error, capacity)
            }
            #expect(computed == 0, "\(message)")
            let expected = try #require(try gap.uncertainty(s, model: model))
            #expect(energyStd > 0 && abs(energyStd - expected.energy) <= 1e-12 * expected.energy)
            for i in 0..<8 {
                for a in 0..<3 {
                    #expect(abs(forceStd[3 * i + a] - expected.forces[i][a]) <= 1e-12 * expected.forces[i].max())
                }
            }
        }
        var energyStd = 0.0
        let (badModel, why) = Self.run { error, capacity in
            swiftgapPotentialUncertainty(handle, 8, numbers, positions, cell, pbc, 1, 2, &energyStd, nil, error, capacity)
        }
        #expect(badModel == 1 && why.contains("model"), "\(why)")
        let (_, _, plain) = Self.loadPotential(Self.siGap)
        defer { swiftgapFree(plain) }
        let (noVariance, message) = Self.run { error, capacity in
            swiftgapPotentialUncertainty(plain, 8, numbers, positions, cell, pbc, 1, 0, &energyStd, nil, error, capacity)
        }
        #expect(noVariance == 1 && message.contains("no variance factors"), "\(message)")
    }

    @Test func errorTextIsCutAtACharacterBoundary() {
        var buffer = [CChar](repeating: 0x7F, count: 6)
        write("aβγδ", to: &buffer, capacity: 6)  // a (1 byte) β γ δ (2 bytes each)
        #expect(Self.text(buffer) == "aβγ")
        write("aββ", to: &buffer, capacity: 5)
        #expect(Self.text(buffer) == "aβ")
        write("aβ€", to: &buffer, capacity: 6)  // € is 3 bytes: cut after 2
        #expect(Self.text(buffer) == "aβ")
        write("ok", to: &buffer, capacity: 6)
        #expect(Self.text(buffer) == "ok")
    }

    @Test func metadataIsJSON() throws {
        let (_, _, handle) = Self.loadPotential(Self.siGap)
        defer { swiftgapFree(handle) }
        var length: Int64 = 0
        let (small, _) = Self.run { swiftgapPotentialMetadata(handle, nil, 0, &length, $0, $1) }
        #expect(small == 0 && length > 100)
        var text = [CChar](repeating: 0, count: Int(length) + 1)
        let (full, _) = Self.run { swiftgapPotentialMetadata(handle, &text, length + 1, &length, $0, $1) }
        #expect(full == 0)
        let json = try JSONSerialization.jsonObject(with: Data(Self.text(text).utf8)) as? [String: Any]
        #expect(json?["elements"] as? [Int] == [14])
        #expect(json?["has_variance"] as? Bool == false)
    }

    @Test func descriptorSettingsAreChecked() {
        for (settings, expected) in [
            (#"{"kind": "soap", "species": [1], "r_cut": 3, "n_max": 2, "l_max": 2, "sigma": 0.5, "nmax": 3}"#, "nmax"),
            (#"{"kind": "acsf"}"#, "acsf"),
            (#"{"kind": "soap", "species": [1], "r_cut": 0.5, "n_max": 2, "l_max": 2, "sigma": 0.5}"#, "cutoff"),
            (#"{"kind": "coulomb_matrix", "n_atoms_max": 3, "permutation": "sorted"}"#, "sorted"),
            (
                #"{"kind": "soap", "species": [1], "r_cut": 3, "n_max": 2, "l_max": 2, "sigma": 0.5, "weighting": {"function": "gauss"}}"#,
                "gauss"
            ),
            ("not json", "settings")
        ] {
            var handle: UnsafeMutableRawPointer?
            let (status, text) = Self.run { swiftgapDescriptorNew(settings, &handle, $0, $1) }
            #expect(status == 1 && handle == nil)
            #expect(text.contains(expected), "\(text)")
        }
    }

    /// fill false: zeroed arrays, as calloc gives them; true: arrays of NaN, which the call must overwrite everywhere.
    @Test(arguments: [false, true])
    func descriptorDerivativesGoIntoDenseArrays(fill: Bool) throws {
        var handle: UnsafeMutableRawPointer?
        let settings = #"{"kind": "soap", "species": [14], "r_cut": 3.5, "n_max": 3, "l_max": 2, "sigma": 0.5, "periodic": true}"#
        #expect(Self.run { swiftgapDescriptorNew(settings, &handle, $0, $1) }.0 == 0)
        defer { swiftgapFree(handle) }
        let D = Int(swiftgapDescriptorFeatures(handle))
        let soap = try SOAP.dscribe(species: [14], cutoff: 3.5, nMax: 3, lMax: 2, atomSigma: 0.5, periodic: true)
        #expect(D == soap.numberOfFeatures)
        // Two structures: the cell, and its first 5 atoms as a molecule; centers 1 and 4 of the first, all of the second.
        let s = Self.silicon
        var molecule = s.selecting(Array(0..<5))
        molecule.pbc = .none
        molecule.cell = .empty
        let structures = [s, molecule]
        let atoms: [Int64] = [8, 5], numbers = structures.flatMap { $0.atomicNumbers.map(Int32.init) }
        let positions = structures.flatMap { $0.positions.flatMap { [$0.x, $0.y, $0.z] } }
        let cells = structures.flatMap(\.cell.matrix.rowMajor), pbc = structures.flatMap { $0.pbc.flags.map { UInt8($0 ? 1 : 0) } }
        let centerCounts: [Int64] = [2, 5], centerAtoms: [Int64] = [1, 4, 0, 1, 2, 3, 4]
        let rowCounts: [Int64] = [2, 5]
        // Per structure: atoms in reverse order, the last one left out; one slot more than the atoms fill.
        let slots: [Int64] = structures.map { Int64($0.count) }
        let slotOf: [Int64] = structures.flatMap { s in (0..<s.count).map { $0 == s.count - 1 ? -1 : Int64(s.count - 2 - $0) } }
        var q = [Double](repeating: .nan, count: 7 * D)
        let dense = zip(rowCounts, slots).map { rows, slots in
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: Int(rows * slots) * 3 * D)
            buffer.initialize(repeating: fill ? .nan : 0)
            return buffer
        }
        defer { for buffer in dense { buffer.deallocate() } }
        func derivatives(rowCounts: [Int64], slotOf: [Int64]) -> (Int32, String) {
            let targets: [UnsafeMutablePointer<Double>?] = dense.map(\.baseAddress)
            return Self.run { error, capacity in
                swiftgapDescriptorDerivatives(
                    handle, 2, atoms, numbers, positions, cells, pbc, centerCounts, centerAtoms, nil, nil, 1, 2, fill ? 1 : 0,
                    rowCounts, &q, slotOf, slots, targets, error, capacity)
            }
        }
        let (status, text) = derivatives(rowCounts: rowCounts, slotOf: slotOf)
        #expect(status == 0, "\(text)")
        let (expectedRows, expectedBlocks) = try soap.derivatives(structures, centers: [[1, 4], [0, 1, 2, 3, 4]], threads: 1)
        // Same numbers up to rounding: the two descriptors build their radial bases apart and run on different
        // thread counts, and the last bits of the basis may differ between CPUs. The basis's orthonormalisation
        // amplifies them: one CI machine gave blocks 3.7e-12 of the largest apart. So the tolerance is relative,
        // to the largest row entry and the largest block entry.
        let rowScale = expectedRows.values.map(abs).max()!, blockScale = expectedBlocks.values.map(abs).max()!
        #expect(q.count == expectedRows.values.count)
        #expect(zip(q, expectedRows.values).map { abs($0 - $1) }.max()! < 1e-10 * rowScale)
        // The rows alone, in one call: the same numbers; a row count other than the caller's is an error.
        #expect(swiftgapDescriptorIsLocal(handle) == 1)
        var direct = [Double](repeating: .nan, count: 7 * D)
        let (rowsStatus, rowsText) = Self.run { error, capacity in
            swiftgapDescriptorRows(
                handle, 2, atoms, numbers, positions, cells, pbc, centerCounts, centerAtoms, nil, nil, 2, rowCounts, &direct,
                error, capacity)
        }
        #expect(rowsStatus == 0, "\(rowsText)")
        #expect(direct == q)
        // Refused before anything is written.
        direct = [Double](repeating: .nan, count: 7 * D)
        let (wrongStatus, wrongText) = Self.run { error, capacity in
            swiftgapDescriptorRows(
                handle, 2, atoms, numbers, positions, cells, pbc, centerCounts, centerAtoms, nil, nil, 2, [2, 4], &direct,
                error, capacity)
        }
        #expect(wrongStatus == 1 && wrongText.contains("structure 1 has 5 descriptor rows, the caller expected 4"))
        #expect(direct.allSatisfy { $0.isNaN })
        let (pointStatus, pointText) = Self.run { error, capacity in
            swiftgapDescriptorRows(
                handle, 2, atoms, numbers, positions, cells, pbc, centerCounts, [1, -1, 0, 1, 2, 3, 4], nil, nil, 2, [2, 5],
                &direct, error, capacity)
        }
        #expect(pointStatus == 1 && pointText.contains("centerPoints is NULL"), "\(pointText)")
        // Every block lands in its slot; the slot no atom fills and the left-out atom's are zero (with fill, zeroed).
        var firstRow = 0, firstAtom = 0
        for (k, s) in structures.enumerated() {
            for row in 0..<Int(rowCounts[k]) {
                let unused = ((row * s.count) + s.count - 1) * 3 * D
                #expect(dense[k][unused..<(unused + 3 * D)].allSatisfy { $0 == 0 })
            }
            var seen = 0
            for b in 0..<expectedBlocks.count where expectedRows.structure[expectedBlocks.row[b]] == k {
                let atom = expectedBlocks.atom[b], row = expectedBlocks.row[b] - firstRow
                guard atom != s.count - 1 else { continue }
                let start = ((row * s.count) + Int(slotOf[firstAtom + atom])) * 3 * D
                let difference = zip(dense[k][start..<(start + 3 * D)], expectedBlocks.block(b)).map { abs($0 - $1) }.max()!
                #expect(difference < 1e-10 * blockScale, "\(difference) of \(blockScale)")
                seen += 1
            }
            #expect(seen > 0)
            firstRow += Int(rowCounts[k])
            firstAtom += s.count
        }
        // Nothing is left unwritten.
        #expect(dense.allSatisfy { $0.allSatisfy(\.isFinite) })
        // Wrong row counts and slots past the arrays are refused, naming the structure.
        let (fewer, fewerText) = derivatives(rowCounts: [2, 4], slotOf: slotOf)
        #expect(fewer == 1 && fewerText.contains("structure 1 has 5 descriptor rows, the caller expected 4"), "\(fewerText)")
        var outside = slotOf
        outside[9] = 5
        let (past, pastText) = derivatives(rowCounts: rowCounts, slotOf: outside)
        #expect(past == 1 && pastText.contains("atom 1 of structure 1 has slot 5 of 5"), "\(pastText)")
    }

    @Test func locationOfSpeciesPairs() {
        var handle: UnsafeMutableRawPointer?
        let settings = #"{"kind": "soap", "species": [8, 1], "r_cut": 3, "n_max": 2, "l_max": 1, "sigma": 0.5}"#
        #expect(Self.run { swiftgapDescriptorNew(settings, &handle, $0, $1) }.0 == 0)
        defer { swiftgapFree(handle) }
        var start: Int64 = 0, stop: Int64 = 0
        #expect(Self.run { swiftgapDescriptorLocation(handle, 8, 1, &start, &stop, $0, $1) }.0 == 0)
        #expect(start < stop && stop <= swiftgapDescriptorFeatures(handle))
        let (status, text) = Self.run { swiftgapDescriptorLocation(handle, 6, 1, &start, &stop, $0, $1) }
        #expect(status == 1 && text.contains("6"))
    }
}
