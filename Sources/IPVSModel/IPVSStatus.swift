import IPVSNetlink

/// What `lvsctl status` reports about the kernel's IPVS: the summary an
/// operator otherwise puts together from `ipvsadm -Ln`, `ipvsadm -L --timeout`
/// and `ipvsadm -L --daemon`.
public struct IPVSStatus: Hashable, Sendable {
    public var version: String
    public var connectionTableSize: UInt32
    /// Virtual services by kind.
    public var tcpServices = 0, udpServices = 0, sctpServices = 0, firewallMarkServices = 0
    public var realServers = 0
    /// Real servers with weight 0: they take no new connections (drained or quiesced).
    public var realServersWithWeightZero = 0
    /// Connection counts summed over the real servers, as `ipvsadm -Ln` lists them.
    public var activeConnections: UInt64 = 0
    public var inactiveConnections: UInt64 = 0
    public var timeouts: IPVSTimeouts
    public var syncDaemons: [IPVSSyncDaemon]

    public var services: Int { tcpServices + udpServices + sctpServices + firewallMarkServices }

    public init(info: IPVSInfo, table: [IPVSServiceEntry], timeouts: IPVSTimeouts, syncDaemons: [IPVSSyncDaemon]) {
        version = info.version
        connectionTableSize = info.connectionTableSize
        self.timeouts = timeouts
        self.syncDaemons = syncDaemons
        for entry in table {
            switch entry.service.key {
            case .address(.tcp, _, _): tcpServices += 1
            case .address(.udp, _, _): udpServices += 1
            case .address(.sctp, _, _): sctpServices += 1
            case .firewallMark: firewallMarkServices += 1
            }
            realServers += entry.destinations.count
            for destination in entry.destinations {
                if destination.weight == 0 { realServersWithWeightZero += 1 }
                activeConnections += UInt64(destination.activeConnections)
                inactiveConnections += UInt64(destination.inactiveConnections)
            }
        }
    }

    /// The text `lvsctl status` prints.
    public var text: String {
        var lines = [
            "IPVS \(version), connection table size \(connectionTableSize)",
            "virtual services: \(services) (tcp \(tcpServices), udp \(udpServices), sctp \(sctpServices), "
                + "fwmark \(firewallMarkServices))",
            "real servers: \(realServers), \(realServersWithWeightZero) with weight 0",
            "connections: \(activeConnections) active, \(inactiveConnections) inactive",
            "timeouts: tcp \(timeouts.tcp) s, tcpfin \(timeouts.tcpFin) s, udp \(timeouts.udp) s",
        ]
        if syncDaemons.isEmpty {
            lines.append("sync daemons: none")
        }
        for daemon in syncDaemons {
            lines.append("sync daemon: \(daemon.role) on \(daemon.interface), syncid \(daemon.syncID)"
                + (daemon.group.map { ", group \($0)" } ?? "") + (daemon.port.map { ", port \($0)" } ?? ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `lvsctl status --json`: pretty-printed, keys sorted, as `lvsctl list --json`.
    public func jsonText() -> String {
        JSONText.render(.object([
            ("connectionTableSize", .number(UInt64(connectionTableSize))),
            ("connections", .object([("active", .number(activeConnections)),
                                     ("inactive", .number(inactiveConnections))])),
            ("realServers", .object([("total", .number(UInt64(realServers))),
                                     ("weightZero", .number(UInt64(realServersWithWeightZero)))])),
            ("services", .object([("fwmark", .number(UInt64(firewallMarkServices))),
                                  ("sctp", .number(UInt64(sctpServices))), ("tcp", .number(UInt64(tcpServices))),
                                  ("total", .number(UInt64(services))), ("udp", .number(UInt64(udpServices)))])),
            ("syncDaemons", .array(syncDaemons.map(Self.json))),
            ("timeouts", .object([("tcp", .number(UInt64(timeouts.tcp))), ("tcpFin", .number(UInt64(timeouts.tcpFin))),
                                  ("udp", .number(UInt64(timeouts.udp)))])),
            ("version", .string(version)),
        ]))
    }

    private static func json(_ daemon: IPVSSyncDaemon) -> JSONText.Value {
        var members: [(key: String, value: JSONText.Value)] = []
        if let group = daemon.group { members.append(("group", .string(group.description))) }
        members.append(("interface", .string(daemon.interface)))
        if let maxLength = daemon.maxLength { members.append(("maxLength", .number(UInt64(maxLength)))) }
        if let port = daemon.port { members.append(("port", .number(UInt64(port)))) }
        members.append(("role", .string(daemon.role.description)))
        members.append(("syncID", .number(UInt64(daemon.syncID))))
        if let ttl = daemon.ttl { members.append(("ttl", .number(UInt64(ttl)))) }
        return .object(members)
    }
}
