import IPVSNetlink
import KeepalivedConfig

/// The director's announcements: one ``RouteAnnouncementMachine`` per announced VIP, the
/// virtual servers at each VIP, and why each VIP is servable or not. A value: the director
/// feeds it each pass's findings and the timers, and makes the kernel's routes equal to
/// ``wanted``.
public struct RouteAnnouncer: Sendable {
    public typealias Instant = ContinuousClock.Instant
    public typealias Machine = RouteAnnouncementMachine<Instant>

    /// One announced VIP.
    public struct Entry: Sendable {
        public var address: IPAddress
        /// Indices of the virtual servers at this address, in configuration order.
        public var virtualServers: [Int]
        public var machine: Machine
        /// Why it is servable or not, from the last pass: `servable`, `quorum lost: TCP
        /// 10.0.0.1:80`, `IPVS not available`...
        public var reason: String
        /// The last pass found it servable.
        public var servable = false
    }

    public private(set) var settings: RouteAnnouncementSettings
    /// In announcement order: the `announce` list, or the virtual servers' addresses.
    public private(set) var entries: [Entry] = []

    /// The announcer for `configuration` (which has a `lvsd_route_announce` block);
    /// `routesAtStart` are the routes found in the table, adopted as announced.
    public init(settings: RouteAnnouncementSettings, configuration: KeepalivedConfiguration,
                routesAtStart: Set<IPAddress> = []) {
        self.settings = settings
        entries = Self.vips(settings: settings, configuration: configuration).map { address, virtualServers in
            Entry(address: address, virtualServers: virtualServers,
                  machine: Machine(timing: Self.timing(settings), announced: routesAtStart.contains(address)),
                  reason: "not checked yet")
        }
    }

    /// A reload: VIPs still announced keep their machine (and state), new ones start
    /// withdrawn, dropped ones are gone (and ``wanted`` no longer has them). A change of
    /// rise, fall or hold_down applies to new machines only.
    public mutating func replace(settings: RouteAnnouncementSettings, configuration: KeepalivedConfiguration) {
        var old: [IPAddress: Machine] = [:]
        for entry in entries { old[entry.address] = entry.machine }
        self.settings = settings
        entries = Self.vips(settings: settings, configuration: configuration).map { address, virtualServers in
            Entry(address: address, virtualServers: virtualServers,
                  machine: old[address] ?? Machine(timing: Self.timing(settings)), reason: "not checked yet")
        }
    }

    static func timing(_ settings: RouteAnnouncementSettings) -> Machine.Timing {
        Machine.Timing(rise: settings.rise, fall: settings.fall, holdDown: settings.holdDown)
    }

    /// Each announced address with the indices of the virtual servers at it (a group's
    /// address entries count for the group's virtual server).
    static func vips(settings: RouteAnnouncementSettings, configuration: KeepalivedConfiguration) -> [(IPAddress, [Int])] {
        var byAddress: [IPAddress: [Int]] = [:]
        for (v, virtualServer) in configuration.virtualServers.enumerated() {
            for (key, _) in InitialTable.serviceKeys(of: virtualServer) {
                guard case .address(_, let address, _) = key else { continue }
                if byAddress[address]?.last != v { byAddress[address, default: []].append(v) }
            }
        }
        let listed = settings.addresses
            ?? RouteAnnouncementSettings.virtualAddresses(of: configuration.virtualServers,
                                                          groups: configuration.virtualServerGroups)
        var seen = Set<IPAddress>()
        return listed.map(InitialTable.ipAddress).filter { seen.insert($0).inserted }.map { ($0, byAddress[$0] ?? []) }
    }

    /// The routes the table should hold now: the VIPs announced or falling.
    public var wanted: Set<IPAddress> {
        Set(entries.filter { $0.machine.phase == .announced || $0.machine.phase == .falling }.map(\.address))
    }

    /// The earliest pending deadline of any VIP.
    public var nextDeadline: Instant? {
        entries.compactMap(\.machine.deadline).min()
    }

    /// What a pass found: per VIP, servable or not and why. Returns the transitions, for logs.
    public mutating func evaluate(_ findings: [IPAddress: (servable: Bool, reason: String)], at now: Instant) -> [Transition] {
        apply(at: now) { entry in
            guard let finding = findings[entry.address] else { return nil }
            entry.reason = finding.reason
            entry.servable = finding.servable
            return .servable(finding.servable, at: now)
        }
    }

    /// Timers: every VIP whose deadline has come moves on.
    public mutating func tick(at now: Instant) -> [Transition] {
        apply(at: now) { _ in .timer(at: now) }
    }

    /// `lvsctl drain-director`: every VIP is withdrawn for good.
    public mutating func drain(at now: Instant) -> [Transition] {
        apply(at: now) { entry in
            entry.reason = "draining (lvsctl drain-director)"
            entry.servable = false
            return .drain(at: now)
        }
    }

    /// lvsd stops: every VIP is withdrawn for good.
    public mutating func stop(at now: Instant) -> [Transition] {
        apply(at: now) { entry in
            entry.reason = "lvsd stopping"
            entry.servable = false
            return .stop(at: now)
        }
    }

    /// A VIP's phase change, for the log.
    public struct Transition: Sendable, Hashable {
        public var address: IPAddress
        public var from: Machine.Phase
        public var to: Machine.Phase
        public var reason: String
    }

    private mutating func apply(at now: Instant, _ event: (inout Entry) -> Machine.Event?) -> [Transition] {
        var transitions: [Transition] = []
        for i in entries.indices {
            guard let e = event(&entries[i]) else { continue }
            let before = entries[i].machine.phase
            _ = entries[i].machine.handle(e)
            let after = entries[i].machine.phase
            if before != after {
                transitions.append(Transition(address: entries[i].address, from: before, to: after,
                                              reason: entries[i].reason))
            }
        }
        return transitions
    }
}
