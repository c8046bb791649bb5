/// How IPVS sends packets to a real server: `lvs_method NAT|DR|TUN` (alias `lb_kind`).
/// Equivalent to ipvsadm's `-m` / `-g` / `-i`.
public enum ForwardingMethod: String, Sendable, Hashable, CaseIterable {
    /// `NAT`: masquerading (IP_VS_CONN_F_MASQ).
    case nat = "NAT"
    /// `DR`: direct routing (IP_VS_CONN_F_DROUTE).
    case directRouting = "DR"
    /// `TUN`: IP tunnelling (IP_VS_CONN_F_TUNNEL).
    case tunnel = "TUN"
}

/// The tunnel encapsulation of `lvs_method TUN [type ipip|gue|gre] [port N]
/// [nocsum|csum|remcsum]` (keepalived's svr_forwarding_handler).
/// Equivalent to ipvsadm's `--tun-type`, `--tun-port`, `--tun-nocsum|--tun-csum|--tun-remcsum`.
public enum TunnelType: String, Sendable, Hashable, CaseIterable {
    /// IP_VS_CONN_F_TUNNEL_TYPE_IPIP, the default.
    case ipip
    /// IP_VS_CONN_F_TUNNEL_TYPE_GUE: needs a port.
    case gue
    /// IP_VS_CONN_F_TUNNEL_TYPE_GRE.
    case gre
}

/// The checksum option of a GUE or GRE tunnel (IP_VS_TUNNEL_ENCAP_FLAG_*).
public enum TunnelChecksum: String, Sendable, Hashable, CaseIterable {
    /// IP_VS_TUNNEL_ENCAP_FLAG_NOCSUM, the default.
    case none = "nocsum"
    /// IP_VS_TUNNEL_ENCAP_FLAG_CSUM.
    case checksum = "csum"
    /// IP_VS_TUNNEL_ENCAP_FLAG_REMCSUM (GUE only).
    case remoteChecksum = "remcsum"
}

/// A forwarding method with its tunnel settings (only meaningful for ``ForwardingMethod/tunnel``).
public struct Forwarding: Sendable, Hashable {
    public var method: ForwardingMethod
    public var tunnelType: TunnelType
    /// The GUE destination port; nil for other tunnel types.
    public var tunnelPort: UInt16?
    public var tunnelChecksum: TunnelChecksum

    public init(_ method: ForwardingMethod, tunnelType: TunnelType = .ipip, tunnelPort: UInt16? = nil,
                tunnelChecksum: TunnelChecksum = .none) {
        self.method = method
        self.tunnelType = tunnelType
        self.tunnelPort = tunnelPort
        self.tunnelChecksum = tunnelChecksum
    }

    public static let nat = Forwarding(.nat)
}

extension ReadContext {
    /// `lvs_method`, `sorry_server_lvs_method`, a real server's `lvs_method`: the method and,
    /// for TUN, `type`, `port` and the checksum option, with keepalived's consistency rules
    /// (gue needs a port and only gue takes one; ipip takes no checksum option; gre takes no
    /// remcsum).
    mutating func forwarding(_ s: ConfigStatement) -> Forwarding? {
        guard let word = argument(s, 0, "NAT, DR or TUN") else { return nil }
        guard let method = ForwardingMethod(rawValue: word.text) else {
            var message = "'\(word.text)' is not a forwarding method (expected NAT, DR or TUN)"
            if let m = ForwardingMethod(rawValue: word.text.uppercased()) {
                message += "; did you mean '\(m.rawValue)'?"
            }
            error(message, at: word.position)
            return nil
        }
        var result = Forwarding(method)
        var i = 1
        let args = s.arguments
        var typeToken: ConfigToken?
        var checksumToken: ConfigToken?
        while i < args.count {
            let option = args[i]
            guard method == .tunnel else {
                error("'\(option.text)': only TUN takes tunnel options", at: option.position)
                return nil
            }
            switch option.text {
            case "type":
                guard i + 1 < args.count else { error("tunnel type missing (ipip, gue or gre)", at: s.end); return nil }
                guard let t = TunnelType(rawValue: args[i + 1].text) else {
                    error("unknown tunnel type '\(args[i + 1].text)' (expected ipip, gue or gre)", at: args[i + 1].position)
                    return nil
                }
                result.tunnelType = t
                typeToken = args[i + 1]
                i += 2
            case "port":
                guard i + 1 < args.count else { error("tunnel port missing", at: s.end); return nil }
                guard let p = integer(args[i + 1], in: 1...65535, for: "tunnel port") else { return nil }
                result.tunnelPort = UInt16(p)
                i += 2
            case "nocsum", "csum", "remcsum":
                result.tunnelChecksum = TunnelChecksum(rawValue: option.text)!
                checksumToken = option
                i += 1
            default:
                error("unknown tunnel option '\(option.text)' (expected type, port, nocsum, csum or remcsum)", at: option.position)
                return nil
            }
        }
        let at = typeToken?.position ?? word.position
        if (result.tunnelType == .gue) != (result.tunnelPort != nil) {
            error(result.tunnelType == .gue ? "a gue tunnel needs 'port N'" : "only gue tunnels take a port", at: at)
            return nil
        }
        if result.tunnelType == .ipip, result.tunnelChecksum != .none {
            error("ipip tunnels take no checksum option", at: checksumToken?.position ?? at)
            return nil
        }
        if result.tunnelType == .gre, result.tunnelChecksum == .remoteChecksum {
            error("gre tunnels take no remcsum option", at: checksumToken?.position ?? at)
            return nil
        }
        return result
    }
}
