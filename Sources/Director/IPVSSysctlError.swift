import Glibc

/// A failed read or write of an IPVS setting (``IPVSSysctl``): a stable code, the operation,
/// the errno (0 when no system call failed) and a message.
public struct IPVSSysctlError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// ENOENT: no such file, the kernel has no IPVS (no `ip_vs` module) or not this setting.
        case notAvailable
        /// EACCES, EPERM, EROFS: not root, or `/proc/sys` is read-only (a container).
        case permissionDenied
        /// EINVAL from the kernel on a write (a value out of range), or a file that does not
        /// hold an integer.
        case invalidValue
        /// A name that is not one file of the directory.
        case invalidName
        /// Any other errno.
        case other
    }

    public var code: Code
    /// What failed: `write 1 to /proc/sys/net/ipv4/vs/sloppy_tcp`.
    public var operation: String
    public var errno: Int32
    /// strerror's text, or what was wrong.
    public var message: String

    public init(code: Code, operation: String, errno: Int32, message: String) {
        self.code = code
        self.operation = operation
        self.errno = errno
        self.message = message
    }

    /// The error of a failed system call, classified and with strerror's text.
    init(errno code: Int32, operation: String) {
        self.init(code: Self.code(forErrno: code), operation: operation, errno: code,
                  message: String(cString: strerror(code)))
    }

    public static func code(forErrno errno: Int32) -> Code {
        switch errno {
        case ENOENT: .notAvailable
        case EACCES, EPERM, EROFS: .permissionDenied
        case EINVAL, ERANGE: .invalidValue
        default: .other
        }
    }

    public var description: String {
        errno == 0 ? "\(operation): \(message)" : "\(operation): \(message) (errno \(errno))"
    }
}
