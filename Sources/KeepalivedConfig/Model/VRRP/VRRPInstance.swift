/// `vrrp_instance NAME { ... }`: one virtual router, with keepalived 2.2.7's defaults and
/// normalisations applied (keepalived/vrrp/vrrp_parser.c for reading, vrrp.c's
/// vrrp_complete_instance for what it does once the whole file is read).
public struct VRRPInstance: Sendable {
    public let name: String
    /// Where the `vrrp_instance` keyword stands.
    public let position: SourcePosition

    /// `state`; without it, MASTER for priority 255 and BACKUP otherwise
    /// (vrrp_complete_instance: "If no initial state has been set, derive it from the
    /// priority"). In strict mode it follows the priority whatever is written.
    public internal(set) var initialState: VRRPInitialState = .backup
    /// `interface`: the interface adverts are sent on; nil only for unicast instances with a
    /// `unicast_src_ip`.
    public internal(set) var interface: String?
    /// `virtual_router_id`, 1...255 (required: chk_min_cfg).
    public internal(set) var virtualRouterID: UInt8 = 0
    /// `priority`, 1...255; without it, 255 for `state MASTER` and 100 otherwise.
    public internal(set) var priority: UInt8 = 100
    /// `advert_int`: 1 s by default; whole seconds for VRRPv2, hundredths for VRRPv3 (values
    /// in between are rounded, with a warning).
    public internal(set) var advertisementInterval: Duration = .seconds(1)
    /// `version`, or `native_ipv6`, or the family: 3 for IPv6, else global_defs
    /// `vrrp_version` (2).
    public internal(set) var version: VRRPVersion = .v2
    /// The family of the instance's adverts and virtual addresses (see ``AddressFamily``).
    public internal(set) var family: AddressFamily = .ipv4
    /// False with `nopreempt`: a higher priority backup does not take over from a master.
    /// Priority 255 and `state MASTER` force it back on.
    public internal(set) var preempt = true
    /// `preempt_delay`: a backup waits this long after start-up before preempting (0 ... 1000 s).
    public internal(set) var preemptDelay: Duration = .zero
    /// `authentication` (VRRPv2 only; dropped with a warning in VRRPv3 and strict mode).
    public internal(set) var authentication: VRRPAuthentication?
    /// `virtual_ipaddress`: the addresses advertised (at most 255, 89 for IPv6 on a 1500-byte
    /// MTU; the rest move to ``excludedAddresses``).
    public internal(set) var virtualAddresses: [VirtualIPAddress] = []
    /// `virtual_ipaddress_excluded`: addresses added and removed with the state but not
    /// advertised (any family).
    public internal(set) var excludedAddresses: [VirtualIPAddress] = []
    /// `virtual_routes`.
    public internal(set) var virtualRoutes: [VirtualRoute] = []
    /// `virtual_rules`.
    public internal(set) var virtualRules: [VirtualRule] = []
    public internal(set) var trackInterfaces: [TrackedInterface] = []
    public internal(set) var trackScripts: [TrackReference] = []
    public internal(set) var trackFiles: [TrackReference] = []
    public internal(set) var trackProcesses: [TrackReference] = []
    public internal(set) var trackBFDs: [TrackReference] = []
    /// `mcast_src_ip` / `unicast_src_ip`: the adverts' source address; nil means the
    /// interface's first address (found where lvsd runs).
    public internal(set) var sourceAddress: InetAddress?
    /// The multicast group adverts go to: `mcast_dst_ip`, or global_defs
    /// `vrrp_mcast_group4`/`vrrp_mcast_group6` (224.0.0.18, ff02::12); nil for unicast.
    public internal(set) var multicastGroup: InetAddress?
    /// `unicast_peer`: with peers, adverts go to each peer instead of the multicast group.
    public internal(set) var unicastPeers: [UnicastPeer] = []
    /// `unicast_ttl`: the TTL of unicast adverts; 255 for IPv4 by default (VRRP_IP_TTL), nil
    /// for IPv6 (the kernel's default).
    public internal(set) var unicastTTL: UInt8?
    /// `old_unicast_checksum [never]`: the pseudo-header of VRRPv3 IPv4 unicast adverts.
    public internal(set) var unicastChecksum = UnicastChecksum.automatic
    /// `unicast_fault_no_peer`: without peers, stay in FAULT rather than fall back to multicast.
    public internal(set) var faultsWithoutUnicastPeers = false
    /// `check_unicast_src` (or a peer's `min_ttl`/`max_ttl`): accept adverts from listed
    /// peers only.
    public internal(set) var checksUnicastSource = false
    /// `track_src_ip`: go to FAULT when the configured source address disappears (only with
    /// a configured source address).
    public internal(set) var tracksSourceAddress = false
    /// `use_vmac`, `vmac_xmit_base`, `use_vmac_addr`.
    public internal(set) var virtualMAC: VirtualMAC?
    /// `dont_track_primary`: the interface going down does not put the instance in FAULT.
    public internal(set) var dontTrackPrimary = false
    /// `skip_check_adv_addr`: do not compare the addresses in received adverts with ours.
    public internal(set) var skipsAdvertisementAddressCheck = false
    /// `strict_mode`, or global_defs `vrrp_strict`: RFC conformance (no authentication, no
    /// unicast, no preempt_delay, ...; the normalisations say what changes).
    public internal(set) var strictMode = false
    /// `promote_secondaries`: set the interface's promote_secondaries sysctl.
    public internal(set) var promoteSecondaries = false
    /// Gratuitous ARP / NA timing.
    public internal(set) var gratuitousARP = GratuitousARPSettings()
    /// `down_timer_adverts`: adverts missed before the master is declared down (1...100;
    /// 3, the RFC's value, in strict mode).
    public internal(set) var downTimerAdverts = 3
    /// `lower_prio_no_advert`: as master, do not answer a lower priority advert.
    public internal(set) var lowerPriorityNoAdvert = false
    /// `higher_prio_send_advert`: as master, send an advert before giving way to a higher
    /// priority.
    public internal(set) var higherPrioritySendAdvert = false
    /// ``higherPrioritySendAdvert`` when the file decides it: `higher_prio_send_advert` in the
    /// instance, else global_defs `vrrp_higher_prio_send_advert`, or off in strict mode; nil
    /// when nothing is written (keepalived's default, off).
    public internal(set) var writtenHigherPrioritySendAdvert: Bool?
    public internal(set) var notify = NotifyScripts()
    /// `smtp_alert`; otherwise global_defs `smtp_alert_vrrp`, then `smtp_alert`, then off.
    public internal(set) var smtpAlert = false
    /// `notify_priority_changes`; otherwise the sync group's, then global_defs
    /// `vrrp_notify_priority_changes`.
    public internal(set) var notifyPriorityChanges = false
    /// `debug` 0...4.
    public internal(set) var debugLevel = 0
    /// `kernel_rx_buf_size`: SO_RCVBUF of the advert socket; nil keeps the kernel's.
    public internal(set) var kernelReceiveBufferSize: Int?
    /// `accept` / `no_accept`: whether the master accepts packets for the virtual addresses;
    /// by default yes, except in strict mode when not the address owner.
    public internal(set) var accept = true
    /// `lvs_sync_daemon_interface` (deprecated since keepalived 1.2.20): the interface of the
    /// IPVS sync daemon this instance drives; global_defs `lvs_sync_daemon` replaces it.
    public internal(set) var lvsSyncDaemonInterface: String?
    /// The sync group this instance belongs to.
    public internal(set) var syncGroup: String?

    /// True when adverts go to ``unicastPeers``.
    public var isUnicast: Bool { !unicastPeers.isEmpty }
    /// True for priority 255: the instance owns the virtual addresses.
    public var isAddressOwner: Bool { priority == VRRPInstance.ownerPriority }

    /// What the file says, before the normalisations; nil is "not written".
    var written = Written()

    struct Written: Sendable {
        var state: VRRPInitialState?
        var statePosition: SourcePosition?
        var priority: UInt8?
        var version: VRRPVersion?
        var advertisementInterval: Int?  // microseconds
        var advertPosition: SourcePosition?
        var strictMode: Bool?
        var accept: Bool?
        var unicastTTL: UInt8?
        var unicastTTLPosition: SourcePosition?
        var unicastKeywordPosition: SourcePosition?
        var nopreempt = false
        var family: AddressFamily?
        var authPosition: SourcePosition?
        var smtpAlert: Bool?
        var notifyPriorityChanges: Bool?
        var masterRepeat: Int?
        var masterDelay: Duration?
        var masterRefresh: Duration?
        var masterRefreshRepeat: Int?
        var lowerPriorityDelay: Duration?
        var lowerPriorityRepeat: Int?
        var lowerPriorityNoAdvert: Bool?
        var higherPrioritySendAdvert: Bool?
        var downTimerAdverts: Int?
        var skipCheckAdvertisementAddresses: Bool?
        var mcastDestination: InetAddress?
        var keywordPositions: [String: SourcePosition] = [:]
        /// The instance's place among the VRRP side's top-level blocks.
        var order = 0
    }

    init(name: String, position: SourcePosition) {
        self.name = name
        self.position = position
    }

    /// VRRP_PRIO_OWNER.
    static let ownerPriority: UInt8 = 255
    /// VRRP_PRIO_DFL.
    static let defaultPriority: UInt8 = 100
    /// IFNAMSIZ: interface names have at most 15 bytes.
    static let interfaceNameLimit = 16

    /// keepalived refuses interface names of IFNAMSIZ bytes or more (vrrp_int_handler).
    static func checkInterfaceName(_ token: ConfigToken, _ context: inout ReadContext) -> Bool {
        guard !token.text.isEmpty, token.text.utf8.count < interfaceNameLimit else {
            context.error("interface name '\(token.text)' is longer than \(interfaceNameLimit - 1) bytes",
                          at: token.position)
            return false
        }
        return true
    }
}
