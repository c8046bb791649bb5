/// What an engine is doing, as data for the daemon's status output and logs
/// (see ``HealthCheckEngine/status()``).
public struct EngineStatus: Hashable, Sendable {
    /// A check the engine has something to say about.
    public struct CheckIssue: Hashable, Sendable, CustomStringConvertible {
        /// The check, as ``CheckSpec/description`` prints it.
        public var check: String
        public var reason: String

        public init(check: String, reason: String) {
            self.check = check
            self.reason = reason
        }

        public var description: String { "\(check): \(reason)" }
    }

    /// Distinct probe schedules configured.
    public var schedules: Int
    /// Probes started since the engine was created.
    public var probesStarted: Int
    /// Probes finished since the engine was created.
    public var probesCompleted: Int
    /// Probes that could not run (``ProbeOutcome/notRun(reason:)``: a fault of this host, such as no
    /// file descriptor left) since the engine was created.
    public var checkerFaults: Int
    /// Checks whose last probe could not run, with the reason. Their real servers keep the state
    /// they had.
    public var faultedChecks: [CheckIssue]
    /// Checks the watchdog found stuck: a probe due but not started, or running far past its
    /// timeout. Sorted by check.
    public var stalledChecks: [CheckIssue]
    /// Failures of the engine's TCP connect loops: loops that could not be started, and failed
    /// system calls of running loops (`epoll_wait`, the eventfd).
    public var connectLoopFaults: Int
    /// The last of those, for people.
    public var lastConnectLoopFault: String?

    public init(
        schedules: Int = 0, probesStarted: Int = 0, probesCompleted: Int = 0, checkerFaults: Int = 0,
        faultedChecks: [CheckIssue] = [], stalledChecks: [CheckIssue] = [], connectLoopFaults: Int = 0,
        lastConnectLoopFault: String? = nil
    ) {
        self.schedules = schedules
        self.probesStarted = probesStarted
        self.probesCompleted = probesCompleted
        self.checkerFaults = checkerFaults
        self.faultedChecks = faultedChecks
        self.stalledChecks = stalledChecks
        self.connectLoopFaults = connectLoopFaults
        self.lastConnectLoopFault = lastConnectLoopFault
    }
}
