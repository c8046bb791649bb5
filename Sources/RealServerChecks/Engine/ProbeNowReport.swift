/// What ``HealthCheckEngine/probeNow(_:)`` saw: each check of a real server probed once, outside
/// its schedule, and the real server's health after counting them.
public struct ProbeNowReport: Hashable, Sendable, CustomStringConvertible {
    /// One check's probe.
    public struct Probe: Hashable, Sendable, CustomStringConvertible {
        /// The checker as the log and the status name it (`TCP_CHECK 10.0.1.5:80`).
        public var check: String
        public var outcome: ProbeOutcome
        /// From the probe's start to its end, on the engine's clock.
        public var duration: Duration

        public init(check: String, outcome: ProbeOutcome, duration: Duration) {
            self.check = check
            self.outcome = outcome
            self.duration = duration
        }

        public var description: String { "\(check): \(outcome) (\(duration.humanReadable))" }
    }

    public var realServer: RealServerID
    /// In the order the real server's checks are configured; a check configured twice is probed once.
    public var probes: [Probe]
    /// The real server's health once the probes were counted.
    public var health: RealServerHealth

    public init(realServer: RealServerID, probes: [Probe], health: RealServerHealth) {
        self.realServer = realServer
        self.probes = probes
        self.health = health
    }

    public var description: String {
        (probes.map(\.description) + ["\(realServer) \(health)"]).joined(separator: "\n")
    }
}
