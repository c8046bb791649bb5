#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An IPv4 or IPv6 address, as IPVS stores it (network byte order bytes).
public struct IPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let family: AddressFamily
    /// 4 bytes for IPv4, 16 for IPv6, in network byte order.
    public let bytes: [UInt8]

    /// Creates an address from its network-order bytes (4 or 16 of them).
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: family = .inet
        case 16: family = .inet6
        default: return nil
        }
        self.bytes = bytes
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (no brackets, no zone).
    public init?(_ text: String) {
        var v4 = in_addr()
        if text.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
            self.family = .inet
            self.bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if text.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 {
            self.family = .inet6
            self.bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    /// IPv4 from a host-order 32-bit value (10.0.0.1 == 0x0A000001).
    public init(ipv4 value: UInt32) {
        family = .inet
        bytes = withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    /// The all-zero address of a family (0.0.0.0 or ::), as IPVS reports for
    /// firewall-mark services.
    public static func zero(_ family: AddressFamily) -> IPAddress {
        IPAddress(bytes: [UInt8](repeating: 0, count: family == .inet ? 4 : 16))!
    }

    /// The text `inet_ntop` prints (what ipvsadm shows).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: 64)
        let af = family == .inet ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(af, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Orders by family, then numerically by bytes.
    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family.rawValue < rhs.family.rawValue }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}

/// Address family of a service or destination. AF_INET / AF_INET6.
public enum AddressFamily: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AF_INET
    case inet = 2
    /// AF_INET6
    case inet6 = 10

    public var description: String { self == .inet ? "ipv4" : "ipv6" }
}
