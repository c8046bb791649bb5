import Glibc
import IPVSNetlink

/// A small state file under /run: lines of text, replaced atomically (written to a temporary
/// file, synced, then renamed), so that a director killed at any moment leaves the old file
/// or the new one.
public struct StateFile: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }

    /// A problem reading or writing the file, with the errno.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var operation: String
        public var errno: Int32
        public var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
    }

    /// The non-empty lines of the file; none when there is no file.
    public func readLines() throws(Failure) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let error = errno
            if error == ENOENT { return [] }
            throw Failure(path: path, operation: "open", errno: error)
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, operation: "read", errno: errno)
            }
            if n == 0 { break }
            bytes += buffer[..<n]
        }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Creates the directory `path` is in (one level, mode 0755) unless it exists; on a
    /// failure, the directory and the errno. lvsd's files under /run use it: state files,
    /// the control socket, the pid file.
    public static func createParentDirectory(of path: String) -> (directory: String, errno: Int32)? {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty, mkdir(directory, 0o755) != 0, errno != EEXIST { return (directory, errno) }
        return nil
    }

    /// Replaces the file with `lines`; creates its directory if it is missing.
    public func writeLines(_ lines: [String]) throws(Failure) {
        if let (directory, error) = Self.createParentDirectory(of: path) {
            throw Failure(path: directory, operation: "mkdir", errno: error)
        }
        let temporary = path + ".new"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw Failure(path: temporary, operation: "open", errno: errno) }
        var bytes = Array(lines.map { $0 + "\n" }.joined().utf8)[...]
        while !bytes.isEmpty {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let error = errno
                close(fd)
                throw Failure(path: temporary, operation: "write", errno: error)
            }
            bytes = bytes.dropFirst(n)
        }
        if fsync(fd) != 0 {
            let error = errno
            close(fd)
            throw Failure(path: temporary, operation: "fsync", errno: error)
        }
        close(fd)
        if rename(temporary, path) != 0 { throw Failure(path: path, operation: "rename", errno: errno) }
    }
}

/// The services this director installed, kept in a file (default
/// `/run/lvsd/managed-services`) so that a restarted director, even after `kill -9`, knows
/// which services in the kernel are its own: it removes those the new configuration no
/// longer has and leaves everyone else's alone. One service per line as `IPVSServiceKey`
/// prints it (`tcp:10.0.0.1:80`, `fwmark:7:ipv6`).
public struct ManagedServicesFile: Sendable {
    public var file: StateFile
    public var path: String { file.path }

    public init(path: String) {
        file = StateFile(path: path)
    }

    /// The services in the file; empty when there is no file. Lines that do not parse are
    /// returned in `unreadable` (a file from a newer version, or damaged).
    public func read() throws(StateFile.Failure) -> (services: Set<IPVSServiceKey>, unreadable: [String]) {
        var services = Set<IPVSServiceKey>()
        var unreadable: [String] = []
        for line in try file.readLines() {
            if let key = try? IPVSServiceKey(parsing: line) {
                services.insert(key)
            } else {
                unreadable.append(line)
            }
        }
        return (services, unreadable)
    }

    /// Replaces the file with `services`, sorted by their text.
    public func write(_ services: Set<IPVSServiceKey>) throws(StateFile.Failure) {
        try file.writeLines(services.map(\.description).sorted())
    }
}
