/// A failed rtnetlink request or socket call: a stable code, the operation, the errno and the
/// kernel's extended-ack message when it sent one.
public struct RouteNetlinkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable classification of ``errno``.
    public enum Code: Hashable, Sendable {
        /// EEXIST: the address is there already.
        case exists
        /// EADDRNOTAVAIL / ENOENT / ESRCH: no such address.
        case notFound
        /// ENODEV: no such interface.
        case noSuchDevice
        /// EPERM / EACCES.
        case permissionDenied
        /// EINVAL and the like: the kernel refused the request's contents.
        case invalidArgument
        /// The reply could not be decoded (errno 0).
        case malformed
        /// No reply within the socket's receive timeout.
        case timedOut
        /// Any other errno.
        case other
    }

    public var code: Code
    /// What failed: "RTM_NEWADDR 192.0.2.10/24 dev 3", "socket(NETLINK_ROUTE)".
    public var operation: String
    /// errno, or 0 when no system call or kernel reply failed.
    public var errno: Int32
    /// The kernel's extended-ack text when it gave one, otherwise strerror's.
    public var message: String

    public init(code: Code, operation: String, errno: Int32, message: String) {
        self.code = code
        self.operation = operation
        self.errno = errno
        self.message = message
    }

    /// The code for an errno value (the numbers are Linux's, the same on every architecture
    /// this runs on).
    public static func code(forErrno errno: Int32) -> Code {
        switch errno {
        case 17: .exists                 // EEXIST
        case 99, 2, 3: .notFound         // EADDRNOTAVAIL, ENOENT, ESRCH
        case 19: .noSuchDevice           // ENODEV
        case 1, 13: .permissionDenied    // EPERM, EACCES
        case 22, 34, 95: .invalidArgument  // EINVAL, ERANGE, EOPNOTSUPP
        case 11, 110: .timedOut          // EAGAIN (SO_RCVTIMEO), ETIMEDOUT
        default: .other
        }
    }

    static func malformed(_ what: String) -> RouteNetlinkError {
        RouteNetlinkError(code: .malformed, operation: "decode", errno: 0, message: what)
    }

    public var description: String {
        errno == 0 ? "\(operation): \(message)" : "\(operation): \(message) (errno \(errno))"
    }
}
