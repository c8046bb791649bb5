/// A service or real server that ipvsadm refuses before asking the kernel,
/// which would accept it or fail with a bare EINVAL. The descriptions are
/// ipvsadm's messages where ipvsadm has the rule.
public enum IPVSValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Port 0 on an address service without persistence.
    case zeroPortWithoutPersistence
    /// One-packet scheduling (`-o`) on a TCP or SCTP service.
    case onePacketNotUDP
    /// A real server of another address family than its service, without tunnelling.
    case familyMismatchWithoutTunnel
    /// A GUE tunnel without its UDP port (`--tun-type gue` needs `--tun-port`).
    case tunnelPortMissing
    /// A port on an IPIP or GRE tunnel, which has none.
    case tunnelPortNotAllowed(TunnelOptions.Kind)
    /// A checksum option the tunnel type does not have (any on IPIP, remcsum on GRE).
    case tunnelChecksumNotAllowed(TunnelOptions.Kind, TunnelOptions.Checksum)

    public var description: String {
        switch self {
        case .zeroPortWithoutPersistence: "Zero port specified for non-persistent service"
        case .onePacketNotUDP: "One-Packet Scheduling is only for UDP virtual services"
        case .familyMismatchWithoutTunnel: "Different address family is allowed only for tunneling servers"
        case .tunnelPortMissing: "gue tunnels need a port"
        case .tunnelPortNotAllowed(let kind): "\(kind) tunnels have no port"
        case .tunnelChecksumNotAllowed(let kind, let checksum): "\(kind) tunnels cannot use \(checksum)"
        }
    }
}

extension IPVSService {
    /// Checks what ipvsadm checks before `-A`/`-E`: a port unless the service
    /// is persistent or a firewall-mark service, and one-packet scheduling
    /// only for UDP. Throws the first rule broken, in ipvsadm's order.
    public func validate() throws(IPVSValidationError) {
        guard case .address(let proto, _, let port) = key else { return }
        if port == 0 && !flags.contains(.persistent) { throw .zeroPortWithoutPersistence }
        if flags.contains(.onePacket) && proto != .udp { throw .onePacketNotUDP }
    }
}

extension IPVSDestination {
    /// Checks a real server for the service `key` as ipvsadm does before
    /// `-a`/`-e` (the address family), then its tunnel options against the
    /// tunnel type (what ipvsadm checks on the options given: GUE needs a
    /// port, IPIP takes no options, GRE no port and no remcsum).
    public func validate(in key: IPVSServiceKey) throws(IPVSValidationError) {
        guard case .tunnel(let options) = forwarding else {
            if address.family != key.family { throw .familyMismatchWithoutTunnel }
            return
        }
        switch options.kind {
        case .ipip:
            if options.port != 0 { throw .tunnelPortNotAllowed(.ipip) }
            if options.checksum != .none { throw .tunnelChecksumNotAllowed(.ipip, options.checksum) }
        case .gue:
            if options.port == 0 { throw .tunnelPortMissing }
        case .gre:
            if options.port != 0 { throw .tunnelPortNotAllowed(.gre) }
            if options.checksum == .remoteChecksum { throw .tunnelChecksumNotAllowed(.gre, .remoteChecksum) }
        }
    }
}
