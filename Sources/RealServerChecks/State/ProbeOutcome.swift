/// The result of running a checker once.
public enum ProbeOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The probe passed. `weight` is set only by keepalived `misc_dynamic` (exit code - 2);
    /// nil means "the configured weight".
    case healthy(weight: Int?)
    /// The probe passed, and this is added to the real server's weight: keepalived `FILE_CHECK`
    /// (the value in the tracked file times its weight).
    case weightOffset(Int)
    /// The probe failed, with a reason for people ("connect timeout after 3 s", "HTTP 503 on /health").
    case unhealthy(reason: String)
    /// The checker itself could not run: a fault of this host (out of file descriptors, no memory
    /// for a socket, a program that could not be started), not of the real server. It says nothing
    /// about the real server, so it changes neither its state nor the retry count: a checker that
    /// is starved must not empty the table.
    case notRun(reason: String)

    public static let healthy = ProbeOutcome.healthy(weight: nil)

    public var isHealthy: Bool {
        switch self {
        case .healthy, .weightOffset: true
        case .unhealthy, .notRun: false
        }
    }

    public var description: String {
        switch self {
        case .healthy(nil): "healthy"
        case .healthy(let weight?): "healthy, weight \(weight)"
        case .weightOffset(let offset): "healthy, weight \(offset < 0 ? "" : "+")\(offset)"
        case .unhealthy(let reason): "unhealthy: \(reason)"
        case .notRun(let reason): "not run: \(reason)"
        }
    }
}
