/// A `UDP_CHECK` as ``TCPConnectLoop`` runs it: addresses parsed once.
///
/// Only IP literals; a check to a host name cannot run (keepalived takes addresses only).
struct UDPProbeTarget: Sendable {
    var check: UDPCheck
    var target: RawSocketAddress
    var source: RawSocketAddress?
    var timeout: Duration { check.connectTimeout }

    init?(_ check: UDPCheck) {
        guard let target = RawSocketAddress(ip: check.target.host, port: check.target.port) else { return nil }
        self.check = check
        self.target = target
        if check.bindAddress != nil || check.bindPort != nil {
            let host = check.bindAddress ?? (check.target.isIPv6 ? "::" : "0.0.0.0")
            guard let source = RawSocketAddress(ip: host, port: check.bindPort ?? 0) else { return nil }
            self.source = source
        }
    }
}
