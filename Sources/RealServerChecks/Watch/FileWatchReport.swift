/// What a ``FileWatcher`` saw happen to one watched file.
public struct FileWatchReport: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The file was written and closed (`IN_CLOSE_WRITE`) or renamed into place
        /// (`IN_MOVED_TO`): read it again.
        case written
        /// The file was deleted (`IN_DELETE`) or renamed away (`IN_MOVED_FROM`), or its
        /// directory stopped being watched (`IN_IGNORED`): keepalived counts its value as 0.
        case removed
        /// The kernel's event queue overflowed (`IN_Q_OVERFLOW`): changes may have been lost,
        /// so every watched file should be read again.
        case overflow
    }

    /// The path as it was given to ``FileWatcher/init(paths:logger:)``.
    public var path: String
    public var kind: Kind

    public init(path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    public var description: String { "\(kind.rawValue) \(path)" }
}

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

/// A watch could not be set up: the operation, the path, the errno and the C library's text.
public struct FileWatchError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The system call or step, e.g. `inotify_add_watch`.
    public var operation: String
    /// The path concerned; empty for the watcher itself.
    public var path: String
    /// The errno; 0 when the failure is not a system call's (a directory that is a file).
    public var errno: Int32
    public var message: String

    public init(operation: String, path: String, errno: Int32, message: String) {
        self.operation = operation
        self.path = path
        self.errno = errno
        self.message = message
    }

    public var description: String {
        path.isEmpty ? "\(operation): \(message)" : "\(operation) \(path): \(message)"
    }
}
