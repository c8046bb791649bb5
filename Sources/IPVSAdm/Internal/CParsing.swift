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
