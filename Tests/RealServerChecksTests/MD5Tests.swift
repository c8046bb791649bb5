import Testing
@testable import RealServerChecks

@Suite("MD5 (RFC 1321)")
struct MD5Tests {
    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func digest(_ text: String) -> String {
        var hasher = MD5Hasher()
        hasher.update(Array(text.utf8))
        return hex(hasher.finalize())
    }

    /// The test suite of RFC 1321, appendix A.5.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321(input: String, expected: String) {
        #expect(Self.digest(input) == expected)
    }

    @Test func oneMillionA() {
        var hasher = MD5Hasher()
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1000)
        for _ in 0..<1000 { hasher.update(chunk) }
        #expect(Self.hex(hasher.finalize()) == "7707d6ae4e027c70eea2a935c2296f21")
    }

    /// Lengths around the padding boundaries (55, 56, 63, 64, 65 bytes), fed whole and in seeded
    /// random pieces, give the same digest.
    @Test func streamingMatchesOneShot() {
        var state: UInt64 = 0x5eed
        func next() -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4099] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            var whole = MD5Hasher()
            whole.update(bytes)
            var pieces = MD5Hasher()
            var offset = 0
            while offset < length {
                let n = min(length - offset, next() % 70 + 1)
                pieces.update(bytes[offset..<offset + n])
                offset += n
            }
            #expect(whole.finalize() == pieces.finalize(), "length \(length)")
            #expect(whole.finalize() == whole.finalize(), "finalize does not consume")
        }
    }
}
