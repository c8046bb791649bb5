/// The settings of one VRRP instance (keepalived `vrrp_instance`) that the packet validation and
/// the state machine need. Plain data; the config parser fills it in.
public struct VRRPInstanceConfiguration: Sendable, Hashable {
    /// `vrrp_version` / `version`: 2 or 3 (IPv6 instances use 3).
    public var version: VRRPVersion
    /// `virtual_router_id`, 1...255.
    public var virtualRouterID: UInt8
    /// `priority`: 1...254, or 255 for the address owner. keepalived `base_priority`.
    public var priority: UInt8
    /// `advert_int`. Whole seconds for version 2; centiseconds (0.01...40.95 s) for version 3.
    public var advertisementInterval: Duration
    /// `virtual_ipaddress`: the addresses carried in adverts, all of the instance's family.
    public var virtualAddresses: [VRRPAddress]
    /// `authentication` (version 2 over IPv4 only).
    public var authentication: VRRPAuthentication
    /// `unicast_peer`: empty for multicast.
    public var unicastPeers: [VRRPAddress]
    /// `check_unicast_src` / `vrrp_check_unicast_src`: drop unicast adverts from non-peers.
    public var checkUnicastSource: Bool
    /// `skip_check_adv_addr`: skip the address list check for adverts from the current master.
    public var skipCheckAdvertisedAddresses: Bool
    /// `nopreempt`: a higher priority backup does not take over from a live master.
    public var noPreempt: Bool
    /// `preempt_delay`: how long a backup that could preempt waits first (0...1000 s).
    public var preemptDelay: Duration
    /// `state MASTER` (true) or `state BACKUP` (false); nil when not configured, which means
    /// MASTER for the address owner and BACKUP otherwise (keepalived's `wantstate`). Only the
    /// address owner starts as MASTER at once; for the others keepalived 2.2.7 starts in BACKUP
    /// with the full master down interval either way, and MASTER only switches off
    /// `nopreempt` and `preempt_delay`.
    public var initialStateMaster: Bool?
    /// `down_timer_adverts`: adverts missed before the master is declared down (RFC: 3).
    public var downTimerAdverts: Int
    /// `lower_prio_no_advert`: as master, do not answer a lower priority advert with one.
    /// nil: keepalived's default (answer). Strict mode forces it on; see ``answersLowerPriorityAdvert``.
    public var lowerPriorityNoAdvert: Bool?
    /// `higher_prio_send_advert`: as master, send one advert before yielding to a higher
    /// priority advert, so that the master that stays hears a lower priority advert and
    /// announces its addresses again (see ``VRRPStateMachine``, "Partition heal"). nil: on here
    /// (keepalived: off). Strict mode forces it off; see ``sendsAdvertBeforeYielding``.
    public var higherPrioritySendAdvert: Bool?
    /// Announce the addresses again (gratuitous ARP / unsolicited NA) when, as master, a lower
    /// priority advert arrives: keepalived `garp_lower_prio_repeat` > 0. nil: on (keepalived's
    /// default repeat is 5). Strict mode forces it off; see ``announcesOnLowerPriorityAdvert``.
    public var refreshAddressesOnLowerPriorityAdvert: Bool?
    /// `vrrp_strict`.
    public var strict: Bool
    /// What a VRRPv3 checksum over IPv4 covers (keepalived 2.2.7: the pseudo-header).
    public var v3IPv4Checksum: VRRPv3IPv4Checksum
    /// Accept a unicast VRRPv3 IPv4 advert whose checksum used 224.0.0.18 as destination and
    /// switch to sending that way too (keepalived's automatic `old_unicast_checksum`; off with
    /// `old_unicast_checksum never`).
    public var detectOldUnicastChecksum: Bool

    public init(
        version: VRRPVersion,
        virtualRouterID: UInt8,
        priority: UInt8,
        advertisementInterval: Duration = .seconds(1),
        virtualAddresses: [VRRPAddress],
        authentication: VRRPAuthentication = .none,
        unicastPeers: [VRRPAddress] = [],
        checkUnicastSource: Bool = false,
        skipCheckAdvertisedAddresses: Bool = false,
        noPreempt: Bool = false,
        preemptDelay: Duration = .zero,
        initialStateMaster: Bool? = nil,
        downTimerAdverts: Int = 3,
        lowerPriorityNoAdvert: Bool? = nil,
        higherPrioritySendAdvert: Bool? = nil,
        refreshAddressesOnLowerPriorityAdvert: Bool? = nil,
        strict: Bool = false,
        v3IPv4Checksum: VRRPv3IPv4Checksum = .keepalived,
        detectOldUnicastChecksum: Bool = true
    ) {
        self.version = version
        self.virtualRouterID = virtualRouterID
        self.priority = priority
        self.advertisementInterval = advertisementInterval
        self.virtualAddresses = virtualAddresses
        self.authentication = authentication
        self.unicastPeers = unicastPeers
        self.checkUnicastSource = checkUnicastSource
        self.skipCheckAdvertisedAddresses = skipCheckAdvertisedAddresses
        self.noPreempt = noPreempt
        self.preemptDelay = preemptDelay
        self.initialStateMaster = initialStateMaster
        self.downTimerAdverts = downTimerAdverts
        self.lowerPriorityNoAdvert = lowerPriorityNoAdvert
        self.higherPrioritySendAdvert = higherPrioritySendAdvert
        self.refreshAddressesOnLowerPriorityAdvert = refreshAddressesOnLowerPriorityAdvert
        self.strict = strict
        self.v3IPv4Checksum = v3IPv4Checksum
        self.detectOldUnicastChecksum = detectOldUnicastChecksum
    }

    /// The family of the instance: that of its first virtual address (IPv4 when there is none).
    public var family: VRRPAddressFamily { virtualAddresses.first?.family ?? .ipv4 }

    /// Multicast (no unicast peers) or unicast.
    public var isUnicast: Bool { !unicastPeers.isEmpty }

    /// True for priority 255.
    public var isAddressOwner: Bool { priority == VRRPPriority.owner }

    /// keepalived's `wantstate` at start: MASTER when configured so, or by default for the owner.
    public var wantsMasterAtStart: Bool { initialStateMaster ?? isAddressOwner }

    /// `nopreempt` as keepalived applies it: not for the address owner, not with state MASTER.
    public var effectiveNoPreempt: Bool { noPreempt && !isAddressOwner && !wantsMasterAtStart }

    /// As master, answer a lower priority advert with an advert (keepalived's default; RFC and
    /// strict mode: no).
    public var answersLowerPriorityAdvert: Bool { !strict && !(lowerPriorityNoAdvert ?? false) }

    /// As master, send one advert at our priority before yielding (default here; keepalived's
    /// default and strict mode: no).
    public var sendsAdvertBeforeYielding: Bool { !strict && (higherPrioritySendAdvert ?? true) }

    /// As master, announce the addresses again on a lower priority advert (keepalived's
    /// default; strict mode: no).
    public var announcesOnLowerPriorityAdvert: Bool { !strict && (refreshAddressesOnLowerPriorityAdvert ?? true) }

    /// `preempt_delay` as keepalived applies it: zero with state MASTER, `nopreempt` or strict mode.
    public var effectivePreemptDelay: Duration {
        wantsMasterAtStart || noPreempt || strict ? .zero : preemptDelay
    }

    /// The interval as carried in adverts: seconds (version 2) or centiseconds (version 3),
    /// rounded down as keepalived does.
    public var advertisementIntervalField: UInt16 {
        let centiseconds = advertisementInterval / .milliseconds(10)
        switch version {
        case .v2: return UInt16(clamping: Int(centiseconds / 100))
        case .v3: return UInt16(clamping: Int(centiseconds))
        }
    }
}

/// Special priority values (RFC 5798 §5.2.4).
public enum VRRPPriority {
    /// 255: the address owner. keepalived `VRRP_PRIO_OWNER`.
    public static let owner: UInt8 = 255
    /// 0: the master stops; backups take over after the skew time. keepalived `VRRP_PRIO_STOP`.
    public static let stop: UInt8 = 0
}
