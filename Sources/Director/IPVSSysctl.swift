import Glibc

/// The IPVS settings under `/proc/sys/net/ipv4/vs` (`sysctl net.ipv4.vs.NAME`), read and
/// written as integers in the network namespace of the calling process. Every call opens the
/// file anew: the files appear when the `ip_vs` module is loaded, go with it, and a reloaded
/// module starts from the kernel's defaults again.
///
/// A kernel without IPVS has no such files: ``value(of:)`` and ``set(_:to:)`` then throw
/// ``IPVSSysctlError/Code/notAvailable``; nothing here traps.
public struct IPVSSysctl: Sendable {
    /// The name of one setting, the file's name: `sloppy_tcp`, `backup_only`. An open set:
    /// any file of the directory can be named.
    public struct Name: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// Connections met mid-stream (no SYN seen) are taken up. `net.ipv4.vs.sloppy_tcp`.
        public static let sloppyTCP = Name("sloppy_tcp")
        /// The same for SCTP (no INIT seen). `net.ipv4.vs.sloppy_sctp`.
        public static let sloppySCTP = Name("sloppy_sctp")
        /// A backup sync daemon's director does not forward. `net.ipv4.vs.backup_only`.
        public static let backupOnly = Name("backup_only")

        public var description: String { rawValue }
        public static func < (a: Name, b: Name) -> Bool { a.rawValue < b.rawValue }
    }

    /// Where the kernel keeps them.
    public static let defaultDirectory = "/proc/sys/net/ipv4/vs"
    /// The longest value read: the integer settings are short; a longer file is not one of them.
    static let readLimit = 64

    /// The directory the settings are read from (tests give a temporary one).
    public let directory: String

    public init(directory: String = IPVSSysctl.defaultDirectory) {
        self.directory = directory
    }

    /// The file of `name`. Equivalent to `sysctl net.ipv4.vs.NAME`'s `/proc/sys/net/ipv4/vs/NAME`.
    public func path(of name: Name) -> String { directory + "/" + name.rawValue }

    /// The setting's value now. Equivalent to `sysctl -n net.ipv4.vs.NAME`.
    public func value(of name: Name) throws(IPVSSysctlError) -> Int {
        let operation = "read \(path(of: name))"
        try Self.validate(name, operation: operation)
        let fd = try Self.open(path(of: name), flags: O_RDONLY, operation: operation)
        defer { _ = Glibc.close(fd) }
        var bytes = [UInt8](repeating: 0, count: Self.readLimit + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(fd, buffer.baseAddress! + count, buffer.count - count)
            }
            if n == 0 { break }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw IPVSSysctlError(errno: code, operation: operation)
            }
            count += n
        }
        let text = String(decoding: bytes[..<count], as: UTF8.self)
        let words = text.split(whereSeparator: \.isWhitespace)
        guard count <= Self.readLimit, words.count == 1, let value = Int(words[0]) else {
            throw IPVSSysctlError(code: .invalidValue, operation: operation, errno: 0,
                                  message: "not an integer: '\(text.prefix(Self.readLimit).filter { !$0.isNewline })'")
        }
        return value
    }

    /// Sets it. Equivalent to `sysctl -w net.ipv4.vs.NAME=VALUE`.
    public func set(_ name: Name, to value: Int) throws(IPVSSysctlError) {
        let operation = "write \(value) to \(path(of: name))"
        try Self.validate(name, operation: operation)
        let fd = try Self.open(path(of: name), flags: O_WRONLY, operation: operation)
        defer { _ = Glibc.close(fd) }
        let bytes = Array("\(value)\n".utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { buffer in
                Glibc.write(fd, buffer.baseAddress! + written, buffer.count - written)
            }
            if n < 0 {
                let code = errno
                if code == EINTR { continue }
                throw IPVSSysctlError(errno: code, operation: operation)
            }
            if n == 0 {
                throw IPVSSysctlError(code: .other, operation: operation, errno: 0, message: "the kernel took no byte")
            }
            written += n
        }
    }

    /// A name is one file of the directory: not empty, no `/`, not `.` or `..`.
    private static func validate(_ name: Name, operation: String) throws(IPVSSysctlError) {
        let raw = name.rawValue
        guard !raw.isEmpty, !raw.contains("/"), raw != ".", raw != "..", !raw.utf8.contains(0) else {
            throw IPVSSysctlError(code: .invalidName, operation: operation, errno: 0,
                                  message: "'\(raw)' is not the name of a setting")
        }
    }

    private static func open(_ path: String, flags: Int32, operation: String) throws(IPVSSysctlError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC)
            if fd >= 0 { return fd }
            let code = errno
            if code != EINTR { throw IPVSSysctlError(errno: code, operation: operation) }
        }
    }
}
