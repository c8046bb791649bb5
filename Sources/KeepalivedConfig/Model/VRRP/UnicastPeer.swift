/// One line of `unicast_peer { ADDR [min_ttl N] [max_ttl N] }`.
///
/// keepalived/vrrp/vrrp_data.c, alloc_vrrp_unicast_peer: TTL bounds default to 0 and 255;
/// giving either turns on `check_unicast_src`.
public struct UnicastPeer: Sendable, Hashable {
    public let address: InetAddress
    /// Adverts from this peer with a lower TTL (IPv6: hop limit) are dropped.
    public internal(set) var minimumTTL: UInt8 = 0
    /// Adverts from this peer with a higher TTL are dropped.
    public internal(set) var maximumTTL: UInt8 = 255
    public let position: SourcePosition
}
