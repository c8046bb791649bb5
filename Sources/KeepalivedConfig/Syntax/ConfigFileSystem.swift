/// What the configuration reader needs from a file system: reading files, listing
/// directories (for `include` globs), and the current directory that relative paths
/// start from. ``LocalFileSystem`` is the real one; ``InMemoryFileSystem`` serves tests
/// and the fuzzer. The glob matching itself is done by the reader, so tests and
/// production run the same code.
public protocol ConfigFileSystem {
    /// The directory relative paths are resolved against (the process's working directory
    /// for ``LocalFileSystem``). Absolute.
    var currentDirectory: String { get }

    /// The whole content of the file at `path`.
    func readFile(atPath path: String) throws(ConfigFileError) -> [UInt8]

    /// The type of the file at `path` after following symbolic links (`stat(2)`); nil when
    /// nothing is there.
    func fileType(atPath path: String) -> ConfigFileType?

    /// The names in directory `path`, without `.` and `..`, in any order; nil when it
    /// cannot be opened (`opendir(3)`).
    func directoryEntries(atPath path: String) -> [String]?

    /// `path` absolute with every symbolic link, `.` and `..` resolved (`realpath(3)`);
    /// nil when it does not exist. Used to recognise a file already being read.
    func canonicalPath(_ path: String) -> String?
}

/// The kinds of file the `include` checks tell apart.
public enum ConfigFileType: Sendable, Hashable {
    /// A regular file; keepalived skips executable ones (any `x` bit).
    case regular(executable: Bool)
    case directory
    /// A device, socket, FIFO.
    case other
}

/// A file that could not be read: the errno and its message.
public struct ConfigFileError: Error, Sendable, Hashable {
    public var errno: Int32
    /// `strerror(errno)`, e.g. "No such file or directory".
    public var message: String

    public init(errno: Int32, message: String) {
        self.errno = errno
        self.message = message
    }
}

/// Path string helpers shared by the file systems and the include resolution.
enum ConfigPath {
    /// The directory part as `dirname(3)` gives it: "." for a name without `/`.
    static func directory(of path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == ASCII.slash { bytes.removeLast() }
        guard let slash = bytes.lastIndex(of: ASCII.slash) else { return "." }
        var end = slash
        while end > 0, bytes[end - 1] == ASCII.slash { end -= 1 }
        if end == 0 { return "/" }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// `component` relative to `directory` unless it is absolute; "." is left out.
    static func join(_ directory: String, _ component: String) -> String {
        if component.hasPrefix("/") || directory.isEmpty || directory == "." { return component }
        if directory.hasSuffix("/") { return directory + component }
        return directory + "/" + component
    }

    /// `path` made absolute against `base` with `.` and `..` removed textually.
    static func normalize(_ path: String, base: String) -> String {
        let full = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in full.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
