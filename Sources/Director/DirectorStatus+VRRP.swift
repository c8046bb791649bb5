import VRRP

extension DirectorStatus {
    /// One VRRP instance as `lvsctl status` shows it (the `vrrp` list of the JSON).
    public struct VRRPInstanceStatus: Codable, Sendable, Hashable {
        /// `vrrp_instance NAME`.
        public var name: String
        public var interface: String
        public var virtualRouterID: Int
        /// 2 or 3.
        public var version: Int
        /// `INIT`, `BACKUP`, `MASTER`, `FAULT`, or `NOT RUNNING` when the runner could not open
        /// its sockets (see ``error``).
        public var state: String
        /// The configured priority and the effective one (tracked weights applied; nil
        /// before the instance runs).
        public var priority: Int
        public var effectivePriority: Int?
        /// The master's primary address as last heard (ours while MASTER).
        public var master: String?
        /// Seconds since the last state change; nil before the first.
        public var sinceTransition: Double?
        public var advertsSent: Int
        public var advertsReceived: Int
        /// Gratuitous ARPs and unsolicited NAs sent.
        public var announcementsSent: Int
        /// Adverts heard from another master while MASTER (split brain, or a preempting
        /// higher priority router); each is logged.
        public var otherMasterAdverts: Int
        /// Received messages dropped, per check (keepalived's `vrrp_stats` names them).
        public var rejections: [String: Int]
        /// Failed sends, receives, address changes, announcements and link reads, added up.
        public var errors: Int
        /// The last failure, or why the instance does not run.
        public var error: String?
        /// The `vrrp_sync_group` the instance is a member of, and the group's state (`INIT`,
        /// `BACKUP`, `MASTER`, `FAULT`); nil outside a group.
        public var syncGroup: String?
        public var syncGroupState: String?
        /// What each tracked `vrrp_script`, `track_file` and `vrrp_track_process` does now, as
        /// `track_file NAME +20` or `track_process NAME FAULT`, sorted; nil when none is tracked.
        public var tracked: [String]?

        public init(name: String, interface: String, virtualRouterID: Int, version: Int, state: String, priority: Int,
                    effectivePriority: Int? = nil, master: String? = nil, sinceTransition: Double? = nil,
                    advertsSent: Int = 0, advertsReceived: Int = 0, announcementsSent: Int = 0,
                    otherMasterAdverts: Int = 0, rejections: [String: Int] = [:], errors: Int = 0, error: String? = nil,
                    syncGroup: String? = nil, syncGroupState: String? = nil) {
            self.name = name
            self.interface = interface
            self.virtualRouterID = virtualRouterID
            self.version = version
            self.state = state
            self.priority = priority
            self.effectivePriority = effectivePriority
            self.master = master
            self.sinceTransition = sinceTransition
            self.advertsSent = advertsSent
            self.advertsReceived = advertsReceived
            self.announcementsSent = announcementsSent
            self.otherMasterAdverts = otherMasterAdverts
            self.rejections = rejections
            self.errors = errors
            self.error = error
            self.syncGroup = syncGroup
            self.syncGroupState = syncGroupState
        }

        /// The status of an instance from what its runner reports; `error`, when given, says
        /// why it does not run.
        public init(configuration: VRRPRunnerConfiguration, state: String, effectivePriority: UInt8?,
                    master: VRRPAddress?, sinceTransition: Duration?, statistics: VRRPRunnerStatistics,
                    error: String? = nil, syncGroup: String? = nil, syncGroupState: String? = nil,
                    tracked: [String: VRRPTrackedEffect] = [:]) {
            var rejections: [String: Int] = [:]
            for (counter, count) in statistics.rejections where count > 0 { rejections[counter.rawValue] = count }
            self.init(
                name: configuration.name, interface: configuration.interface,
                virtualRouterID: Int(configuration.instance.virtualRouterID),
                version: Int(configuration.instance.version.rawValue), state: state,
                priority: Int(configuration.instance.priority), effectivePriority: effectivePriority.map(Int.init),
                master: master?.description, sinceTransition: sinceTransition.map(Director.seconds),
                advertsSent: statistics.advertsSent, advertsReceived: statistics.advertsReceived,
                announcementsSent: statistics.announcementsSent, otherMasterAdverts: statistics.otherMasterAdverts,
                rejections: rejections,
                errors: statistics.sendErrors + statistics.receiveErrors + statistics.addressErrors
                    + statistics.routeErrors + statistics.announcementErrors + statistics.linkErrors,
                error: error ?? statistics.lastError, syncGroup: syncGroup, syncGroupState: syncGroupState)
            if !tracked.isEmpty { self.tracked = tracked.sorted { $0.key < $1.key }.map { "\($0.key) \(Self.text($0.value))" } }
        }

        /// `FAULT`, or the weight with its sign (`+20`, `-10`, `+0`).
        static func text(_ effect: VRRPTrackedEffect) -> String {
            switch effect {
            case .fault: "FAULT"
            case .weight(let weight): weight < 0 ? "\(weight)" : "+\(weight)"
            }
        }

        /// ```
        /// VI_1 (eth0, vrid 51, v2): MASTER for 3m07s, priority 150 (effective 150), master 192.0.2.1
        ///   adverts sent 187 received 2, announcements 10, other master adverts 0, rejected: auth_failure 3
        /// ```
        /// A member of a sync group ends the first line with `, sync group NAME STATE`.
        var text: String {
            var out = "\(name) (\(interface), vrid \(virtualRouterID), v\(version)): \(state)"
            if let since = sinceTransition { out += " for \(DirectorStatus.duration(since))" }
            out += ", priority \(priority)"
            if let effectivePriority { out += " (effective \(effectivePriority))" }
            if let master { out += ", master \(master)" }
            if let syncGroup { out += ", sync group \(syncGroup) \(syncGroupState ?? "INIT")" }
            out += "\n  adverts sent \(advertsSent) received \(advertsReceived), announcements \(announcementsSent)"
            out += ", other master adverts \(otherMasterAdverts)"
            if rejections.isEmpty {
                out += ", rejected none"
            } else {
                out += ", rejected: " + rejections.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                    .joined(separator: ", ")
            }
            if errors > 0 { out += ", \(errors) errors" }
            out += "\n"
            if let tracked { out += "  tracked: \(tracked.joined(separator: ", "))\n" }
            if let error { out += "  \(state == DirectorStatus.VRRPInstanceStatus.notRunning ? "error" : "last error"): \(error)\n" }
            return out
        }

        /// The state of an instance whose runner could not start.
        public static let notRunning = "NOT RUNNING"
    }

    /// The VRRP section of `lvsctl status`; empty when there is nothing to say.
    var vrrpText: String {
        guard !vrrp.isEmpty || !vrrpNotRun.isEmpty else { return "" }
        var out = "\nVRRP:\n"
        for instance in vrrp { out += instance.text }
        for item in vrrpNotRun { out += "not run: \(item)\n" }
        return out
    }
}
