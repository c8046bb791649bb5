/// The result of running a checker once.
public enum ProbeOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The probe passed. `weight` is set only by keepalived `misc_dynamic` (exit code - 2);
    /// nil means "the configured weight".
    case healthy(weight: Int?)
    /// The probe failed, with a reason for people ("connect timeout after 3 s", "HTTP 503 on /health").
    case unhealthy(reason: String)
    /// The checker itself could not run: a fault of this host (out of file descriptors, no memory
    /// for a socket, a program that could not be started), not of the real server. It says nothing
    /// about the real server, so it changes neither its state nor the retry count: a checker that
    /// is starved must not empty the table.
    case notRun(reason: String)

    public static let healthy = ProbeOutcome.healthy(weight: nil)

    public var isHealthy: Bool {
        if case .healthy = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .healthy(nil): "healthy"
        case .healthy(let weight?): "healthy, weight \(weight)"
        case .unhealthy(let reason): "unhealthy: \(reason)"
        case .notRun(let reason): "not run: \(reason)"
        }
    }
}
