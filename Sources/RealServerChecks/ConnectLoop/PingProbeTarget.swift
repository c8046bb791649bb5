/// A `PING_CHECK` as ``TCPConnectLoop`` runs it: the address parsed once. The loop picks the
/// identifier and sequence of the echo request (used to match replies on a raw socket; a ping
/// socket's identifier is set by the kernel).
struct PingProbeTarget: Sendable {
    var address: RawSocketAddress
    var timeout: Duration
    /// Skips the ping socket (tests of the raw path).
    var forceRaw = false

    /// keepalived's 128 bytes of `set_buf` text.
    static let payload: [UInt8] = {
        let text = Array("keepalived check - ".utf8)
        return (0..<PingCheck.payloadSize).map { text[$0 % text.count] }
    }()

    init?(_ check: PingCheck, forceRaw: Bool = false) {
        guard let address = RawSocketAddress(ip: check.address, port: 0) else { return nil }
        self.address = address
        timeout = check.connectTimeout
        self.forceRaw = forceRaw
    }
}
