#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import IPVSNetlink

/// The C library's number and address parsers, with their leniencies, as
/// ipvsadm relies on them.
enum CParsing {
    /// strtol(3) in base 10 over the whole string: leading white space and a
    /// sign allowed, at least one digit, nothing after. nil on junk or overflow.
    static func strtol(_ text: String) -> Int64? {
        var bytes = Substring(text).utf8[...]
        while let c = bytes.first, c == 0x20 || (0x09...0x0D).contains(c) { bytes = bytes.dropFirst() }
        var negative = false
        if let c = bytes.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            negative = c == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        guard !bytes.isEmpty else { return nil }
        var value: Int64 = 0
        for c in bytes {
            guard (0x30...0x39).contains(c) else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(c - 0x30))
            if o1 || o2 { return nil }
            value = s
        }
        return negative ? -value : value
    }

    /// ipvsadm's string_to_number: strtol within [min, max], else nil.
    static func number(_ text: String, min: Int64, max: Int64) -> Int64? {
        guard let n = strtol(text), n >= min, n <= max else { return nil }
        return n
    }

    /// atoi(3): leading digits after optional white space and sign, 0 when none.
    static func atoi(_ text: String) -> Int32 {
        var bytes = Substring(text).utf8[...]
        while let c = bytes.first, c == 0x20 || (0x09...0x0D).contains(c) { bytes = bytes.dropFirst() }
        var negative = false
        if let c = bytes.first, c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            negative = c == UInt8(ascii: "-")
            bytes = bytes.dropFirst()
        }
        var value: Int64 = 0
        for c in bytes {
            guard (0x30...0x39).contains(c) else { break }
            value = value &* 10 &+ Int64(c - 0x30)
        }
        return Int32(truncatingIfNeeded: negative ? -value : value)
    }

    /// 1 to 5 ASCII digits and nothing else, the common case of `strtol` for ports and
    /// weights, without making a String. nil for anything else (then use `strtol`).
    static func plainDecimal(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 5 else { return nil }
        var value: Int64 = 0
        for c in bytes {
            guard c >= 0x30 && c <= 0x39 else { return nil }
            value = value * 10 + Int64(c - 0x30)
        }
        return value
    }

    /// The canonical dotted quad ("10.0.0.1": four decimal parts of 0-255 without leading
    /// zeros), which inet_aton(3) reads the same way, as network-order bytes without a C call.
    /// nil for anything else, including the forms inet_aton reads differently (then use it).
    static func dottedDecimalIPv4(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard bytes.count >= 7, bytes.count <= 15 else { return nil }
        var parts: [UInt8] = []
        parts.reserveCapacity(4)
        var value = 0
        var digits = 0
        var leadingZero = false
        for c in bytes {
            if c == UInt8(ascii: ".") {
                guard digits > 0, parts.count < 3 else { return nil }
                parts.append(UInt8(value))
                value = 0
                digits = 0
                leadingZero = false
                continue
            }
            guard c >= 0x30 && c <= 0x39, !leadingZero, digits < 3 else { return nil }
            if digits == 0 && c == 0x30 { leadingZero = true }
            value = value * 10 + Int(c - 0x30)
            guard value <= 255 else { return nil }
            digits += 1
        }
        guard digits > 0, parts.count == 3 else { return nil }
        parts.append(UInt8(value))
        return parts
    }

    /// inet_aton(3): dotted IPv4 with its old forms (10.1, 0x0a000001, 012.0.0.1).
    static func inetAton(_ text: String) -> IPAddress? {
        var addr = in_addr()
        guard inet_aton(text, &addr) != 0 else { return nil }
        return IPAddress(bytes: withUnsafeBytes(of: addr) { Array($0) })
    }

    /// inet_pton(AF_INET6, ...).
    static func inet6Pton(_ text: String) -> IPAddress? {
        var addr = in6_addr()
        guard inet_pton(AF_INET6, text, &addr) == 1 else { return nil }
        return IPAddress(bytes: withUnsafeBytes(of: addr) { Array($0) })
    }

    /// inet_pton(AF_INET, ...): strict dotted quad.
    static func inet4Pton(_ text: String) -> IPAddress? {
        var addr = in_addr()
        guard inet_pton(AF_INET, text, &addr) == 1 else { return nil }
        return IPAddress(bytes: withUnsafeBytes(of: addr) { Array($0) })
    }

    /// strerror(3).
    static func errorText(_ errno: Int32) -> String {
        String(cString: strerror(errno))
    }
}
