#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Address family of a VRRP instance: VRRP runs over IPv4 or IPv6, never both at once.
public enum VRRPAddressFamily: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// AF_INET
    case ipv4
    /// AF_INET6
    case ipv6

    /// Bytes of one address of this family in a VRRP message.
    public var addressLength: Int { self == .ipv4 ? 4 : 16 }

    public var description: String { self == .ipv4 ? "ipv4" : "ipv6" }
}

/// An IPv4 or IPv6 address as VRRP carries it: network byte order bytes.
///
/// The VRRP library keeps its own address type so it depends on nothing but the C library;
/// a caller converts with ``bytes`` and ``init(bytes:)``.
public struct VRRPAddress: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let family: VRRPAddressFamily
    /// 4 bytes for IPv4, 16 for IPv6, in network byte order.
    public let bytes: [UInt8]

    /// Creates an address from its network-order bytes (4 or 16 of them).
    public init?(bytes: some Collection<UInt8>) {
        switch bytes.count {
        case 4: family = .ipv4
        case 16: family = .ipv6
        default: return nil
        }
        self.bytes = Array(bytes)
    }

    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (no brackets, no zone, no prefix length).
    public init?(_ text: String) {
        var v4 = in_addr()
        if text.withCString({ inet_pton(AF_INET, $0, &v4) }) == 1 {
            family = .ipv4
            bytes = withUnsafeBytes(of: v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if text.withCString({ inet_pton(AF_INET6, $0, &v6) }) == 1 {
            family = .ipv6
            bytes = withUnsafeBytes(of: v6) { Array($0) }
            return
        }
        return nil
    }

    /// The IPv4 VRRP multicast group, 224.0.0.18 (RFC 5798 §5.1.1.2).
    public static let ipv4MulticastGroup = VRRPAddress(bytes: [224, 0, 0, 18])!
    /// The IPv6 VRRP multicast group, ff02::12 (RFC 5798 §5.1.2.2).
    public static let ipv6MulticastGroup = VRRPAddress(
        bytes: [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12])!

    /// The VRRP multicast group of a family.
    public static func multicastGroup(_ family: VRRPAddressFamily) -> VRRPAddress {
        family == .ipv4 ? ipv4MulticastGroup : ipv6MulticastGroup
    }

    /// 224.0.0.0/4 or ff00::/8.
    public var isMulticast: Bool {
        family == .ipv4 ? (bytes[0] & 0xf0) == 0xe0 : bytes[0] == 0xff
    }

    /// The text `inet_ntop` prints.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let af = family == .ipv4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in
            inet_ntop(af, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
        }
        guard ok else { return bytes.map { String($0) }.joined(separator: ".") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Orders by family, then numerically, as VRRP compares primary addresses
    /// (RFC 5798 §6.4.3: the higher address wins a priority tie).
    public static func < (lhs: VRRPAddress, rhs: VRRPAddress) -> Bool {
        if lhs.family != rhs.family { return lhs.family == .ipv4 }
        return lhs.bytes.lexicographicallyPrecedes(rhs.bytes)
    }
}
