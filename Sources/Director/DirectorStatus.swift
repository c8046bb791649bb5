/// What `lvsctl status` shows of a running director, as the control socket sends it
/// (JSON, keys as the property names).
public struct DirectorStatus: Codable, Sendable, Hashable {
    public var daemon: Daemon
    public var reconciler: ReconcilerStatus
    public var virtualServers: [VirtualServerStatus]
    /// Checkers in the configuration that lvsd does not run, with their position.
    public var checkersNotRun: [String]
    /// The VRRP instances this lvsd runs, in file order.
    public var vrrp: [VRRPInstanceStatus] = []
    /// `lvs_sync_daemon`: what lvsd asked of the kernel's sync daemon; nil without one.
    public var syncDaemon: SyncDaemonStatus? = nil
    /// VRRP settings that lvsd does not carry out, with their position (``VRRPPlan/notRun``).
    public var vrrpNotRun: [String] = []
    /// `lvsd_route_announce`: each VIP's announcement; nil without the block.
    public var routeAnnouncement: RouteAnnouncementStatus? = nil

    public struct Daemon: Codable, Sendable, Hashable {
        public var pid: Int32
        public var configurationFile: String
        /// Seconds since the daemon started.
        public var uptime: Double
        /// Successful reloads, and the last one refused with its diagnostics.
        public var reloads: Int
        public var lastRefusedReload: String?
        /// Whether this director owns all virtual servers (no VRRP instance decides it).
        public var ownership: String
    }

    public struct ReconcilerStatus: Codable, Sendable, Hashable {
        /// The kernel answers IPVS requests (false: no ip_vs module, or no permission).
        public var ipvsAvailable: Bool
        public var passes: Int
        /// Seconds since the last pass that read the kernel, nil before the first.
        public var lastPassAgo: Double?
        /// How long the last pass took (desired state, kernel dump, plan and apply), in seconds.
        public var lastPassSeconds: Double? = nil
        /// Changes sent to the kernel, and those that failed.
        public var changesApplied: Int
        public var changesFailed: Int
        /// Changes made by a resync pass when nothing in the director had changed: someone
        /// else changed the table (`ipvsadm -C`, a deleted real server).
        public var driftRepaired: Int
        public var lastError: String?
        /// The interval between resync passes, in seconds.
        public var resyncInterval: Double
    }

    public struct VirtualServerStatus: Codable, Sendable, Hashable {
        /// `TCP 10.0.0.1:80`, `fwmark 7`, `TCP group web`.
        public var name: String
        /// Where it is written: `FILE:LINE`.
        public var position: String
        public var scheduler: String
        public var hasQuorum: Bool
        public var quorum: Int
        public var liveWeight: Int
        public var owned: Bool
        public var realServers: [RealServerStatus]
        public var sorryServer: String?
        /// ``DestinationDigest`` of the kernel's destination lists for this virtual server's
        /// services; nil when the kernel lacks one of them. Equal on directors that hold
        /// identical lists.
        public var destinationDigest: String? = nil
    }

    public struct RealServerStatus: Codable, Sendable, Hashable {
        /// `192.168.1.2:80`.
        public var address: String
        /// `up`, `down` or `maintenance`.
        public var health: String
        /// Why, from the last check (`connected`, `connection refused`, ...).
        public var reason: String
        public var configuredWeight: Int
        /// The weight in the desired table; nil when it is not in the table.
        public var effectiveWeight: Int?
        /// The kernel's counters for the destination (all services of the virtual server
        /// added up); nil when the kernel does not have it.
        public var activeConnections: UInt32?
        public var inactiveConnections: UInt32?
        /// How many checkers it has.
        public var checkers: Int
    }
}
