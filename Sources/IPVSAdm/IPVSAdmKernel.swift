import IPVSNetlink

/// What the ipvsadm emulation needs from the kernel. `IPVSHandle` provides
/// it; tests substitute an in-memory table.
public protocol IPVSAdmKernel: Sendable {
    func info() throws(IPVSError) -> IPVSInfo
    func timeouts() throws(IPVSError) -> IPVSTimeouts
    func table() throws(IPVSError) -> [IPVSServiceEntry]
    func service(_ key: IPVSServiceKey) throws(IPVSError) -> IPVSService
    func destinations(of key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination]
    func daemons() throws(IPVSError) -> [IPVSSyncDaemon]
    func apply(_ changes: [IPVSChange]) -> [Result<Void, IPVSError>]
}

extension IPVSHandle: IPVSAdmKernel {}

/// ipvsadm's messages for kernel errors (libipvs's ipvs_strerror): specific to
/// the operation for a few errnos, generic for some others, strerror(3) otherwise.
public enum IPVSAdmMessages {
    public static func text(for change: IPVSChange, errno: Int32) -> String {
        let specific: [Int32: String]
        switch change {
        case .addService:
            specific = [EEXIST: "Service already exists", ENOENT: "Scheduler or persistence engine not found"]
        case .updateService:
            specific = [ESRCH: "No such service", ENOENT: "Scheduler or persistence engine not found"]
        case .deleteService, .zero:
            specific = [ESRCH: "No such service"]
        case .addDestination:
            specific = [ESRCH: "Service not defined", EEXIST: "Destination already exists"]
        case .updateDestination, .deleteDestination:
            specific = [ESRCH: "Service not defined", ENOENT: "No such destination"]
        case .startDaemon:
            specific = [EEXIST: "Daemon has already run"]
        case .stopDaemon:
            specific = [ESRCH: "No daemon is running"]
        case .setTimeouts, .flush:
            specific = [:]
        }
        return specific[errno] ?? generic(errno)
    }

    /// For reads (services, destinations, one service).
    public static func readText(errno: Int32) -> String {
        errno == ESRCH ? "No such service" : generic(errno)
    }

    static func generic(_ errno: Int32) -> String {
        switch errno {
        case EPERM: "Permission denied (you must be root)"
        case EINVAL: "Invalid operation.  Possibly wrong module version, address not unicast, ..."
        case ENOPROTOOPT: "Protocol not available"
        case ENOMEM: "Memory allocation problem"
        case EOPNOTSUPP: "Operation not supported with IPv6"
        case EAFNOSUPPORT: "Operation not supported with specified address family"
        case EMSGSIZE: "Module is wrong version"
        default: CParsing.errorText(errno)
        }
    }

    // errno values (Linux), kept here so no C module leaks into the public API.
    static let EPERM: Int32 = 1
    static let ENOENT: Int32 = 2
    static let ESRCH: Int32 = 3
    static let ENOMEM: Int32 = 12
    static let EEXIST: Int32 = 17
    static let EINVAL: Int32 = 22
    static let ENOPROTOOPT: Int32 = 92
    static let EOPNOTSUPP: Int32 = 95
    static let EAFNOSUPPORT: Int32 = 97
    static let EMSGSIZE: Int32 = 90
}
