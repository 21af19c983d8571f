import Atoms
import Foundation
import Testing

@testable import Interop

/// The i-PI message codec: every message survives encoding and decoding; every malformed stream is a typed
/// error naming the message, never a trap.
@Suite("i-PI codec")
struct IPICodecTests {
    static let positions = IPIPositions(
        cell: Matrix3(SIMD3(10, 0.5, -0.25), SIMD3(0, 9, 0.125), SIMD3(0, 0, 11)),
        inverseCell: Matrix3(SIMD3(0.1, 0, 0), SIMD3(0, 0.2, 0), SIMD3(0, 0, 0.3)),
        positions: [SIMD3(1, 2, 3), SIMD3(-1.5, 0.25, 1e-300), SIMD3(4, 5, 6)])
    static let forces = IPIForces(
        energy: -12.5, forces: [SIMD3(0.1, -0.2, 0.3), SIMD3(1e-17, 0, -4)],
        virial: Matrix3(SIMD3(1, 2, 3), SIMD3(4, 5, 6), SIMD3(7, 8, 9)), extra: Array(#"{"energies": [1.0, 2.0]}"#.utf8))

    /// Every message a server sends and decodes back from the concatenated stream.
    @Test func serverMessagesRoundTrip() throws {
        let messages: [IPIMessage] = [
            .status, .initialize(IPIInitialization(bead: 3, parameters: Array("hello".utf8))), .positions(Self.positions),
            .getForce, .initialize(IPIInitialization(bead: 0, parameters: [])), .exit
        ]
        var source = IPIByteBuffer(messages.flatMap(\.encoded))
        var decoder = IPIDecoder()
        var back = [IPIMessage]()
        while let m = try decoder.nextFromServer(&source) { back.append(m) }
        #expect(back == messages)
        #expect(decoder.messageCount == messages.count + 1)
    }

    @Test func clientMessagesRoundTrip() throws {
        let messages: [IPIMessage] = [.needInit, .ready, .haveData, .forceReady(Self.forces), .ready]
        var source = IPIByteBuffer(messages.flatMap(\.encoded))
        var decoder = IPIDecoder()
        var back = [IPIMessage]()
        while let m = try decoder.nextFromClient(&source) { back.append(m) }
        #expect(back == messages)
    }

    /// The wire layout of POSDATA: header, h row by row, inverse, int32 count, positions — little-endian.
    @Test func positionsLayout() {
        let bytes = IPIMessage.positions(Self.positions).encoded
        #expect(bytes.count == 12 + 72 + 72 + 4 + 3 * 24)
        #expect(Array(bytes[0..<12]) == Array("POSDATA     ".utf8))
        let h01 = bytes[(12 + 8)..<(12 + 16)].withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(Double(bitPattern: UInt64(littleEndian: h01)) == 0.5)
        #expect(Array(bytes[156..<160]) == [3, 0, 0, 0])
    }

    /// Headers padded with NULs (some C drivers) read; anything else is an unknown header shown escaped.
    @Test func headers() throws {
        #expect(IPIHeader(bytes: Array("STATUS".utf8) + [UInt8](repeating: 0, count: 6)) == .status)
        #expect(IPIHeader(bytes: Array("status      ".utf8)) == nil)
        #expect(IPIHeader(bytes: Array("STATUS".utf8)) == nil)
        var source = IPIByteBuffer(IPIMessage.status.encoded + Array("HELLO\u{01}      ".utf8))
        var decoder = IPIDecoder()
        _ = try decoder.nextFromServer(&source)
        #expect(throws: IPIError.unknownHeader(message: 2, text: "HELLO\\x01      ")) { try decoder.nextFromServer(&source) }
    }

    /// A client's header in the server's stream (and the reverse) is refused with the reason.
    @Test func headerFromTheWrongSide() {
        var source = IPIByteBuffer(IPIMessage.ready.encoded)
        var decoder = IPIDecoder()
        #expect(throws: IPIError.unexpectedHeader(message: 1, header: "READY", reason: "READY is sent by a client, not a server")) {
            try decoder.nextFromServer(&source)
        }
        var other = IPIByteBuffer(IPIMessage.getForce.encoded)
        var clientDecoder = IPIDecoder()
        #expect(throws: IPIError.self) { try clientDecoder.nextFromClient(&other) }
    }

    /// Every prefix of a POSDATA and an INIT message: nothing (clean end) or `truncated` naming the field.
    @Test func everyTruncationIsTyped() throws {
        for message in [IPIMessage.positions(Self.positions), .initialize(IPIInitialization(bead: 1, parameters: [1, 2, 3]))] {
            let bytes = message.encoded
            for cut in 0..<bytes.count {
                var source = IPIByteBuffer(Array(bytes[0..<cut]))
                var decoder = IPIDecoder()
                do {
                    let m = try decoder.nextFromServer(&source)
                    #expect(cut == 0 && m == nil, "cut \(cut)")
                } catch let error {
                    guard case let .truncated(number, _, field, expected, received) = error else {
                        Issue.record("cut \(cut): \(error)")
                        continue
                    }
                    #expect(number == 1 && received < expected && !field.isEmpty, "cut \(cut): \(error)")
                }
            }
        }
        var source = IPIByteBuffer(Array(IPIMessage.positions(Self.positions).encoded.dropLast(5)))
        var decoder = IPIDecoder()
        #expect(throws: IPIError.truncated(message: 1, header: "POSDATA", field: "the positions", expected: 72, received: 67)) {
            try decoder.nextFromServer(&source)
        }
    }

    /// The POSDATA bytes with the atom count replaced by `count`.
    static func positionsWithCount(_ count: Int32) -> [UInt8] {
        var bytes = IPIMessage.positions(Self.positions).encoded
        withUnsafeBytes(of: count.littleEndian) { bytes.replaceSubrange(156..<160, with: $0) }
        return bytes
    }

    @Test func atomCounts() {
        var limits = IPILimits()
        limits.atoms = 1000
        for bad: Int32 in [0, -1, 1001, .max, .min] {
            var source = IPIByteBuffer(Self.positionsWithCount(bad))
            var decoder = IPIDecoder(limits: limits)
            #expect(throws: IPIError.badAtomCount(message: 1, header: "POSDATA", count: Int(bad), limit: 1000)) {
                try decoder.nextFromServer(&source)
            }
        }
        var source = IPIByteBuffer(IPIMessage.positions(Self.positions).encoded)
        var decoder = IPIDecoder()
        #expect(throws: IPIError.atomCountMismatch(message: 1, header: "POSDATA", count: 3, expected: 64)) {
            try decoder.nextFromServer(&source, expectedAtoms: 64)
        }
    }

    @Test func stringLengths() {
        var limits = IPILimits()
        limits.initializationBytes = 16
        for bad: Int32 in [-1, 17, .max] {
            var bytes = IPIHeader.initialize.bytes
            bytes.appendInt32(0)
            bytes.appendInt32(bad)
            var source = IPIByteBuffer(bytes + [UInt8](repeating: 65, count: 20))
            var decoder = IPIDecoder(limits: limits)
            #expect(throws: IPIError.badLength(message: 1, header: "INIT", field: "the INIT string", length: Int(bad), limit: 16)) {
                try decoder.nextFromServer(&source)
            }
        }
    }

    @Test func nonFiniteNumbers() {
        for (offset, field, index) in [
            (12 + 8 * 4, "the cell", 4), (84 + 8 * 8, "the inverse cell", 8), (160 + 8 * 7, "the positions", 7)
        ] {
            for value in [Double.nan, .infinity, -.infinity] {
                var bytes = IPIMessage.positions(Self.positions).encoded
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(offset..<(offset + 8), with: $0) }
                var source = IPIByteBuffer(bytes)
                var decoder = IPIDecoder()
                #expect(throws: IPIError.nonFinite(message: 1, header: "POSDATA", field: field, index: index)) {
                    try decoder.nextFromServer(&source)
                }
            }
        }
    }

    /// i-PI announces batching in the INIT string; the token is found among others.
    @Test func batchSizeToken() {
        #expect(IPIInitialization(bead: 0, parameters: Array("a:1, batch_size:4".utf8)).batchSize == 4)
        #expect(IPIInitialization(bead: 0, parameters: Array(" batch_size: 1".utf8)).batchSize == 1)
        #expect(IPIInitialization(bead: 0, parameters: [0]).batchSize == nil)
    }

    /// Bohr and Hartree are ASE's CODATA 2014 values, computed as `ase.units` computes them.
    @Test func unitsAreASEs() {
        let c = 299_792_458.0, mu0 = 4.0e-7 * Double.pi, h = 6.626_070_040e-34, e = 1.602_176_6208e-19
        let me = 9.109_383_56e-31
        let eps0 = 1 / mu0 / (c * c)
        let hbar = h / (2 * Double.pi)
        let bohr = 4e10 * Double.pi * eps0 * (hbar * hbar) / me / (e * e)
        let hartree = me * e * e * e / 16 / (Double.pi * Double.pi) / (eps0 * eps0) / (hbar * hbar)
        #expect(abs(bohr - Units.bohr) <= Units.bohr.ulp)
        #expect(abs(hartree - Units.hartree) <= 2 * Units.hartree.ulp)
        #expect(Units.bohr == 0.5291772105638411 && Units.hartree == 27.211386024367243)
    }
}
