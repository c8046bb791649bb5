/// `lvsd_route_announce { ... }`: lvsd's own top-level block (keepalived has no such keyword
/// and refuses a file that has it). With it, lvsd hands each virtual IP to a routing daemon
/// (BIRD, FRR) through the kernel routing table: while the VIP's services are installed and
/// have their quorum, lvsd holds a host route to it (`/32`, `/128`) in ``table`` with protocol
/// ``routeProtocol``, and the routing daemon exports that table by BGP; otherwise the route is
/// withdrawn.
///
/// ```
/// lvsd_route_announce {
///     table 100            # the kernel routing table lvsd writes (required)
///     protocol 200         # rtm_protocol of lvsd's routes (default 200)
///     interface lvs0       # where the VIP addresses are held (default lo)
///     rise 3               # seconds a VIP must be servable before it is announced (default 3)
///     fall 0               # seconds a VIP may be unservable before it is withdrawn (default 0)
///     hold_down 10         # seconds after a withdrawal before it may be announced again (default 10)
///     drain_timeout 300    # lvsctl drain-director: longest wait for connections to end (default 300)
///     set_sloppy on        # lvsd sets net.ipv4.vs.sloppy_tcp (and sloppy_sctp) to 1 (default on)
///     announce 192.0.2.10 2001:db8::10   # default: every virtual server address
/// }
/// ```
public struct RouteAnnouncementSettings: Sendable, Hashable {
    /// Where `lvsd_route_announce` is written.
    public internal(set) var position: SourcePosition
    /// `table N`: the kernel routing table (1...4294967295 without 253, 254 and 255: default, main
    /// and local belong to the system).
    public internal(set) var table: UInt32 = 0
    /// `protocol N`: the routes' `rtm_protocol` (5...255; 0...4 are the kernel's own), how the
    /// routing daemon tells lvsd's routes from others (`ip route show proto N`).
    public internal(set) var routeProtocol: UInt8 = RouteAnnouncementSettings.defaultProtocol
    /// `interface NAME`: where lvsd puts the VIP addresses (a dummy interface or `lo`).
    public internal(set) var interface = RouteAnnouncementSettings.defaultInterface
    /// `rise SECONDS`: how long a VIP must be servable before it is announced.
    public internal(set) var rise: Duration = RouteAnnouncementSettings.defaultRise
    /// `fall SECONDS`: how long a VIP may be unservable before it is withdrawn.
    public internal(set) var fall: Duration = .zero
    /// `hold_down SECONDS`: after a withdrawal, the VIP is not announced again before this.
    public internal(set) var holdDown: Duration = RouteAnnouncementSettings.defaultHoldDown
    /// `drain_timeout SECONDS`: `lvsctl drain-director` stops lvsd at the latest this long after
    /// the withdrawal, connections or not.
    public internal(set) var drainTimeout: Duration = RouteAnnouncementSettings.defaultDrainTimeout
    /// `set_sloppy on|off`: lvsd sets the kernel's `net.ipv4.vs.sloppy_tcp` to 1 (and
    /// `sloppy_sctp` when an announced virtual server is SCTP), so that a connection ECMP moves
    /// to this director mid-stream is taken up; `off` leaves both as the kernel has them.
    public internal(set) var setSloppy = true
    /// `announce ADDRESS...`: the VIPs to announce; nil: every address of a virtual server
    /// (and of the address entries of the groups virtual servers use).
    public internal(set) var addresses: [InetAddress]?
    /// A `table` statement was read (valid or not).
    var tableWritten = false
    /// Where each of ``addresses`` is written.
    var addressPositions: [SourcePosition] = []

    public static let defaultProtocol: UInt8 = 200
    public static let defaultInterface = "lo"
    public static let defaultRise: Duration = .seconds(3)
    public static let defaultHoldDown: Duration = .seconds(10)
    public static let defaultDrainTimeout: Duration = .seconds(300)
    /// The kernel's own route protocols (RTPROT_UNSPEC, REDIRECT, KERNEL, BOOT, STATIC).
    static let reservedProtocols: ClosedRange<Int> = 0...4
    /// RT_TABLE_DEFAULT, RT_TABLE_MAIN, RT_TABLE_LOCAL.
    static let systemTables: Set<Int> = [253, 254, 255]

    init(position: SourcePosition) {
        self.position = position
    }
}
