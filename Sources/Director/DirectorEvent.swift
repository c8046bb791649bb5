import KeepalivedConfig

/// What happened in the director, for notifications (scripts, mail) and anything else that
/// follows it. Events come in order on ``Director/events``.
public enum DirectorEvent: Sendable {
    /// A real server's health changed (not the start-up state).
    case realServer(RealServerChange)
    /// A virtual server gained or lost its quorum.
    case quorum(QuorumChange)
    /// A new configuration was accepted (sent before the quorum changes it causes).
    case reloaded(Reload)

    public struct RealServerChange: Sendable {
        public var virtualServer: VirtualServer
        public var realServer: RealServer
        public var isUp: Bool
        /// The check result behind it (`connect failed: connection refused`).
        public var reason: String
    }

    public struct QuorumChange: Sendable {
        public var virtualServer: VirtualServer
        public var hasQuorum: Bool
        public var liveWeight: Int
    }

    public struct Reload: Sendable {
        public var previous: KeepalivedConfiguration
        public var current: KeepalivedConfiguration
    }
}
