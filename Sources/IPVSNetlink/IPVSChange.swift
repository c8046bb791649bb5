/// One mutation of the IPVS tables, for `IPVSHandle.apply(_:)`, which sends many
/// of them pipelined and reports each result.
public enum IPVSChange: Hashable, Sendable {
    /// IPVS_CMD_NEW_SERVICE; `ipvsadm -A`.
    case addService(IPVSService)
    /// IPVS_CMD_SET_SERVICE; `ipvsadm -E`.
    case updateService(IPVSService)
    /// IPVS_CMD_DEL_SERVICE; `ipvsadm -D`.
    case deleteService(IPVSServiceKey)
    /// IPVS_CMD_NEW_DEST; `ipvsadm -a`.
    case addDestination(IPVSDestination, to: IPVSServiceKey)
    /// IPVS_CMD_SET_DEST; `ipvsadm -e`.
    case updateDestination(IPVSDestination, in: IPVSServiceKey)
    /// IPVS_CMD_DEL_DEST; `ipvsadm -d`.
    case deleteDestination(address: IPAddress, port: UInt16, from: IPVSServiceKey)
    /// IPVS_CMD_SET_CONFIG; `ipvsadm --set`.
    case setTimeouts(IPVSTimeouts)
    /// IPVS_CMD_ZERO; `ipvsadm -Z [service]`.
    case zero(IPVSServiceKey?)
    /// IPVS_CMD_FLUSH; `ipvsadm -C`.
    case flush
    /// IPVS_CMD_NEW_DAEMON; `ipvsadm --start-daemon`.
    case startDaemon(IPVSSyncDaemon)
    /// IPVS_CMD_DEL_DAEMON; `ipvsadm --stop-daemon`.
    case stopDaemon(IPVSSyncDaemon.Role)

    /// A short name for error messages, in ipvsadm's terms.
    public var operation: String {
        switch self {
        case .addService(let s): "add service \(s.key)"
        case .updateService(let s): "edit service \(s.key)"
        case .deleteService(let k): "delete service \(k)"
        case .addDestination(let d, let k): "add destination \(Self.hostPort(d.address, d.port)) to \(k)"
        case .updateDestination(let d, let k): "edit destination \(Self.hostPort(d.address, d.port)) in \(k)"
        case .deleteDestination(let a, let p, let k): "delete destination \(Self.hostPort(a, p)) from \(k)"
        case .setTimeouts: "set timeouts"
        case .zero(let k): k.map { "zero counters of \($0)" } ?? "zero all counters"
        case .flush: "flush"
        case .startDaemon(let d): "start \(d.role) sync daemon"
        case .stopDaemon(let r): "stop \(r) sync daemon"
        }
    }

    /// The service the change adds, edits, deletes, zeroes or changes a destination of; nil
    /// for the table-wide ones (timeouts, flush, zero of all, sync daemons).
    public var serviceKey: IPVSServiceKey? {
        switch self {
        case .addService(let s), .updateService(let s): s.key
        case .deleteService(let k): k
        case .addDestination(_, let k), .updateDestination(_, let k): k
        case .deleteDestination(_, _, let k): k
        case .zero(let k): k
        case .setTimeouts, .flush, .startDaemon, .stopDaemon: nil
        }
    }

    static func hostPort(_ address: IPAddress, _ port: UInt16) -> String {
        address.family == .inet6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
