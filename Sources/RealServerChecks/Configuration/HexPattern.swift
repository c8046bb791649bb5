/// A byte string written in hexadecimal, as keepalived reads `UDP_CHECK`'s `payload` and
/// `require_reply` (`read_hex_str` in lib/parser.c).
///
/// Words are separated by spaces or tabs; each word is read two digits at a time, a digit left
/// over at the end of a word being a byte of its own ("1 23 456" is 01 23 45 06). Digits are
/// case-insensitive. Where wildcards are allowed (`require_reply`), `X` or `x` stands for a
/// nibble that matches anything. Any other character makes the whole string invalid, and so
/// does an empty one.
public struct HexPattern: Hashable, Sendable, CustomStringConvertible {
    /// The bytes; wildcard nibbles are 0.
    public var bytes: [UInt8]
    /// Per byte, the bits that are wildcards (0x0f, 0xf0 or 0xff); all zero without wildcards.
    public var wildcards: [UInt8]

    public init(bytes: [UInt8], wildcards: [UInt8]? = nil) {
        self.bytes = bytes
        self.wildcards = wildcards ?? [UInt8](repeating: 0, count: bytes.count)
    }

    /// Parses keepalived's notation; `keyword` names the option in the error.
    public init(parsing text: String, allowWildcards: Bool, keyword: String) throws(CheckConfigurationError) {
        var bytes: [UInt8] = []
        var wildcards: [UInt8] = []
        let characters = Array(text.utf8)
        var index = 0
        func nibble(_ c: UInt8) throws(CheckConfigurationError) -> (value: UInt8, wildcard: Bool) {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return (c - UInt8(ascii: "0"), false)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return (c - UInt8(ascii: "a") + 10, false)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return (c - UInt8(ascii: "A") + 10, false)
            case UInt8(ascii: "x") where allowWildcards, UInt8(ascii: "X") where allowWildcards: return (0, true)
            default:
                throw CheckConfigurationError(
                    .invalidHex,
                    "invalid hex string for \(keyword) at character \(index + 1): '\(Character(Unicode.Scalar(c)))'")
            }
        }
        while true {
            while index < characters.count && (characters[index] == 0x20 || characters[index] == 0x09) { index += 1 }
            guard index < characters.count else { break }
            var (value, wild) = try nibble(characters[index])
            var mask: UInt8 = wild ? 0x0f : 0
            index += 1
            // keepalived pairs the next character unless the string ends or a space follows (not a tab).
            if index < characters.count && characters[index] != 0x20 {
                let (low, lowWild) = try nibble(characters[index])
                value = value << 4 | low
                mask = mask << 4 | (lowWild ? 0x0f : 0)
                index += 1
            }
            bytes.append(value)
            wildcards.append(mask)
        }
        guard !bytes.isEmpty else {
            throw CheckConfigurationError(.invalidHex, "\(keyword) needs a hex string")
        }
        self.init(bytes: bytes, wildcards: wildcards)
    }

    /// True when `byte` equals the pattern's byte at `index` outside its wildcard bits.
    func matches(_ byte: UInt8, at index: Int) -> Bool {
        (byte ^ bytes[index]) & ~wildcards[index] == 0
    }

    public var description: String {
        zip(bytes, wildcards).map { byte, mask in
            let digits = Array("0123456789abcdef")
            let high = mask & 0xf0 != 0 ? "x" : String(digits[Int(byte >> 4)])
            let low = mask & 0x0f != 0 ? "x" : String(digits[Int(byte & 0x0f)])
            return high + low
        }.joined()
    }
}
