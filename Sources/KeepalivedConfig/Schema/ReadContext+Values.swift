/// Strict readers for the values keepalived's keywords take.
///
/// keepalived reads numbers with strtol and, outside `-t`, warns about trailing text and uses
/// the number it read (`100zyx` is 100: keepalived's issue #1187). lvsd reports every such
/// value as an error at the value's position, and the message says what keepalived accepts.
extension ReadContext {
    /// The argument at `index` (0 is the first word after the keyword), or an error at the end
    /// of the statement saying what is missing.
    mutating func argument(_ statement: ConfigStatement, _ index: Int = 0,
                           _ what: String = "a value") -> ConfigToken? {
        if statement.arguments.indices.contains(index) { return statement.arguments[index] }
        error("'\(statement.keyword.text)' needs \(what)", at: statement.end)
        return nil
    }

    /// Warns about arguments past the first `count`: keepalived ignores them.
    mutating func extraArguments(_ statement: ConfigStatement, after count: Int) {
        guard statement.arguments.count > count else { return }
        let extra = statement.arguments[count]
        let words = statement.arguments[count...].map(\.text).joined(separator: " ")
        warning("unexpected '\(words)' after '\(statement.keyword.text)' is ignored", at: extra.position)
    }

    /// A whole decimal integer within `range` (a leading `-` or `+` as strtol takes it).
    mutating func integer(_ statement: ConfigStatement, _ index: Int = 0,
                          in range: ClosedRange<Int>) -> Int? {
        guard let token = argument(statement, index, "a number") else { return nil }
        return integer(token, in: range, for: statement.keyword.text)
    }

    mutating func integer(_ token: ConfigToken, in range: ClosedRange<Int>, for keyword: String) -> Int? {
        guard let value = Self.parseInteger(token.text) else {
            error("'\(token.text)' is not a number (\(keyword) takes a whole number in \(range.lowerBound)...\(range.upperBound))",
                  at: token.position)
            return nil
        }
        guard range.contains(value) else {
            error("\(keyword) \(token.text) is out of range \(range.lowerBound)...\(range.upperBound)",
                  at: token.position)
            return nil
        }
        return value
    }

    /// A non-negative decimal with at most `digits` places, as an integer count of
    /// 10^-digits units: keepalived's read_decimal_unsigned. `1.5` with 6 digits is 1500000.
    /// keepalived rounds values with more places and warns; lvsd reports an error naming the
    /// rounded value, since the file does not say what it means.
    mutating func decimal(_ statement: ConfigStatement, _ index: Int = 0, digits: Int,
                          in range: ClosedRange<Int>) -> Int? {
        guard let token = argument(statement, index, "a number") else { return nil }
        return decimal(token, digits: digits, in: range, for: statement.keyword.text)
    }

    mutating func decimal(_ token: ConfigToken, digits: Int, in range: ClosedRange<Int>,
                          for keyword: String) -> Int? {
        let scale = Self.power10(digits)
        func show(_ v: Int) -> String { Self.formatDecimal(v, digits: digits) }
        guard let parsed = Self.parseDecimal(token.text, digits: digits) else {
            error("'\(token.text)' is not a number (\(keyword) takes a decimal number in \(show(range.lowerBound))...\(show(range.upperBound)))",
                  at: token.position)
            return nil
        }
        if parsed.rounded {
            error("'\(token.text)' has more than \(digits) decimal places (keepalived would read \(show(parsed.value)))",
                  at: token.position)
            return nil
        }
        guard range.contains(parsed.value) else {
            error("\(keyword) \(token.text) is out of range \(show(range.lowerBound))...\(show(range.upperBound))",
                  at: token.position)
            return nil
        }
        _ = scale
        return parsed.value
    }

    /// keepalived's check_true_false: `true`/`on`/`yes` or `false`/`off`/`no`; a keyword
    /// without an argument means `whenAbsent`.
    mutating func boolean(_ statement: ConfigStatement, _ index: Int = 0,
                          whenAbsent: Bool = true) -> Bool? {
        guard statement.arguments.indices.contains(index) else { return whenAbsent }
        let token = statement.arguments[index]
        switch token.text {
        case "true", "on", "yes": return true
        case "false", "off", "no": return false
        default:
            error("'\(token.text)' is not a boolean (\(statement.keyword.text) takes true/on/yes or false/off/no)",
                  at: token.position)
            return nil
        }
    }

    /// An IPv4 or IPv6 address (no prefix).
    mutating func address(_ statement: ConfigStatement, _ index: Int = 0) -> InetAddress? {
        guard let token = argument(statement, index, "an address") else { return nil }
        return address(token)
    }

    mutating func address(_ token: ConfigToken) -> InetAddress? {
        guard let address = InetAddress(token.text) else {
            error("'\(token.text)' is not an IPv4 or IPv6 address", at: token.position)
            return nil
        }
        return address
    }

    /// A TCP/UDP port 0...65535 (keepalived reads ports as numbers; service names are not
    /// accepted by keepalived either).
    mutating func port(_ statement: ConfigStatement, _ index: Int) -> UInt16? {
        guard let token = argument(statement, index, "a port") else { return nil }
        return integer(token, in: 0...65535, for: "port").map { UInt16($0) }
    }

    // MARK: - parsing without diagnostics

    /// strtol-like whole-token parse in base 10: optional sign, digits, nothing else.
    static func parseInteger(_ text: String) -> Int? {
        var bytes = Substring(text).utf8[...]
        var negative = false
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// keepalived's read_decimal_unsigned: digits, optionally `.` and more digits; more than
    /// `digits` places are rounded half up (and `rounded` says so).
    static func parseDecimal(_ text: String, digits: Int) -> (value: Int, rounded: Bool)? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 24 else { return nil }
        var whole = 0, fraction = 0, places = 0, sawDot = false, sawDigit = false
        var roundUp = false, rounded = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !sawDot else { return nil }
                sawDot = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            sawDigit = true
            let digit = Int(byte - UInt8(ascii: "0"))
            if !sawDot {
                whole = whole * 10 + digit
            } else if places < digits {
                fraction = fraction * 10 + digit
                places += 1
            } else {
                if !rounded { roundUp = digit >= 5 }
                rounded = true
            }
        }
        guard sawDigit else { return nil }
        let scale = power10(digits)
        var value = whole * scale + fraction * power10(digits - places)
        if roundUp { value += 1 }
        return (value, rounded)
    }

    static func power10(_ n: Int) -> Int {
        var v = 1
        for _ in 0..<max(n, 0) { v *= 10 }
        return v
    }

    static func formatDecimal(_ value: Int, digits: Int) -> String {
        let scale = power10(digits)
        var fraction = String(value % scale)
        guard digits > 0, value % scale != 0 else { return String(value / scale) }
        fraction = String(repeating: "0", count: digits - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(value / scale).\(fraction)"
    }
}
