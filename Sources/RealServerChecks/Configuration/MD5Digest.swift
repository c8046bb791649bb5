/// An MD5 digest of a response body, as keepalived's `digest` keyword and genhash write it:
/// 32 hexadecimal digits, printed in lower case.
public struct MD5Digest: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "an MD5 digest is 16 bytes")
        self.bytes = bytes
    }

    /// Parses 32 hexadecimal digits, upper or lower case.
    public init(parsing text: String) throws(CheckConfigurationError) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 32 else {
            throw CheckConfigurationError(
                .invalidDigest, "digest '\(text)' should be 32 hexadecimal digits, not \(utf8.count)")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16)
        for i in stride(from: 0, to: 32, by: 2) {
            guard let high = Self.nibble(utf8[i]), let low = Self.nibble(utf8[i + 1]) else {
                throw CheckConfigurationError(.invalidDigest, "digest '\(text)' has a non-hexadecimal digit")
            }
            bytes.append(high << 4 | low)
        }
        self.bytes = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    public var description: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
