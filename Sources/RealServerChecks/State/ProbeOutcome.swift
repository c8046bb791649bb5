/// The result of running a checker once.
public enum ProbeOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The probe passed. `weight` is set only by keepalived `misc_dynamic` (exit code - 2);
    /// nil means "the configured weight".
    case healthy(weight: Int?)
    /// The probe failed, with a reason for people ("connect timeout after 3 s", "HTTP 503 on /health").
    case unhealthy(reason: String)

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
        }
    }
}
