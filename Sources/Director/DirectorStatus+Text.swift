extension DirectorStatus {
    /// The director's part of `lvsctl status`:
    ///
    /// ```
    /// lvsd: running, pid 812, up 2h03m, /etc/keepalived/keepalived.conf, 1 reload
    /// ownership: all virtual servers (no VRRP instance configured)
    /// reconciler: IPVS available; 240 passes, last 1.2 s ago; 23 changes applied, 0 failed; 4 drift repairs; resync every 5 s
    ///
    /// TCP 10.0.0.1:80 (keepalived.conf:12) rr, quorum 1: held, live weight 3, destinations 352085e10ca4fb9b
    ///   192.168.1.2:80     up           weight 2 -> 2  active 4 inactive 10  connected
    ///   192.168.1.3:80     down         weight 1 -> out                      connect failed: connection refused
    /// ```
    public var text: String {
        var out = "lvsd: running, pid \(daemon.pid), up \(Self.duration(daemon.uptime)), \(daemon.configurationFile), "
        out += daemon.reloads == 1 ? "1 reload\n" : "\(daemon.reloads) reloads\n"
        if let refused = daemon.lastRefusedReload {
            out += "last reload refused:\n"
            for line in refused.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                out += "  \(line)\n"
            }
        }
        out += "ownership: \(daemon.ownership)\n"
        out += "reconciler: IPVS \(reconciler.ipvsAvailable ? "available" : "not available"); "
        out += "\(reconciler.passes) passes"
        if let ago = reconciler.lastPassAgo { out += ", last \(Self.seconds(ago)) ago" }
        if let took = reconciler.lastPassSeconds {
            out += took < 1 ? " (took \(Int((took * 1000).rounded())) ms)" : " (took \(Self.seconds(took)))"
        }
        out += "; \(reconciler.changesApplied) changes applied, \(reconciler.changesFailed) failed; "
        out += "\(reconciler.driftRepaired) drift repairs; resync every \(Self.seconds(reconciler.resyncInterval))\n"
        if let error = reconciler.lastError { out += "last error: \(error)\n" }
        for checker in checkersNotRun { out += "not run: \(checker)\n" }
        out += vrrpText
        if let syncDaemon { out += syncDaemon.text }
        out += routeAnnouncementText
        for vs in virtualServers {
            out += "\n\(vs.name) (\(vs.position)) \(vs.scheduler), quorum \(vs.quorum): "
            out += "\(vs.hasQuorum ? "held" : "lost"), live weight \(vs.liveWeight)"
            if let sorry = vs.sorryServer { out += ", sorry server \(sorry)\(vs.hasQuorum ? "" : " (in use)")" }
            if !vs.owned { out += ", not owned" }
            if let digest = vs.destinationDigest { out += ", destinations \(digest)" }
            out += "\n"
            for rs in vs.realServers {
                var line = "  " + Self.pad(rs.address, 22) + Self.pad(rs.health, 12)
                line += Self.pad("weight \(rs.configuredWeight) -> \(rs.effectiveWeight.map(String.init) ?? "out")", 18)
                if let active = rs.activeConnections, let inactive = rs.inactiveConnections {
                    line += Self.pad("active \(active) inactive \(inactive)", 26)
                } else {
                    line += Self.pad("", 26)
                }
                line += rs.reason
                out += line + "\n"
            }
        }
        return out
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// `0.4 s`, `12 s`.
    static func seconds(_ value: Double) -> String {
        value < 10 ? "\((value * 10).rounded() / 10) s" : "\(Int(value.rounded())) s"
    }

    /// `42s`, `3m07s`, `2h03m`, `4d02h`.
    static func duration(_ value: Double) -> String {
        let s = Int(value)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h\(two(s % 3600 / 60))m" }
        return "\(s / 86_400)d\(two(s % 86_400 / 3600))h"
    }
}
