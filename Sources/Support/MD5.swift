/// MD5 (RFC 1321), for checking QUIP's sparseX files against the MD5 sums a GAP XML records for them
/// (`sparseX_md5sum`), and writing those sums. MD5 is broken for security: do not use it to guard against tampering.
public enum MD5 {
    /// The size of a digest in bytes.
    public static let byteCount = 16

    /// The digest of `data` (16 bytes).
    public static func hash(data: some Sequence<UInt8>) -> [UInt8] {
        if let digest = data.withContiguousStorageIfAvailable({ hash(bytes: UnsafeRawBufferPointer($0)) }) { return digest }
        return Array(data).withUnsafeBytes { hash(bytes: $0) }
    }

    /// The digest of the bytes of `bytes` (16 bytes).
    public static func hash(bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var state: (UInt32, UInt32, UInt32, UInt32) = (0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476)
        let whole = bytes.count & ~63
        if whole > 0 { compress(&state, UnsafeRawBufferPointer(rebasing: bytes[..<whole])) }
        // The tail, a 1 bit, zeros up to 56 bytes mod 64, and the length in bits as 64-bit little-endian.
        let tail = bytes.count - whole
        var last = [UInt8](repeating: 0, count: tail < 56 ? 64 : 128)
        for i in 0..<tail { last[i] = bytes[whole + i] }
        last[tail] = 0x80
        let bits = UInt64(bytes.count) &* 8
        for i in 0..<8 { last[last.count - 8 + i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
        last.withUnsafeBytes { compress(&state, $0) }
        return [state.0, state.1, state.2, state.3].flatMap { word in
            (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) }
        }
    }

    /// Compresses the whole 64-byte blocks of `blocks` into `state`.
    private static func compress(_ state: inout (UInt32, UInt32, UInt32, UInt32), _ blocks: UnsafeRawBufferPointer) {
        var (a0, b0, c0, d0) = state
        md5SineConstants.withUnsafeBufferPointer { k in
            var offset = 0
            while offset + 64 <= blocks.count {
                @inline(__always) func x(_ i: Int) -> UInt32 {
                    UInt32(littleEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self))
                }
                var (a, b, c, d) = (a0, b0, c0, d0)
                for i in stride(from: 0, to: 16, by: 4) {
                    a = step(a, b, (b & c) | (~b & d), x(i), k[i], 7)
                    d = step(d, a, (a & b) | (~a & c), x(i + 1), k[i + 1], 12)
                    c = step(c, d, (d & a) | (~d & b), x(i + 2), k[i + 2], 17)
                    b = step(b, c, (c & d) | (~c & a), x(i + 3), k[i + 3], 22)
                }
                for i in stride(from: 16, to: 32, by: 4) {
                    a = step(a, b, (b & d) | (c & ~d), x((5 * i + 1) & 15), k[i], 5)
                    d = step(d, a, (a & c) | (b & ~c), x((5 * i + 6) & 15), k[i + 1], 9)
                    c = step(c, d, (d & b) | (a & ~b), x((5 * i + 11) & 15), k[i + 2], 14)
                    b = step(b, c, (c & a) | (d & ~a), x((5 * i + 16) & 15), k[i + 3], 20)
                }
                for i in stride(from: 32, to: 48, by: 4) {
                    a = step(a, b, b ^ c ^ d, x((3 * i + 5) & 15), k[i], 4)
                    d = step(d, a, a ^ b ^ c, x((3 * i + 8) & 15), k[i + 1], 11)
                    c = step(c, d, d ^ a ^ b, x((3 * i + 11) & 15), k[i + 2], 16)
                    b = step(b, c, c ^ d ^ a, x((3 * i + 14) & 15), k[i + 3], 23)
                }
                for i in stride(from: 48, to: 64, by: 4) {
                    a = step(a, b, c ^ (b | ~d), x((7 * i) & 15), k[i], 6)
                    d = step(d, a, b ^ (a | ~c), x((7 * i + 7) & 15), k[i + 1], 10)
                    c = step(c, d, a ^ (d | ~b), x((7 * i + 14) & 15), k[i + 2], 15)
                    b = step(b, c, d ^ (c | ~a), x((7 * i + 21) & 15), k[i + 3], 21)
                }
                a0 &+= a
                b0 &+= b
                c0 &+= c
                d0 &+= d
                offset += 64
            }
        }
        state = (a0, b0, c0, d0)
    }
}

/// One MD5 operation: `b + ((a + f + x + k) <<< s)`.
@inline(__always) private func step(_ a: UInt32, _ b: UInt32, _ f: UInt32, _ x: UInt32, _ k: UInt32, _ s: UInt32) -> UInt32 {
    let sum = a &+ f &+ x &+ k
    return b &+ ((sum &<< s) | (sum &>> (32 - s)))
}

/// ⌊2³² · |sin(i + 1)|⌋ for i in 0..<64 (RFC 1321 §3.4).
private let md5SineConstants: [UInt32] = [
    0xd76a_a478, 0xe8c7_b756, 0x2420_70db, 0xc1bd_ceee, 0xf57c_0faf, 0x4787_c62a, 0xa830_4613, 0xfd46_9501,
    0x6980_98d8, 0x8b44_f7af, 0xffff_5bb1, 0x895c_d7be, 0x6b90_1122, 0xfd98_7193, 0xa679_438e, 0x49b4_0821,
    0xf61e_2562, 0xc040_b340, 0x265e_5a51, 0xe9b6_c7aa, 0xd62f_105d, 0x0244_1453, 0xd8a1_e681, 0xe7d3_fbc8,
    0x21e1_cde6, 0xc337_07d6, 0xf4d5_0d87, 0x455a_14ed, 0xa9e3_e905, 0xfcef_a3f8, 0x676f_02d9, 0x8d2a_4c8a,
    0xfffa_3942, 0x8771_f681, 0x6d9d_6122, 0xfde5_380c, 0xa4be_ea44, 0x4bde_cfa9, 0xf6bb_4b60, 0xbebf_bc70,
    0x289b_7ec6, 0xeaa1_27fa, 0xd4ef_3085, 0x0488_1d05, 0xd9d4_d039, 0xe6db_99e5, 0x1fa2_7cf8, 0xc4ac_5665,
    0xf429_2244, 0x432a_ff97, 0xab94_23a7, 0xfc93_a039, 0x655b_59c3, 0x8f0c_cc92, 0xffef_f47d, 0x8584_5dd1,
    0x6fa8_7e4f, 0xfe2c_e6e0, 0xa301_4314, 0x4e08_11a1, 0xf753_7e82, 0xbd3a_f235, 0x2ad7_d2bb, 0xeb86_d391
]
