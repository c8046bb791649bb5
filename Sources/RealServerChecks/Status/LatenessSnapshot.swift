/// Timer accuracy of an engine: how late probes started against their schedule, over a window
/// (see ``HealthCheckEngine/lateness(reset:)``). Data for the daemon to publish as it likes; the
/// library bootstraps no metrics system.
///
/// Percentiles are the upper edges of buckets 10 µs wide below 10 ms (100 µs below 1 s), capped
/// at the maximum seen, so they never understate.
public struct LatenessSnapshot: Hashable, Sendable, CustomStringConvertible {
    /// Probes started in the window.
    public var count: Int
    public var p50: Duration
    public var p90: Duration
    public var p99: Duration
    public var p999: Duration
    public var maximum: Duration

    public init(count: Int, p50: Duration, p90: Duration, p99: Duration, p999: Duration, maximum: Duration) {
        self.count = count
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.maximum = maximum
    }

    public var description: String {
        "\(count) probes, lateness p50 \(p50), p90 \(p90), p99 \(p99), p99.9 \(p999), max \(maximum)"
    }
}
