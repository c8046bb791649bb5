/// A command keepalived runs: a `vrrp_script`'s `script`, or a `notify*` script.
///
/// keepalived takes the first word after the keyword (quotes removed) and splits it again
/// into the program and its arguments (lib/notify.c, set_script_params_array, through
/// lib/parser.c, alloc_strvec_quoted_escaped): blanks separate words; `"..."` and `'...'`
/// group; a backslash escapes the next character, inside quotes too, and knows `\n`, `\t`,
/// `\r`, `\a`, `\b`, `\E`, `\f`, `\v`, `\xHH`, `\cX` and octal `\NNN`. So
/// `script "/usr/bin/check --port 80"` runs `/usr/bin/check` with two arguments, and
/// `script /usr/bin/check --port 80` runs `/usr/bin/check` without any (keepalived ignores
/// the other words; lvsd warns).
public struct ScriptCommand: Sendable, Hashable {
    /// The word as written in the file (quotes removed).
    public let text: String
    /// ``text`` split as keepalived splits it: the program, then its arguments.
    public let arguments: [String]
    /// The user to run it as (`notify_master /bin/x USER [GROUP]`, `vrrp_script`'s `user`);
    /// nil means keepalived's default script user.
    public internal(set) var user: String?
    public internal(set) var group: String?
    /// Where the command word stands.
    public let position: SourcePosition

    /// The program: the first of ``arguments``.
    public var program: String { arguments[0] }

    init?(_ token: ConfigToken) {
        guard let words = ScriptCommand.split(Array(token.text.utf8)), !words.isEmpty else { return nil }
        text = token.text
        arguments = words
        position = token.position
    }

    /// keepalived's alloc_strvec_quoted_escaped (lib/parser.c): nil for a missing closing
    /// quote or a trailing backslash (keepalived rejects the command then).
    static func split(_ bytes: [UInt8]) -> [String]? {
        var words: [String] = []
        var i = 0
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        func isOctal(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x37 }
        func isHex(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66)
        }
        func hex(_ b: UInt8) -> UInt8 { b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x61 + 10 }
        while i < bytes.count {
            while i < bytes.count, isSpace(bytes[i]) { i += 1 }
            guard i < bytes.count else { break }
            var word: [UInt8] = []
            var quote: UInt8 = 0
            while i < bytes.count {
                let b = bytes[i]
                if b == 0x5C {  // backslash
                    i += 1
                    guard i < bytes.count else { return nil }
                    let e = bytes[i]
                    if e == UInt8(ascii: "x"), i + 1 < bytes.count, isHex(bytes[i + 1]) {
                        var value: UInt8 = 0
                        i += 1
                        while i < bytes.count, isHex(bytes[i]) { value = value &<< 4 | hex(bytes[i]); i += 1 }
                        word.append(value)
                    } else if e == UInt8(ascii: "c"), i + 1 < bytes.count {
                        word.append(bytes[i + 1] & 0x1f)
                        i += 2
                    } else if isOctal(e) {
                        var value = e - 0x30
                        i += 1
                        for _ in 0..<2 where i < bytes.count && isOctal(bytes[i]) {
                            value = value &<< 3 &+ (bytes[i] - 0x30)
                            i += 1
                        }
                        word.append(value)
                    } else {
                        switch e {
                        case UInt8(ascii: "a"): word.append(0x07)
                        case UInt8(ascii: "b"): word.append(0x08)
                        case UInt8(ascii: "E"): word.append(0x1b)
                        case UInt8(ascii: "f"): word.append(0x0c)
                        case UInt8(ascii: "n"): word.append(0x0a)
                        case UInt8(ascii: "r"): word.append(0x0d)
                        case UInt8(ascii: "t"): word.append(0x09)
                        case UInt8(ascii: "v"): word.append(0x0b)
                        default: word.append(e)
                        }
                        i += 1
                    }
                    continue
                }
                if quote != 0 {
                    if b == quote { quote = 0 } else { word.append(b) }
                    i += 1
                    continue
                }
                if b == 0x22 || b == 0x27 {
                    quote = b
                    i += 1
                    continue
                }
                if isSpace(b) { break }
                word.append(b)
                i += 1
            }
            if quote != 0 { return nil }
            words.append(String(decoding: word, as: UTF8.self))
        }
        return words
    }
}
