#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What a kernel errno means for an IPVS request, as text: its symbolic name
/// (which `IPVSError.description` shows) and the message ipvsadm 1.31 prints
/// for it (libipvs's `ipvs_strerror`), which the ipvsadm emulation and lvsctl
/// print. The one table of errno texts in the package: specific to the request
/// for a few errnos, generic for some others, strerror(3) otherwise.
public enum IPVSErrorMessages {
    /// ipvsadm's message for a failed change (`ipvsadm -A`, `-a`, ...).
    public static func text(for change: IPVSChange, errno: Int32) -> String {
        text(Request(change), errno: errno)
    }

    /// ipvsadm's message for a failed read (services, real servers, one service).
    public static func readText(errno: Int32) -> String {
        text(.read, errno: errno)
    }

    /// ipvsadm's message when the IPVS socket cannot be opened
    /// ("Can't initialize ipvs: ...").
    public static func openText(errno: Int32) -> String {
        text(.open, errno: errno)
    }

    /// The errno's symbolic name ("ESRCH"), or "errno N" for one not in the table.
    public static func name(errno: Int32) -> String {
        names.first { $0.errno == errno }?.name ?? "errno \(errno)"
    }

    /// The request a message depends on; libipvs keys its table by function.
    enum Request: Hashable {
        case open, read
        case addService, updateService, deleteService, zero
        case addDestination, updateDestination, deleteDestination
        case startDaemon, stopDaemon, setTimeouts, flush

        init(_ change: IPVSChange) {
            switch change {
            case .addService: self = .addService
            case .updateService: self = .updateService
            case .deleteService: self = .deleteService
            case .zero: self = .zero
            case .addDestination: self = .addDestination
            case .updateDestination: self = .updateDestination
            case .deleteDestination: self = .deleteDestination
            case .startDaemon: self = .startDaemon
            case .stopDaemon: self = .stopDaemon
            case .setTimeouts: self = .setTimeouts
            case .flush: self = .flush
            }
        }
    }

    /// One line of the table: `requests` nil applies to every request.
    struct Row {
        var requests: Set<Request>?
        var errno: Int32
        var text: String
    }

    /// ipvsadm 1.31's libipvs table, first match wins.
    static let rows: [Row] = [
        Row(requests: [.addService], errno: EEXIST, text: "Service already exists"),
        Row(requests: [.addService, .updateService], errno: ENOENT, text: "Scheduler or persistence engine not found"),
        Row(requests: [.updateService, .deleteService, .zero, .read], errno: ESRCH, text: "No such service"),
        Row(requests: [.addDestination, .updateDestination, .deleteDestination], errno: ESRCH,
            text: "Service not defined"),
        Row(requests: [.addDestination], errno: EEXIST, text: "Destination already exists"),
        Row(requests: [.updateDestination, .deleteDestination], errno: ENOENT, text: "No such destination"),
        Row(requests: [.startDaemon], errno: EEXIST, text: "Daemon has already run"),
        Row(requests: [.stopDaemon], errno: ESRCH, text: "No daemon is running"),
        Row(requests: nil, errno: EPERM, text: "Permission denied (you must be root)"),
        Row(requests: nil, errno: EINVAL,
            text: "Invalid operation.  Possibly wrong module version, address not unicast, ..."),
        Row(requests: nil, errno: ENOPROTOOPT, text: "Protocol not available"),
        Row(requests: nil, errno: ENOMEM, text: "Memory allocation problem"),
        Row(requests: nil, errno: EOPNOTSUPP, text: "Operation not supported with IPv6"),
        Row(requests: nil, errno: EAFNOSUPPORT, text: "Operation not supported with specified address family"),
        Row(requests: nil, errno: EMSGSIZE, text: "Module is wrong version"),
    ]

    /// The symbolic names `IPVSError.description` shows.
    static let names: [(errno: Int32, name: String)] = [
        (EEXIST, "EEXIST"), (ENOENT, "ENOENT"), (ESRCH, "ESRCH"), (EPERM, "EPERM"), (EACCES, "EACCES"),
        (EINVAL, "EINVAL"), (EBUSY, "EBUSY"), (ENOMEM, "ENOMEM"), (EAGAIN, "EAGAIN"), (ENOBUFS, "ENOBUFS"),
        (EOPNOTSUPP, "EOPNOTSUPP"),
    ]

    static func text(_ request: Request, errno: Int32) -> String {
        for row in rows where row.errno == errno && (row.requests?.contains(request) ?? true) {
            return row.text
        }
        return String(cString: strerror(errno))
    }
}
