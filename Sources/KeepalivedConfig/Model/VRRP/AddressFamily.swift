/// IPv4 or IPv6: the family of a VRRP instance, decided by the first address that names one
/// (a virtual address, `mcast_src_ip`/`unicast_src_ip`, a unicast peer, `mcast_dst_ip`) or by
/// `native_ipv6`, and IPv4 when nothing does (keepalived/vrrp/vrrp.c, vrrp_complete_instance:
/// "Default to IPv4").
public enum AddressFamily: String, Sendable, Hashable {
    case ipv4
    case ipv6

    init(_ address: InetAddress) {
        self = address.isIPv6 ? .ipv6 : .ipv4
    }

    /// `IPv4` / `IPv6`, as messages show it.
    var displayName: String { self == .ipv4 ? "IPv4" : "IPv6" }
}
