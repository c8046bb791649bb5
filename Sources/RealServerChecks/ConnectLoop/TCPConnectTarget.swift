#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `TCP_CHECK` as ``TCPConnectLoop`` runs it: addresses parsed once, so a probe parses nothing.
///
/// Only IP literals: a check whose target or `bindto` is a host name (the command line accepts
/// them) is run by the SwiftNIO ``TCPProbe`` instead, which resolves it per probe.
struct TCPConnectTarget: Sendable {
    var target: RawSocketAddress
    /// keepalived `bindto` / `bind_port`, as `TCPCheck.sourceAddress()`.
    var source: RawSocketAddress?
    /// keepalived `connect_timeout`.
    var timeout: Duration

    init?(_ check: TCPCheck) {
        guard let target = RawSocketAddress(ip: check.target.host, port: check.target.port) else { return nil }
        self.target = target
        if check.bindAddress != nil || check.bindPort != nil {
            let host = check.bindAddress ?? (check.target.isIPv6 ? "::" : "0.0.0.0")
            guard let source = RawSocketAddress(ip: host, port: check.bindPort ?? 0) else { return nil }
            self.source = source
        }
        self.timeout = check.connectTimeout
    }
}

/// An IPv4 or IPv6 socket address, ready for `bind` and `connect`. Kept in a `sockaddr_in6`, which
/// holds a `sockaddr_in` too: 28 bytes rather than `sockaddr_storage`'s 128, copied on every probe.
struct RawSocketAddress: Sendable {
    var storage = sockaddr_in6()
    var length: socklen_t = 0

    /// Parses an IPv4 or IPv6 literal (no scope id, no host name); nil otherwise.
    init?(ip: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        let parsed = withUnsafeMutableBytes(of: &storage) { raw -> socklen_t? in
            if let v4 = Self.parse(ip, family: AF_INET, as: in_addr.self) {
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = UInt16(port).bigEndian
                address.sin_addr = v4
                raw.storeBytes(of: address, as: sockaddr_in.self)
                return socklen_t(MemoryLayout<sockaddr_in>.size)
            }
            if let v6 = Self.parse(ip, family: AF_INET6, as: in6_addr.self) {
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = UInt16(port).bigEndian
                address.sin6_addr = v6
                raw.storeBytes(of: address, as: sockaddr_in6.self)
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            }
            return nil
        }
        guard let parsed else { return nil }
        length = parsed
    }

    /// `AF_INET` or `AF_INET6`.
    var family: Int32 { Int32(storage.sin6_family) }

    private static func parse<T>(_ text: String, family: Int32, as: T.Type) -> T? {
        return withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer -> T? in
            guard inet_pton(family, text, buffer.baseAddress) == 1 else { return nil }
            return buffer[0]
        }
    }
}
