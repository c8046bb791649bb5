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
