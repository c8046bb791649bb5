/// keepalived `TCP_CHECK`: healthy when the TCP handshake completes within `connect_timeout`.
public struct TCPCheck: Hashable, Sendable {
    /// Where to connect: keepalived `connect_ip` / `connect_port`, defaulting to the real server.
    public var target: CheckEndpoint
    /// keepalived `bindto`: the source address; nil lets the kernel choose.
    public var bindAddress: String?
    /// keepalived `bind_port`: the source port; nil lets the kernel choose.
    public var bindPort: Int?
    /// keepalived `connect_timeout` (default 5 s).
    public var connectTimeout: Duration

    public init(
        target: CheckEndpoint, bindAddress: String? = nil, bindPort: Int? = nil,
        connectTimeout: Duration = .seconds(5)
    ) {
        self.target = target
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.connectTimeout = connectTimeout
    }
}
