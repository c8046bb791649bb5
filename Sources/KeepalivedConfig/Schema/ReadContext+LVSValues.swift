/// Value readers for the keywords of `global_defs`, `virtual_server`, `real_server` and the
/// checkers (keepalived's check_parser.c, check_api.c, global_parser.c).
extension ReadContext {
    /// keepalived's `read_timer`: seconds with up to six decimal places (microseconds), at
    /// least `minimum` microseconds. Returns the duration.
    mutating func timer(_ statement: ConfigStatement, minimumMicroseconds minimum: Int = 0,
                        maximumMicroseconds maximum: Int = Int(UInt32.max) * 1_000_000) -> Duration? {
        decimal(statement, 0, digits: 6, in: minimum...maximum).map { Duration.microseconds($0) }
    }

    /// A whole number of seconds as a duration (keepalived's `read_unsigned_strvec` then
    /// `* TIMER_HZ`).
    mutating func wholeSeconds(_ statement: ConfigStatement, in range: ClosedRange<Int>) -> Duration? {
        integer(statement, 0, in: range).map { Duration.seconds($0) }
    }

    /// An address followed by an optional port, as `virtual_server`, `real_server` and
    /// `sorry_server` take them. keepalived (since 2.0.7) reads a port of `0` (any number of
    /// zeros) as no port; so does this reader (nil port).
    mutating func addressAndPort(_ statement: ConfigStatement, addressIndex: Int = 0)
        -> (address: InetAddress, port: UInt16?)? {
        guard let token = argument(statement, addressIndex, "an address") else { return nil }
        guard let address = address(token) else { return nil }
        guard statement.arguments.indices.contains(addressIndex + 1) else { return (address, nil) }
        let portToken = statement.arguments[addressIndex + 1]
        if !portToken.text.isEmpty, portToken.text.utf8.allSatisfy({ $0 == UInt8(ascii: "0") }) {
            return (address, nil)
        }
        guard let port = integer(portToken, in: 1...65535, for: "port") else { return nil }
        return (address, UInt16(port))
    }

    /// `USER [GROUP]` of `script_user` and MISC_CHECK's `user`. Names are not looked up
    /// (the library reads no machine state; Director resolves them).
    mutating func scriptUser(_ statement: ConfigStatement) -> ScriptUser? {
        guard let user = argument(statement, 0, "a user name") else { return nil }
        extraArguments(statement, after: 2)
        let group = statement.arguments.count > 1 ? statement.arguments[1].text : nil
        return ScriptUser(user: user.text, group: group)
    }

    /// MISC_CHECK's `misc_path`: keepalived cuts the line with its quoting rules, takes the
    /// first word after the keyword and cuts that again into program and arguments
    /// (check_misc.c misc_path_handler, lib/notify.c set_script_params_array). So
    /// `misc_path "/bin/check -p 80"` runs `/bin/check` with two arguments and
    /// `misc_path /bin/check -p 80` runs `/bin/check` alone: the other words are ignored
    /// (warned about here).
    mutating func miscPath(_ statement: ConfigStatement) -> ScriptCommand? {
        guard argument(statement, 0, "a command") != nil else { return nil }
        switch statement.quotedEscapedWords() {
        case .failure(let diagnostic):
            diagnostics.append(diagnostic)
            return nil
        case .success(let words):
            guard words.count > 1 else { return nil }
            if words.count > 2 {
                let extra = words[2...].map(\.text).joined(separator: " ")
                warning("'\(extra)' after the command is ignored; quote the whole command line to pass arguments",
                        at: words[2].position)
            }
            return command(words[1])
        }
    }

    /// A string value: the first argument (keepalived's `set_value` takes the first word
    /// only); extra words are warned about.
    mutating func text(_ statement: ConfigStatement, _ what: String = "a value") -> String? {
        guard let token = argument(statement, 0, what) else { return nil }
        extraArguments(statement, after: 1)
        return token.text
    }

    /// A hexadecimal byte string as UDP_CHECK's `payload` takes it: the arguments joined,
    /// an even number of hex digits (keepalived's read_hex_str).
    mutating func hexBytes(_ statement: ConfigStatement) -> [UInt8]? {
        guard let first = argument(statement, 0, "hexadecimal bytes") else { return nil }
        let text = statement.arguments.map(\.text).joined()
        guard let bytes = Self.parseHex(text) else {
            error("'\(text)' is not an even number of hexadecimal digits", at: first.position)
            return nil
        }
        return bytes
    }

    static func parseHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
