extension DirectorStatus {
    /// `lvsd_route_announce`: the settings in force, the drain if one runs, and each VIP.
    public struct RouteAnnouncementStatus: Codable, Sendable, Hashable {
        public var table: UInt32
        public var routeProtocol: Int
        public var interface: String
        /// `rise`, `fall` and `hold_down` in seconds.
        public var rise: Double
        public var fall: Double
        public var holdDown: Double
        /// `lvsctl drain-director` in progress; nil when not draining.
        public var draining: DrainStatus?
        /// Routes added and removed since the start, requests that failed, and the last error.
        public var routesAdded: Int
        public var routesRemoved: Int
        public var failures: Int
        public var lastError: String?
        public var vips: [VIPAnnouncementStatus]
        /// `sloppy_tcp` and `sloppy_sctp` as the kernel has them (`set_sloppy`), the writes
        /// lvsd made, the reads and writes that failed, and the last failure.
        public var sysctls: [SysctlStatus]
        public var sysctlWrites: Int
        public var sysctlFailures: Int
        public var sysctlError: String?
    }

    /// One IPVS setting (`net.ipv4.vs.NAME`).
    public struct SysctlStatus: Codable, Sendable, Hashable {
        /// `sloppy_tcp`.
        public var name: String
        /// The kernel's value, read when the status was made; nil when it cannot be read.
        public var value: Int?
        /// What lvsd sets it to; nil when lvsd leaves it alone.
        public var wanted: Int?
        /// Why it cannot be read.
        public var error: String?

        public init(name: String, value: Int?, wanted: Int?, error: String?) {
            self.name = name
            self.value = value
            self.wanted = wanted
            self.error = error
        }
    }

    public struct DrainStatus: Codable, Sendable, Hashable {
        /// Seconds since the drain began, and until lvsd stops whatever the connections.
        public var seconds: Double
        public var timeoutLeft: Double
        /// Active connections of the VIPs' services at the last look.
        public var activeConnections: UInt64?
    }

    public struct VIPAnnouncementStatus: Codable, Sendable, Hashable {
        public var address: String
        /// `withdrawn`, `rising`, `announced`, `falling`, `draining` or `stopped`
        /// (``RouteAnnouncementMachine/Phase``).
        public var phase: String
        /// Why it is servable or not: `servable`, `quorum lost: TCP 10.0.0.1:80`, ...
        public var reason: String
        /// The last pass found the VIP servable (installed, quorum held).
        public var servable: Bool
        /// The host route is in the table now (read when the status was made).
        public var routeInstalled: Bool
        /// Seconds since the phase began; nil when it has not changed since the start.
        public var secondsInPhase: Double?
        /// Seconds of hold-down left after a withdrawal; nil when none.
        public var holdDownLeft: Double?
        /// The virtual servers at this address.
        public var virtualServers: [String]
    }

    /// The route announcement part of `lvsctl status`:
    ///
    /// ```
    /// route announce: table 100 proto 200 dev lvs0; rise 3 s, fall 0.0 s, hold-down 10 s; 2 routes added, 1 removed
    ///   192.0.2.10      announced   route in table   for 2m03s   servable
    ///   192.0.2.11      withdrawn   no route         for 12s     quorum lost: TCP 192.0.2.11:80 (hold-down 3.2 s)
    /// ipvs sysctl: sloppy_tcp 1 (lvsd sets 1), sloppy_sctp 0 (left alone)
    /// ```
    var routeAnnouncementText: String {
        guard let a = routeAnnouncement else { return "" }
        var out = "route announce: table \(a.table) proto \(a.routeProtocol) dev \(a.interface); "
        out += "rise \(Self.seconds(a.rise)), fall \(Self.seconds(a.fall)), hold-down \(Self.seconds(a.holdDown)); "
        out += "\(a.routesAdded) routes added, \(a.routesRemoved) removed"
        if a.failures > 0 { out += ", \(a.failures) failures" }
        out += "\n"
        if let error = a.lastError { out += "route error: \(error)\n" }
        if let drain = a.draining {
            out += "draining for \(Self.duration(drain.seconds)): "
            out += "\(drain.activeConnections.map { "\($0) active connections" } ?? "connections unknown"), "
            out += "stops in at most \(Self.seconds(drain.timeoutLeft))\n"
        }
        for vip in a.vips {
            var line = "  " + Self.pad(vip.address, 16) + Self.pad(vip.phase, 12)
            line += Self.pad(vip.routeInstalled ? "route in table" : "no route", 17)
            line += Self.pad(vip.secondsInPhase.map { "for \(Self.duration($0))" } ?? "since start", 12)
            line += vip.reason
            if let left = vip.holdDownLeft { line += " (hold-down \(Self.seconds(left)))" }
            out += line + "\n"
        }
        if !a.sysctls.isEmpty {
            out += "ipvs sysctl: " + a.sysctls.map { sysctl in
                let value = sysctl.value.map(String.init) ?? "unknown"
                return "\(sysctl.name) \(value) (\(sysctl.wanted.map { "lvsd sets \($0)" } ?? "left alone"))"
            }.joined(separator: ", ")
            if a.sysctlFailures > 0 { out += "; \(a.sysctlFailures) failures" }
            out += "\n"
            if let error = a.sysctlError ?? a.sysctls.compactMap(\.error).first { out += "sysctl error: \(error)\n" }
        }
        return out
    }
}
