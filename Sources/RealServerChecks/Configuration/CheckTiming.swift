/// When a checker probes and how many failures take a real server down.
public struct CheckTiming: Hashable, Sendable {
    /// keepalived `delay_loop`: the interval between probes (default 60 s). Probes follow a fixed
    /// schedule measured from when each probe was due, not from when the previous one finished.
    public var delayLoop: Duration
    /// keepalived `retry`: how many times a failed probe is retried, `delay_before_retry` apart,
    /// before an up checker goes down. As in keepalived, a checker goes down on the
    /// `retry + 1`-th failure in a row; `retry 0` takes it down on the first failure (default 1).
    public var retry: Int
    /// keepalived `delay_before_retry` (default 1 s; 3 s for HTTP_GET and SSL_GET).
    public var delayBeforeRetry: Duration
    /// keepalived `warmup`: the first probe is delayed by a random time up to this; nil probes at once.
    public var warmup: Duration?
    /// keepalived `alpha`: start down and stay down until the first successful probe. Without it the
    /// checker starts up.
    public var alpha: Bool

    public init(
        delayLoop: Duration = .seconds(60), retry: Int = 1, delayBeforeRetry: Duration = .seconds(1),
        warmup: Duration? = nil, alpha: Bool = false
    ) {
        self.delayLoop = delayLoop
        self.retry = retry
        self.delayBeforeRetry = delayBeforeRetry
        self.warmup = warmup
        self.alpha = alpha
    }
}
