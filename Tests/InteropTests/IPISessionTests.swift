import Atoms
import Classical
import Foundation
import TestSupport
import Testing

@testable import Interop

/// The client's state machine and its unit and cell conventions, without sockets.
@Suite("i-PI session")
struct IPISessionTests {
    /// 8 argon atoms in a rattled, sheared periodic cell.
    static var argon: Structure {
        var s = Crystal.fcc.structure([18], a: 5.3, cubic: true).rattled(stdev: 0.1, seed: 3)
        s = s.strained(Matrix3(SIMD3(0.02, 0.03, 0), SIMD3(0, -0.01, 0.04), SIMD3(0.01, 0, 0.02)))
        return s.repeated(SIMD3(2, 1, 1))
    }

    static func lennardJones() throws -> LennardJones { try LennardJones(element: 18, epsilon: 0.0104, sigma: 3.4, cutoff: 6.0) }

    /// A session computing Lennard-Jones.
    static func session(_ template: Structure = argon) throws -> IPISession {
        let lj = try lennardJones()
        return try IPISession(template: template) { s in (try lj.calculate(s), nil) }
    }

    /// STATUS → NEEDINIT, INIT, STATUS → READY, POSDATA, STATUS → HAVEDATA, GETFORCE → FORCEREADY, EXIT.
    @Test func fullExchange() throws {
        var session = try Self.session()
        let s = Self.argon
        #expect(try session.handle(.status, number: 1) == .reply(.needInit))
        #expect(try session.handle(.initialize(IPIInitialization(bead: 2, parameters: [0])), number: 2) == .wait)
        #expect(session.bead == 2)
        #expect(try session.handle(.status, number: 3) == .reply(.ready))
        #expect(try session.handle(.positions(IPIPositions(s)), number: 4) == .wait)
        #expect(try session.handle(.status, number: 5) == .reply(.haveData))
        guard case let .reply(.forceReady(payload)) = try session.handle(.getForce, number: 6) else {
            Issue.record("no FORCEREADY")
            return
        }
        let reference = try Self.lennardJones().calculate(s)
        let back = payload.calculation
        // The positions went to Bohr and back: the same calculation to rounding.
        #expect(abs(back.energy - reference.energy) <= 1e-12 * abs(reference.energy))
        #expect(zip(back.forces, reference.forces).allSatisfy { norm($0 - $1) <= 1e-12 * max(1, norm($1)) })
        #expect((back.virial - reference.virial).maxAbs <= 1e-12 * reference.virial.maxAbs)
        #expect(zip(try #require(back.atomEnergies), try #require(reference.atomEnergies)).allSatisfy { abs($0 - $1) <= 1e-14 })
        #expect(abs(payload.energy - reference.energy / Units.hartree) <= 1e-12 * abs(payload.energy))
        #expect((payload.virial - (1 / Units.hartree) * reference.virial.transposed).maxAbs <= 1e-12 * payload.virial.maxAbs)
        #expect(try session.handle(.status, number: 7) == .reply(.ready))
        #expect(try session.handle(.exit, number: 8) == .exit)
        #expect(session.requests == 1)
    }

    /// ASE's server may skip INIT: POSDATA is taken in NEEDINIT.
    @Test func positionsWithoutInit() throws {
        var session = try Self.session()
        #expect(try session.handle(.positions(IPIPositions(Self.argon)), number: 1) == .wait)
        #expect(session.state == .haveData)
    }

    @Test func outOfOrderMessages() throws {
        var session = try Self.session()
        #expect(
            throws: IPIError.unexpectedHeader(
                message: 1, header: "GETFORCE", reason: "the client is NEEDINIT: no positions have been sent")
        ) {
            try session.handle(.getForce, number: 1)
        }
        _ = try session.handle(.positions(IPIPositions(Self.argon)), number: 2)
        #expect(throws: IPIError.self) { try session.handle(.positions(IPIPositions(Self.argon)), number: 3) }
        #expect(throws: IPIError.self) { try session.handle(.initialize(IPIInitialization(bead: 0, parameters: [])), number: 4) }
        #expect(throws: IPIError.self) { try session.handle(.ready, number: 5) }
    }

    /// Found by FuzzIPIMessage: positions decoded without an expected atom count, for fewer atoms than the
    /// template, trapped in `Structure.init`; the session refuses them itself.
    @Test func positionsForAnotherAtomCount() throws {
        var session = try Self.session()
        let bytes = try Data(contentsOf: Fixtures.url("ipi/regress_atom_count_mismatch.bin"))
        var source = IPIByteBuffer(Array(bytes))
        var decoder = IPIDecoder()
        var failure: IPIError?
        do {
            while let message = try decoder.nextFromServer(&source) {
                if try session.handle(message, number: decoder.messageCount) == .exit { break }
            }
        } catch {
            failure = error
        }
        guard case .atomCountMismatch(_, "POSDATA", _, 8)? = failure else {
            Issue.record("\(String(describing: failure))")
            return
        }
        let four = IPIPositions(Crystal.fcc.structure([18], a: 5.3, cubic: true))
        #expect(throws: IPIError.atomCountMismatch(message: 3, header: "POSDATA", count: 4, expected: 8)) {
            try session.handle(.positions(four), number: 3)
        }
    }

    @Test func batchedInitIsRefused() throws {
        var session = try Self.session()
        let message = IPIMessage.initialize(IPIInitialization(bead: 0, parameters: Array("batch_size:8".utf8)))
        #expect(throws: IPIError.self) { try session.handle(message, number: 1) }
        #expect(
            try session.handle(.initialize(IPIInitialization(bead: 0, parameters: Array("batch_size:1".utf8))), number: 2) == .wait)
    }

    /// The wire cell's columns are the lattice vectors (i-PI's h, ASE's `cell.T`); positions and cell come back in Å.
    @Test func cellConvention() throws {
        let s = Self.argon
        let wire = IPIPositions(s)
        #expect(wire.cell[0, 1] == s.cell[1][0] / Units.bohr)
        #expect(wire.cell[2, 0] == s.cell[0][2] / Units.bohr)
        let back = wire.structure(for: s)
        #expect((back.cell.matrix - s.cell.matrix).maxAbs <= 1e-14 * s.cell.matrix.maxAbs)
        #expect(zip(back.positions, s.positions).allSatisfy { norm($0 - $1) <= 1e-14 * norm($1) })
        #expect(back.atomicNumbers == s.atomicNumbers && back.pbc == s.pbc)
        // An upper-triangular i-PI h: a along x, b in the xy plane.
        let h = Matrix3(SIMD3(10, 2, 1), SIMD3(0, 9, 3), SIMD3(0, 0, 8))
        let fromIPI = IPIPositions(cell: h, inverseCell: .zero, positions: [SIMD3<Double>](repeating: .zero, count: s.count))
        let cell = fromIPI.structure(for: s).cell
        #expect(cell[0] == SIMD3(10, 0, 0) * Units.bohr)
        #expect(cell[1] == SIMD3(2, 9, 0) * Units.bohr)
        #expect(cell[2] == SIMD3(1, 3, 8) * Units.bohr)
    }

    /// ASE sends a zero cell for a non-periodic system: the template's cell and periodicity stay.
    @Test func zeroCellKeepsTheTemplates() throws {
        let molecule = Structure(
            atomicNumbers: [18, 18, 18], positions: [.zero, SIMD3(3.8, 0, 0), SIMD3(1.9, 3.3, 0)],
            cell: .orthorhombic(SIMD3(20, 20, 20)))
        var session = try Self.session(molecule)
        let wire = IPIPositions(cell: .zero, inverseCell: .zero, positions: molecule.positions.map { $0 / Units.bohr })
        #expect(wire.structure(for: molecule).cell == molecule.cell)
        _ = try session.handle(.positions(wire), number: 1)
        guard case let .reply(.forceReady(payload)) = try session.handle(.getForce, number: 2) else {
            Issue.record("no FORCEREADY")
            return
        }
        let reference = try Self.lennardJones().calculate(molecule)
        #expect(abs(payload.calculation.energy - reference.energy) <= 1e-12 * abs(reference.energy))
    }

    /// A failing calculation and a non-finite result are typed errors naming the request.
    @Test func calculationFailures() throws {
        struct Boom: Error {}
        var failing = try IPISession(template: Self.argon) { _ in throw Boom() }
        #expect(throws: IPIError.calculation(request: 1, reason: "Boom()")) {
            try failing.handle(.positions(IPIPositions(Self.argon)), number: 1)
        }
        var nan = try IPISession(template: Self.argon) { s in
            (
                Calculation(energy: 1, forces: [SIMD3<Double>](repeating: .zero, count: s.count), virial: .zero),
                [Double](repeating: .nan, count: s.count)
            )
        }
        #expect(throws: IPIError.nonFiniteResult(request: 1, what: "per-atom variance")) {
            try nan.handle(.positions(IPIPositions(Self.argon)), number: 1)
        }
        #expect(throws: IPIError.badStructure(reason: "it has no atoms")) {
            try IPISession(template: Structure(atomicNumbers: [], positions: [])) { _ in throw Boom() }
        }
    }

    /// The extra string is JSON with the per-atom energies and variances, numbers read back exactly.
    @Test func extrasJSON() throws {
        let energies = [-1.25, 1e-5, 0.1 + 0.2, -0.0]
        let variances = [1e-300, 2.5e-7, 0, 12345.678e100]
        let extra = IPIExtras.json(energies: energies, variances: variances)
        #expect(IPIExtras.values("energies", in: extra) == energies)
        #expect(IPIExtras.values("variances", in: extra) == variances)
        #expect(String(decoding: IPIExtras.json(energies: nil, variances: nil), as: UTF8.self) == "{}")
        let object = try JSONSerialization.jsonObject(with: Data(extra)) as? [String: Any]
        #expect(object?.keys.sorted() == ["energies", "variances"])
    }
}
