/// Runs a checker once. The engine calls it on schedule; tests substitute a scripted one.
public protocol Prober: Sendable {
    /// Probes once. Throws only when the check cannot run as configured (for example a
    /// `misc_path` that is not executable); an unhealthy target is a ``ProbeOutcome``.
    func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome
}
