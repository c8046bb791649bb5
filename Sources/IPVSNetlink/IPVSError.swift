#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed IPVS operation: a stable code, the operation, the kernel's errno and
/// its extended-ack message when it sent one.
public struct IPVSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, in terms a caller can branch on.
    public enum Code: String, Hashable, Sendable {
        /// EEXIST: the service or destination is already there.
        case exists
        /// ENOENT where the operation does not say what is missing (for example a
        /// service with a persistence engine: no such scheduler or no such engine).
        case notFound
        /// ESRCH: no such virtual service.
        case noSuchService
        /// ENOENT on a destination operation: no such real server.
        case noSuchDestination
        /// ENOENT when adding/editing a service: no such scheduler module.
        case unknownScheduler
        /// EPERM / EACCES: needs CAP_NET_ADMIN.
        case permissionDenied
        /// The IPVS generic-netlink family is absent (ip_vs not loaded).
        case notAvailable
        /// EINVAL.
        case invalidArgument
        /// EBUSY, e.g. sync daemon already running.
        case busy
        /// The kernel did not answer within the socket timeout.
        case timedOut
        /// The reply could not be parsed.
        case malformedReply
        /// Any other errno.
        case system
    }

    public var code: Code
    /// The operation, named after the ipvsadm command ("add service tcp:10.0.0.1:80").
    public var operation: String
    /// The kernel's (or libc's) errno; 0 when none applies.
    public var errno: Int32
    /// NLMSGERR_ATTR_MSG from the kernel, or our own detail.
    public var message: String?

    public init(code: Code, operation: String, errno: Int32 = 0, message: String? = nil) {
        self.code = code
        self.operation = operation
        self.errno = errno
        self.message = message
    }

    public var description: String {
        var text = "\(operation): "
        text += code == .system ? String(cString: strerror(errno)) : code.text
        if errno != 0, code != .system { text += " (\(IPVSErrorMessages.name(errno: errno)))" }
        if let message, !message.isEmpty { text += ": \(message)" }
        return text
    }
}

extension IPVSError.Code {
    /// What the code means, for people; for `.permissionDenied` and
    /// `.notAvailable` also what to do about it (lvsctl prints these two
    /// alone). `.system` reads "system error": the errno's strerror(3) text
    /// says more, and `IPVSError.description` shows that instead.
    public var text: String {
        switch self {
        case .exists: "already exists"
        case .notFound: "not found"
        case .noSuchService: "no such service"
        case .noSuchDestination: "no such destination"
        case .unknownScheduler: "unknown scheduler"
        case .permissionDenied: "permission denied: run as root (needs CAP_NET_ADMIN)"
        case .notAvailable: "IPVS is not available: load the ip_vs kernel module (modprobe ip_vs)"
        case .invalidArgument: "invalid argument"
        case .busy: "busy"
        case .timedOut: "the kernel did not answer in time"
        case .malformedReply: "malformed reply"
        case .system: "system error"
        }
    }
}

/// Which object an operation addresses; decides what ENOENT means.
package enum OperationTarget: Sendable {
    case service
    case serviceWithEngine
    case destination
    case daemon
    case other
}

extension IPVSError {
    /// The error the kernel's `errno` for `change` gives, as `IPVSHandle.apply`
    /// reports it: for fakes of the kernel, so that they map errnos as the
    /// real handle does.
    package init(errno value: Int32, failing change: IPVSChange, message: String? = nil) {
        self.init(errno: value, operation: change.operation, target: IPVSCodec.request(for: change).target,
                  message: message)
    }

    /// Maps a kernel errno for an operation to the stable code.
    package init(errno value: Int32, operation: String, target: OperationTarget, message: String?) {
        let code: Code
        switch value {
        case EEXIST: code = .exists
        case ESRCH: code = target == .daemon ? .notFound : .noSuchService
        case ENOENT:
            switch target {
            case .service: code = .unknownScheduler
            // The kernel looks the scheduler up first, then the engine; ENOENT
            // cannot say which of the two was missing.
            case .serviceWithEngine: code = .notFound
            case .destination: code = .noSuchDestination
            case .daemon, .other: code = .notFound
            }
        case EPERM, EACCES: code = .permissionDenied
        case EINVAL: code = .invalidArgument
        case EBUSY: code = .busy
        case EAGAIN, ETIMEDOUT: code = .timedOut
        default: code = .system
        }
        self.init(code: code, operation: operation, errno: value, message: message)
    }
}
