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
