/// SHA-256 (FIPS 180-4), one-shot or streamed: `update(data:)` any number of times, then `finalize()`.
///
/// Whole 64-byte blocks are compressed straight from the caller's bytes; only a trailing partial block is kept
/// between calls. Used for the digests SwiftGAP records (training files in a fit record, GAP XML labels).
public struct SHA256 {
    /// The size of a digest in bytes.
    public static let byteCount = 32

    private var h: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19
    )
    /// The bytes of an incomplete block (always 64 long; the first `pendingCount` count).
    private var pending = [UInt8](repeating: 0, count: 64)
    private var pendingCount = 0
    /// The message length so far in bytes.
    private var length: UInt64 = 0

    /// A hasher that has seen no bytes.
    public init() {}

    /// The digest of `data` (32 bytes).
    public static func hash(data: some Sequence<UInt8>) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: data)
        return hasher.finalize()
    }

    /// Appends `data` to the message.
    public mutating func update(data: some Sequence<UInt8>) {
        let done: Void? = data.withContiguousStorageIfAvailable { update(bytes: UnsafeRawBufferPointer($0)) }
        if done == nil { Array(data).withUnsafeBytes { update(bytes: $0) } }
    }

    /// Appends the bytes of `bytes` to the message.
    public mutating func update(bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        var rest = bytes
        length &+= UInt64(bytes.count)
        if pendingCount > 0 {
            let take = min(64 - pendingCount, rest.count)
            pending.withUnsafeMutableBytes { buffer in
                buffer.baseAddress!.advanced(by: pendingCount).copyMemory(from: rest.baseAddress!, byteCount: take)
            }
            pendingCount += take
            rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            if pendingCount < 64 { return }
            pending.withUnsafeBytes { compress($0) }
            pendingCount = 0
        }
        let whole = rest.count & ~63
        if whole > 0 { compress(UnsafeRawBufferPointer(rebasing: rest[..<whole])) }
        let tail = rest.count - whole
        if tail > 0 {
            pending.withUnsafeMutableBytes { buffer in
                buffer.baseAddress!.copyMemory(from: rest.baseAddress! + whole, byteCount: tail)
            }
            pendingCount = tail
        }
    }

    /// The digest of the bytes given so far (32 bytes); the hasher itself is left as it was.
    public func finalize() -> [UInt8] {
        var copy = self
        let bits = length &* 8
        var padding = [UInt8](repeating: 0, count: (pendingCount < 56 ? 64 : 128) - pendingCount)
        padding[0] = 0x80
        for i in 0..<8 { padding[padding.count - 1 - i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
        padding.withUnsafeBytes { copy.update(bytes: $0) }
        let words = [copy.h.0, copy.h.1, copy.h.2, copy.h.3, copy.h.4, copy.h.5, copy.h.6, copy.h.7]
        return words.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
    }

    /// Compresses the whole 64-byte blocks of `blocks` into the state.
    private mutating func compress(_ blocks: UnsafeRawBufferPointer) {
        var (h0, h1, h2, h3, h4, h5, h6, h7) = h
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            sha256RoundConstants.withUnsafeBufferPointer { k in
                var offset = 0
                while offset + 64 <= blocks.count {
                    for t in 0..<16 {
                        w[t] = UInt32(bigEndian: blocks.loadUnaligned(fromByteOffset: offset + 4 * t, as: UInt32.self))
                    }
                    for t in 16..<64 {
                        let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] &>> 3)
                        let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] &>> 10)
                        w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
                    }
                    var (a, b, c, d, e, f, g, hh) = (h0, h1, h2, h3, h4, h5, h6, h7)
                    // Eight rounds at a time with the roles of the working variables rotated instead of moved.
                    for t in stride(from: 0, to: 64, by: 8) {
                        sha256Round(a, b, c, &d, e, f, g, &hh, k[t] &+ w[t])
                        sha256Round(hh, a, b, &c, d, e, f, &g, k[t + 1] &+ w[t + 1])
                        sha256Round(g, hh, a, &b, c, d, e, &f, k[t + 2] &+ w[t + 2])
                        sha256Round(f, g, hh, &a, b, c, d, &e, k[t + 3] &+ w[t + 3])
                        sha256Round(e, f, g, &hh, a, b, c, &d, k[t + 4] &+ w[t + 4])
                        sha256Round(d, e, f, &g, hh, a, b, &c, k[t + 5] &+ w[t + 5])
                        sha256Round(c, d, e, &f, g, hh, a, &b, k[t + 6] &+ w[t + 6])
                        sha256Round(b, c, d, &e, f, g, hh, &a, k[t + 7] &+ w[t + 7])
                    }
                    h0 &+= a
                    h1 &+= b
                    h2 &+= c
                    h3 &+= d
                    h4 &+= e
                    h5 &+= f
                    h6 &+= g
                    h7 &+= hh
                    offset += 64
                }
            }
        }
        h = (h0, h1, h2, h3, h4, h5, h6, h7)
    }
}

/// One round: `d += T1`, `h = T1 + T2` (FIPS 180-4 §6.2.2 step 3, with the variables' roles passed rotated).
@inline(__always) private func sha256Round(
    _ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
    _ kw: UInt32
) {
    let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
    d &+= t1
    h = t1 &+ (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
}

@inline(__always) private func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 - n)) }

/// The first 32 bits of the fractional parts of the cube roots of the first 64 primes (FIPS 180-4 §4.2.2).
private let sha256RoundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2
]
