/// keepalived `PING_CHECK`: one ICMP echo request (IPv4) or ICMPv6 echo request per probe;
/// an echo reply within `connect_timeout` passes (keepalived/check/check_ping.c).
///
/// As keepalived: 128 bytes of payload (its `set_buf` text) after the 8-byte header; any echo
/// reply on the socket passes, any other ICMP message on it fails, silence fails.
/// keepalived uses only unprivileged ping sockets and widens `net.ipv4.ping_group_range` to
/// allow them; we leave that setting alone and fall back to a raw socket (which needs
/// `CAP_NET_RAW`) when the group range does not include us, matching replies by identifier
/// and sequence there.
public struct PingCheck: Hashable, Sendable {
    /// The address to ping: keepalived `connect_ip`, defaulting to the real server. An IP address.
    public var address: String
    /// keepalived `connect_timeout` (default 5 s).
    public var connectTimeout: Duration

    public init(address: String, connectTimeout: Duration = .seconds(5)) {
        self.address = address
        self.connectTimeout = connectTimeout
    }

    /// keepalived's `ICMP_BUFSIZE`.
    public static let payloadSize = 128
}
