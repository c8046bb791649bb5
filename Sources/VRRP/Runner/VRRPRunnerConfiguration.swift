/// One `virtual_ipaddress` / `virtual_ipaddress_excluded` entry:
/// `ADDRESS[/PREFIX] [brd BRD] [dev DEV] [scope SCOPE] [label LABEL]`.
public struct VirtualIPAddress: Hashable, Sendable, CustomStringConvertible {
    public var address: VRRPAddress
    /// keepalived's default: /32 for IPv4, /128 for IPv6.
    public var prefixLength: UInt8
    public var broadcast: VRRPAddress?
    /// `dev`: nil for the instance's interface.
    public var device: String?
    public var scope: AddressScope
    public var label: String?

    public init(address: VRRPAddress, prefixLength: UInt8? = nil, broadcast: VRRPAddress? = nil, device: String? = nil,
                scope: AddressScope = .global, label: String? = nil) {
        self.address = address
        self.prefixLength = prefixLength ?? (address.family == .ipv4 ? 32 : 128)
        self.broadcast = broadcast
        self.device = device
        self.scope = scope
        self.label = label
    }

    public var description: String {
        var text = "\(address)/\(prefixLength)"
        if let broadcast { text += " brd \(broadcast)" }
        if let device { text += " dev \(device)" }
        text += " scope \(scope)"
        if let label { text += " label \(label)" }
        return text
    }
}

/// One `track_interface` entry: `NAME [weight W]`.
public struct TrackedInterface: Hashable, Sendable {
    public var name: String
    /// 0: the instance goes to FAULT while the link is down. Positive: added to the priority
    /// while up. Negative: added while down (keepalived's semantics).
    public var weight: Int

    public init(name: String, weight: Int = 0) {
        self.name = name
        self.weight = weight
    }
}

/// Everything a ``VRRPInstanceRunner`` needs about one `vrrp_instance`.
public struct VRRPRunnerConfiguration: Sendable, Hashable {
    /// The instance name (`vrrp_instance NAME`), for state reports.
    public var name: String
    public var instance: VRRPInstanceConfiguration
    /// `interface`: where adverts are sent and received. A link down is a FAULT, as in keepalived.
    public var interface: String
    /// Our primary address on the interface (`unicast_src_ip`, or the interface's first address).
    public var primaryAddress: VRRPAddress
    /// `virtual_ipaddress`: installed while MASTER and carried in adverts (must list the same
    /// addresses as ``VRRPInstanceConfiguration/virtualAddresses``).
    public var virtualAddresses: [VirtualIPAddress]
    /// `virtual_ipaddress_excluded`: installed while MASTER, not carried in adverts.
    public var excludedAddresses: [VirtualIPAddress]
    public var announcements: VRRPAnnouncementSettings
    public var trackedInterfaces: [TrackedInterface]
    /// `virtual_routes`: added after the addresses when the instance becomes MASTER, removed
    /// when it leaves MASTER or stops.
    public var virtualRoutes: [VirtualRoute]
    /// `virtual_rules`: added after the routes, removed before them.
    public var virtualRules: [KernelRule]
    /// The longest the runner waits for a packet before it looks at link changes and its stop
    /// request again.
    public var pollInterval: Duration

    public init(name: String, instance: VRRPInstanceConfiguration, interface: String, primaryAddress: VRRPAddress,
                virtualAddresses: [VirtualIPAddress], excludedAddresses: [VirtualIPAddress] = [],
                announcements: VRRPAnnouncementSettings = VRRPAnnouncementSettings(),
                trackedInterfaces: [TrackedInterface] = [], virtualRoutes: [VirtualRoute] = [],
                virtualRules: [KernelRule] = [], pollInterval: Duration = .milliseconds(20)) {
        self.virtualRoutes = virtualRoutes
        self.virtualRules = virtualRules
        self.name = name
        self.instance = instance
        self.interface = interface
        self.primaryAddress = primaryAddress
        self.virtualAddresses = virtualAddresses
        self.excludedAddresses = excludedAddresses
        self.announcements = announcements
        self.trackedInterfaces = trackedInterfaces
        self.pollInterval = pollInterval
    }

    /// Every address the instance installs.
    public var installedAddresses: [VirtualIPAddress] { virtualAddresses + excludedAddresses }
}

/// One state change of a running instance.
public struct VRRPStateChange<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    public var instance: String
    public var from: VRRPStateMachine<Instant>.State
    public var to: VRRPStateMachine<Instant>.State
    public var reason: VRRPTransitionReason
    public var at: Instant
}

/// What a running instance counted.
public struct VRRPRunnerStatistics: Sendable, Hashable {
    /// Received messages dropped, per check (keepalived `vrrp_stats`).
    public var rejections: [VRRPCounter: Int] = [:]
    public var advertsReceived = 0
    public var advertsSent = 0
    public var announcementsSent = 0
    /// Adverts heard from another master while MASTER (``VRRPOtherMaster``): split brain.
    public var otherMasterAdverts = 0
    /// Failed sends, receives, address changes, announcements and link reads.
    public var sendErrors = 0
    public var receiveErrors = 0
    public var addressErrors = 0
    /// Failed adds and removes of `virtual_routes` and `virtual_rules`.
    public var routeErrors = 0
    public var announcementErrors = 0
    public var linkErrors = 0
    /// The last failure's text.
    public var lastError: String?

    public init() {}
}

/// Opening an instance's sockets failed.
public enum VRRPRunnerError: Error, Hashable, Sendable, CustomStringConvertible {
    case transport(VRRPTransportError)
    case netlink(RouteNetlinkError)
    case announcement(AnnouncementError)
    /// ``VRRPInstanceRunner/reconfigure(_:)`` was given a change of this setting (its keyword),
    /// which only a new runner can carry out.
    case settingsNeedRestart(String)

    public var description: String {
        switch self {
        case .settingsNeedRestart(let setting): "\(setting) changed: the instance must be restarted"

        case .transport(let e): e.description
        case .netlink(let e): e.description
        case .announcement(let e): e.description
        }
    }
}
