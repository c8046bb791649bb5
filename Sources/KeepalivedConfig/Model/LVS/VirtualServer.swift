/// `virtual_server IP PORT | fwmark N | group NAME { ... }`: one IPVS service (or, for a
/// group, one per group entry), with keepalived 2.2.7's defaults (check_data.c `alloc_vs`)
/// and the normalisations of `vs_end_handler` (check_parser.c), `link_vsg_to_vs`
/// (ipwrapper.c) and `validate_check_config` (check_data.c) applied.
public struct VirtualServer: Sendable {
    /// What the virtual server is keyed on.
    public internal(set) var key: VirtualServerKey
    /// Where `virtual_server` is written.
    public internal(set) var position: SourcePosition
    /// The address family: from the address, `ip_family`, the group, the real servers or
    /// the sorry server; IPv4 when nothing says (vs_end_handler).
    public internal(set) var family: AddressFamily = .ipv4
    /// `protocol TCP|UDP|SCTP`. nil for fwmark services (keepalived ignores a protocol there
    /// and warns). Not written on an address service: keepalived uses UDP and warns.
    public internal(set) var `protocol`: ServiceProtocol?
    /// `lvs_sched` (alias `lb_algo`); `wlc` when not written (IPVS_DEF_SCHED, with a warning).
    public internal(set) var scheduler = "wlc"
    /// `ops`, `flag-1`..`flag-3`, `sh-port`, `sh-fallback`, `mh-port`, `mh-fallback`.
    public internal(set) var flags: ServiceFlags = []
    /// `lvs_method` (alias `lb_kind`); NAT when not written (with a warning).
    public internal(set) var forwarding: Forwarding = .nat
    /// `persistence_timeout [N]` in seconds; nil: not persistent. Without a value, or with a
    /// `persistence_granularity`, or on a port-0 service: 360 (IPVS_SVC_PERSISTENT_TIMEOUT).
    public internal(set) var persistenceTimeout: Int?
    /// `persistence_granularity`: an IPv4 netmask or an IPv6 prefix length.
    public internal(set) var persistenceGranularity: PersistenceGranularity?
    /// `persistence_engine NAME` (e.g. `sip`).
    public internal(set) var persistenceEngine: String?
    /// `ha_suspend`: keepalived suspends the service's checkers while the virtual address is
    /// not on the host, and resumes them when it is added (check_api.c,
    /// update_checker_activity). Cleared on fwmark services (with a warning). lvsd reads it and
    /// does not act on it (a warning says so): its checks keep running.
    public internal(set) var haSuspend = false
    /// Where `ha_suspend` is written.
    var haSuspendPosition: SourcePosition?
    /// `virtualhost`: the default HTTP Host of HTTP_GET/SSL_GET checkers.
    public internal(set) var virtualhost: String?
    /// `smtp_alert`: resolved from `smtp_alert_checker`, `smtp_alert`, else false.
    public internal(set) var smtpAlert = false
    /// `lvsd_vrrp_instance NAME` (lvsd's own keyword): the VRRP instance whose MASTER installs
    /// this virtual server, for those no virtual IP names (fwmark services, addresses the
    /// instances do not carry) or to choose another instance than the one carrying the
    /// address. Checked against the instances once the whole file is read.
    public internal(set) var vrrpInstance: ConfigToken?

    // Pool regression handling
    /// `alpha`: real servers start out of the pool until their checkers succeed.
    public internal(set) var alpha = false
    /// `omega`: run notify_down scripts and quorum_down when the service is removed.
    public internal(set) var omega = false
    /// `quorum N`: the minimum total weight of live real servers; default 1, reduced to the
    /// total weight of the real servers when higher (with a warning).
    public internal(set) var quorum = 1
    /// `hysteresis N`; default 0; reduced to quorum − 1 when not below quorum.
    public internal(set) var hysteresis = 0
    public internal(set) var quorumUp: ScriptCommand?
    public internal(set) var quorumDown: ScriptCommand?
    /// `inhibit_on_failure`: the default of the real servers' inhibit_on_failure.
    public internal(set) var inhibitOnFailure = false
    /// `weight N` (1...INT32_MAX): the default weight of the real servers; default 1.
    public internal(set) var weight = 1

    // Checker defaults inherited by real servers, then checkers
    /// `delay_loop`; default 60 s (KEEPALIVED_DEFAULT_DELAY).
    public internal(set) var delayLoop: Duration = .seconds(60)
    /// `connect_timeout`; default 5 s.
    public internal(set) var connectTimeout: Duration = .seconds(5)
    /// `retry`; nil: each checker's own default.
    public internal(set) var retry: Int?
    /// `delay_before_retry`; nil: each checker's own default.
    public internal(set) var delayBeforeRetry: Duration?
    /// `warmup`; nil: the checker's delay_loop.
    public internal(set) var warmup: Duration?

    /// `sorry_server IP [PORT]` with `sorry_server_inhibit` and `sorry_server_lvs_method`.
    public internal(set) var sorryServer: SorryServer?
    /// `real_server` blocks, in file order, duplicates removed.
    public internal(set) var realServers: [RealServer] = []
    /// The addresses of the group this virtual server uses, expanded (set by resolveLVS
    /// for `group NAME`; empty otherwise).
    public internal(set) var groupEntries: [VirtualServerGroup.Entry] = []

    // Reading state: what was written, for the normalisations of resolveLVS.
    var familyWritten: AddressFamily?
    var forwardingWritten = false
    var schedulerWritten = false
    var protocolToken: ConfigToken?
    var smtpAlertWritten: Bool?

    init(key: VirtualServerKey, position: SourcePosition) {
        self.key = key
        self.position = position
        if case .address(let address, _) = key { familyWritten = address.family }
    }
}

/// How a virtual server is named: `virtual_server IP [PORT]`, `fwmark N`, `group NAME`.
public enum VirtualServerKey: Sendable, Hashable, CustomStringConvertible {
    /// An address and port (port 0: all ports, persistent services only).
    case address(InetAddress, port: UInt16)
    /// `fwmark N`: packets marked N by the firewall.
    case fwmark(UInt32)
    /// `group NAME`: every entry of a `virtual_server_group`.
    case group(String)

    /// keepalived's FMT_VS text: `[IP]:proto:PORT`, `FWM N`, `group NAME` (approximately;
    /// used in messages).
    public var description: String {
        switch self {
        case .address(let a, let p): return a.isIPv6 ? "[\(a)]:\(p)" : "\(a):\(p)"
        case .fwmark(let m): return "fwmark \(m)"
        case .group(let g): return "group \(g)"
        }
    }
}

extension InetAddress {
    var family: AddressFamily { AddressFamily(self) }
}

extension AddressFamily {
    /// `ip_family inet|inet6`, `fwmark N inet|inet6`.
    init?(keyword: String) {
        switch keyword {
        case "inet": self = .ipv4
        case "inet6": self = .ipv6
        default: return nil
        }
    }
}

/// `protocol TCP|UDP|SCTP` (keepalived compares case-insensitively).
public enum ServiceProtocol: String, Sendable, Hashable, CaseIterable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"
}

/// `persistence_granularity`: which client addresses share a persistent connection
/// (ipvsadm's `-M`).
public enum PersistenceGranularity: Sendable, Hashable {
    /// An IPv4 netmask such as 255.255.255.0 (keepalived does not require it to be solid,
    /// nor does the kernel).
    case netmask(UInt32)
    /// An IPv6 prefix length 1...128.
    case prefixLength(Int)
}

/// IPVS service flags keepalived sets from `virtual_server` keywords (IP_VS_SVC_F_*).
public struct ServiceFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `ops`: one-packet scheduling (IP_VS_SVC_F_ONEPACKET); UDP services only.
    public static let onePacket = ServiceFlags(rawValue: 0x0004)
    /// `flag-1` (IP_VS_SVC_F_SCHED1); also `sh-fallback` / `mh-fallback`.
    public static let scheduler1 = ServiceFlags(rawValue: 0x0008)
    /// `flag-2` (IP_VS_SVC_F_SCHED2); also `sh-port` / `mh-port`.
    public static let scheduler2 = ServiceFlags(rawValue: 0x0010)
    /// `flag-3` (IP_VS_SVC_F_SCHED3).
    public static let scheduler3 = ServiceFlags(rawValue: 0x0020)
}

/// `sorry_server IP [PORT]`: the server IPVS sends to when the quorum is lost.
public struct SorryServer: Sendable, Hashable {
    public internal(set) var address: InetAddress
    /// The port: the virtual server's unless NAT (cleared on fwmark services), as
    /// validate_check_config sets it.
    public internal(set) var port: UInt16
    /// `sorry_server_inhibit`: kept in the table with weight 0 instead of removed.
    public internal(set) var inhibit = false
    /// `sorry_server_lvs_method`; the virtual server's method when not written.
    public internal(set) var forwarding: Forwarding = .nat
    /// Its weight in the table: always 1 (alloc_ssvr).
    public var weight: Int { 1 }
    /// The sorry server is also one of the real servers (validate_check_config's
    /// `s_svr_duplicates_rs`): then it is never added or removed on its own.
    public internal(set) var duplicatesRealServer = false
    /// Where `sorry_server` is written.
    public internal(set) var position: SourcePosition

    var portWritten: UInt16?
    var forwardingWritten = false
}
