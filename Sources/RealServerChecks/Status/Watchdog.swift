/// The engine's watchdog: how often it looks at every schedule, and how far behind a schedule may
/// fall before it is reported as stalled (keepalived issue #2523: a checker froze without a log line).
///
/// A schedule is stalled when its next probe was due more than `grace` ago and has not started
/// (its task or connect loop is stuck or gone), or when a probe has run for more than its time limit
/// (``CheckSpec/probeTimeLimit``) plus `grace` (the probe hangs). The watchdog logs an error when a
/// schedule stalls and a notice when it moves again; ``EngineStatus/stalledChecks`` lists them.
public struct Watchdog: Hashable, Sendable {
    /// How often the watchdog looks (on the engine's clock).
    public var interval: Duration
    /// How late is stalled.
    public var grace: Duration

    public init(interval: Duration = .seconds(1), grace: Duration = .seconds(10)) {
        self.interval = interval
        self.grace = grace
    }
}

extension CheckSpec {
    /// The longest a probe may take before the watchdog counts its overrun: `connect_timeout` for
    /// TCP_CHECK, UDP_CHECK, PING_CHECK and DNS_CHECK, `connect_timeout` per step (connect,
    /// greeting, HELO, QUIT) for SMTP_CHECK, `connect_timeout` per URL for HTTP_GET and SSL_GET
    /// (it bounds each exchange), `misc_timeout` (default `delay_loop`) for MISC_CHECK, and
    /// `delay_loop` for FILE_CHECK (a read of a local file has no timeout of its own).
    public var probeTimeLimit: Duration {
        switch checker {
        case .tcp(let check): check.connectTimeout
        case .udp(let check): check.connectTimeout
        case .ping(let check): check.connectTimeout
        case .smtp(let check): check.connectTimeout * SMTPCheck.steps
        case .dns(let check): check.connectTimeout
        case .http(let check): check.connectTimeout * max(1, check.urls.count)
        case .misc(let check): check.timeout ?? timing.delayLoop
        case .file: timing.delayLoop
        }
    }
}
