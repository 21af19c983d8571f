import Foundation
import Support
import Testing

@Suite("Digests")
struct DigestTests {
    /// Lower-case hexadecimal, as the call sites write digests.
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    /// The messages of the FIPS 180-4 examples (and the usual million 'a').
    private static let abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
    private static let abc896 =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
    private static let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    /// `n` bytes that are not all alike: byte i is (31 i + 7) mod 256.
    private func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    /// Messages of lengths on either side of the padding boundaries (55/56 bytes: the length still fits in the last
    /// block or not; 64: a whole block; 119/120/128: the same one block later), with their SHA-256 and MD5 as
    /// computed by Python 3.11's hashlib when this test was written:
    /// `hashlib.sha256(bytes((i * 31 + 7) & 0xff for i in range(n))).hexdigest()` (and `hashlib.md5`).
    private static let boundaries: [(count: Int, sha256: String, md5: String)] = [
        (1, "ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879", "89e74e640b8c46257a29de0616794d5d"),
        (54, "c802146d5788fb540fbf29d8ff485730ad10f4f13b78961c032e78691b582647", "3c600df998dc0e0610dc12c670346fce"),
        (55, "8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b", "c9e512626618c9980ef21a96597af94c"),
        (56, "ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63", "ecde7caa08e9f5657c863df107cac60a"),
        (57, "5b46e502092be01b1100193e089fdda95638c12e19a1d24f308eb2c3d3ae849d", "b17b1a018dd6a4d1edda8aca15f17846"),
        (63, "280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076", "2f0301069e1c40af7f6c8f843b1b13f2"),
        (64, "c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd", "b6bf87c24b1bc334e2541387a92b981b"),
        (65, "788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0", "f168246f08b6134d66bd2a10343fa9f1"),
        (119, "3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe", "d5dc3d8264de3aa24dee105910ee27fe"),
        (120, "1f80156a804cb7862ad113e8200e9d74499723e7c7854d5f48776d3148e09656", "bcc139b3848923904860d1eefd6e5923"),
        (121, "614571410beab3df68d50132a341d338575653da8374c630441bbe380b9b3136", "10aac7fe9e1def45870b0aa1c3a2faf0"),
        (127, "192409cd280e14b743642ad1343fbd3e82d9305de72c078117745a679210cc3d", "27670172396247fa5f68637f13f8933d"),
        (128, "cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356", "3e85b70ffc8df5c735ecf2a8f14f1bee"),
        (129, "81e89a7b2911aaa7795f9e3d4910cb47d6cd2b00d83b8399481527261a1a7519", "e45ecac9930fe93de302f98ba673ba36"),
        (1000, "5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179", "2b1e78d5765de9e10495a01412a1cf22")
    ]

    /// FIPS 180-4 (and its examples document): "", "abc", the 448- and 896-bit messages, one million 'a'.
    @Test func sha256MatchesTheStandardsVectors() {
        #expect(hex(SHA256.hash(data: [UInt8]())) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(data: Data("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash(data: Self.abc448.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(SHA256.hash(data: Self.abc896.utf8)) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        #expect(hex(SHA256.hash(data: Self.millionA)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        #expect(SHA256.hash(data: [UInt8]()).count == SHA256.byteCount)
    }

    /// RFC 1321's test suite (A.5), and the messages of the SHA-256 vectors with their MD5 from Python's hashlib.
    @Test func md5MatchesTheRFCVectors() {
        #expect(hex(MD5.hash(data: [UInt8]())) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex(MD5.hash(data: Data("a".utf8))) == "0cc175b9c0f1b6a831c399e269772661")
        #expect(hex(MD5.hash(data: "abc".utf8)) == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex(MD5.hash(data: "message digest".utf8)) == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(hex(MD5.hash(data: "abcdefghijklmnopqrstuvwxyz".utf8)) == "c3fcd3d76192e4007dfb496cca67e13b")
        let alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        #expect(hex(MD5.hash(data: alphanumeric.utf8)) == "d174ab98d277d9f5a5611c2c9f419d9f")
        let digits = String(repeating: "1234567890", count: 8)
        #expect(hex(MD5.hash(data: digits.utf8)) == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(hex(MD5.hash(data: Self.abc448.utf8)) == "8215ef0796a20bcaaae116d3876c664a")
        #expect(hex(MD5.hash(data: Self.abc896.utf8)) == "03dd8807a93175fb062dfb55dc7d359c")
        #expect(hex(MD5.hash(data: Self.millionA)) == "7707d6ae4e027c70eea2a935c2296f21")
        #expect(MD5.hash(data: [UInt8]()).count == MD5.byteCount)
    }

    /// Around the padding boundaries both digests agree with hashlib, from an array, `Data` and a non-contiguous
    /// sequence alike.
    @Test func lengthsAroundThePaddingBoundariesMatchHashlib() {
        for (count, sha256, md5) in Self.boundaries {
            let bytes = pattern(count)
            #expect(hex(SHA256.hash(data: bytes)) == sha256, "SHA-256 of \(count) bytes")
            #expect(hex(SHA256.hash(data: Data(bytes))) == sha256, "SHA-256 of \(count) bytes as Data")
            #expect(hex(SHA256.hash(data: bytes.lazy.map { $0 })) == sha256, "SHA-256 of \(count) bytes, not contiguous")
            #expect(hex(MD5.hash(data: bytes)) == md5, "MD5 of \(count) bytes")
            #expect(hex(MD5.hash(data: Data(bytes))) == md5, "MD5 of \(count) bytes as Data")
            #expect(hex(MD5.hash(data: bytes.lazy.map { $0 })) == md5, "MD5 of \(count) bytes, not contiguous")
        }
    }

    /// SHA-256 fed in uneven pieces (empty ones, single bytes, pieces that end just before, on and after block
    /// boundaries) gives the one-shot digest; `finalize` leaves the hasher as it was, so it can go on.
    @Test func sha256InUnevenPiecesEqualsOneShot() {
        let bytes = pattern(5000)
        let sizes = [0, 1, 7, 55, 56, 63, 64, 65, 200, 3, 0, 128, 1, 127]
        var hasher = SHA256()
        var start = 0
        var piece = 0
        while start < bytes.count {
            let end = min(bytes.count, start + sizes[piece % sizes.count])
            if piece.isMultiple(of: 2) {
                hasher.update(data: Data(bytes[start..<end]))
            } else {
                hasher.update(data: bytes[start..<end])
            }
            if piece == 5 { #expect(hasher.finalize() == SHA256.hash(data: bytes[..<end])) }
            start = end
            piece += 1
        }
        #expect(hasher.finalize() == SHA256.hash(data: bytes))
        #expect(hasher.finalize() == hasher.finalize())
        #expect(hex(SHA256.hash(data: pattern(1000))) == Self.boundaries.last!.sha256)
        for size in [1, 3, 55, 56, 64, 65, 999] {
            var chunked = SHA256()
            for start in stride(from: 0, to: Self.millionA.count, by: size) {
                chunked.update(data: Self.millionA[start..<min(start + size, Self.millionA.count)])
            }
            #expect(
                hex(chunked.finalize()) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
                "a million 'a' in pieces of \(size)")
        }
    }
}
