/// What a ``FileWatcher`` counted while it ran.
public struct FileWatchStatistics: Sendable, Hashable {
    /// Events read from the kernel, for watched files or not.
    public var events = 0
    /// Reports handed out.
    public var reports = 0
    /// Reads and polls interrupted by a signal (`EINTR`), retried.
    public var interrupted = 0
    /// Queue overflows (`IN_Q_OVERFLOW`).
    public var overflows = 0
    /// Reads and polls that failed otherwise; each is logged.
    public var errors = 0
    /// The last failure's text.
    public var lastError: String?

    public init() {}
}
