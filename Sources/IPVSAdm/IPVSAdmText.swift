import IPVSNetlink

/// The text ipvsadm prints for a kernel state, byte for byte (ipvsadm 1.31).
/// Pure functions: the caller reads the kernel (`IPVSHandle.table()`, `info()`,
/// `timeouts()`, `daemons()`) and passes the result in kernel order; sorting is
/// done here, with ipvsadm's own comparator and glibc's merge order.
public enum IPVSAdmText {
    /// `ipvsadm -S` (`numeric: false`) or `ipvsadm -S -n` (`numeric: true`):
    /// one `-A` line per service, followed by one `-a` line per real server.
    /// An empty table gives the empty string.
    public static func save(_ table: [IPVSServiceEntry], numeric: Bool,
                            resolver: any IPVSAdmNameResolver = SystemNameResolver()) -> String {
        let renderer = EntryRenderer(mode: .rules, format: numeric ? [.numeric] : [], resolver: resolver)
        var output = TextBuffer()
        renderer.render(IPVSAdmOrder.services(table), into: &output)
        return output.text
    }

    /// `ipvsadm -L [format]`: the version header, the column titles and every service.
    public static func list(_ table: [IPVSServiceEntry], info: IPVSInfo, format: IPVSAdmListFormat = [],
                            resolver: any IPVSAdmNameResolver = SystemNameResolver()) -> String {
        var output = TextBuffer()
        output.add(versionHeader(info))
        output.add(title(format))
        let renderer = EntryRenderer(mode: .listing, format: format, resolver: resolver)
        renderer.render(format.contains(.noSort) ? table : IPVSAdmOrder.services(table), into: &output)
        return output.text
    }

    /// `ipvsadm -L -t|-u|--sctp-service|-f SERVICE [format]`: the column titles and
    /// that one service, without the version header.
    public static func listService(_ entry: IPVSServiceEntry, format: IPVSAdmListFormat = [],
                                   resolver: any IPVSAdmNameResolver = SystemNameResolver()) -> String {
        var output = TextBuffer()
        output.add(title(format))
        EntryRenderer(mode: .listing, format: format, resolver: resolver).render(entry, into: &output)
        return output.text
    }

    /// "IP Virtual Server version 1.2.1 (size=4096)\n"
    public static func versionHeader(_ info: IPVSInfo) -> String {
        "IP Virtual Server version \(info.version) (size=\(Int32(bitPattern: info.connectionTableSize)))\n"
    }

    /// The two column-title lines of a listing.
    public static func title(_ format: IPVSAdmListFormat) -> String {
        let prot = "Prot LocalAddress:Port".leftAligned(33)
        let remote = "  -> RemoteAddress:Port\n"
        if format.contains(.stats) {
            return prot + ["Conns", "InPkts", "OutPkts", "InBytes", "OutBytes"].map { " " + $0.rightAligned(8) }
                .joined() + "\n" + remote
        }
        if format.contains(.rate) {
            return prot + ["CPS", "InPPS", "OutPPS", "InBPS", "OutBPS"].map { " " + $0.rightAligned(8) }
                .joined() + "\n" + remote
        }
        if format.contains(.thresholds) {
            return prot + ["Uthreshold", "Lthreshold", "ActiveConn", "InActConn"].map { " " + $0.leftAligned(10) }
                .joined() + "\n" + remote
        }
        if format.contains(.persistentConnections) {
            return prot + " " + "Weight".leftAligned(9) + " " + "PersistConn".leftAligned(11) + " "
                + "ActiveConn".leftAligned(10) + " " + "InActConn".leftAligned(10) + "\n" + remote
        }
        if format.contains(.tunnelInfo) {
            return "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n"
        }
        return "Prot LocalAddress:Port Scheduler Flags\n"
            + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n"
    }

    /// `ipvsadm -L --timeout`.
    public static func timeouts(_ timeouts: IPVSTimeouts) -> String {
        "Timeout (tcp tcpfin udp): \(Int32(bitPattern: timeouts.tcp)) \(Int32(bitPattern: timeouts.tcpFin)) "
            + "\(Int32(bitPattern: timeouts.udp))\n"
    }

    /// `ipvsadm -L --daemon`: one line per running sync daemon.
    public static func daemons(_ daemons: [IPVSSyncDaemon]) -> String {
        var output = ""
        for daemon in daemons.prefix(2) {
            output += "\(daemon.role) sync daemon (mcast=\(daemon.interface.truncated(toBytes: 15)), "
                + "syncid=\(Int32(bitPattern: daemon.syncID))"
            if let length = daemon.maxLength, length != 0 { output += ", maxlen=\(length)" }
            if let group = daemon.group { output += ", group=\(group)" }
            if let port = daemon.port, port != 0 { output += ", port=\(port)" }
            if let ttl = daemon.ttl, ttl != 0 { output += ", ttl=\(ttl)" }
            output += ")\n"
        }
        return output
    }
}
