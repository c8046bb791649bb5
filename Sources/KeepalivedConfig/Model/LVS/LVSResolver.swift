/// The checks and normalisations keepalived 2.2.7 applies once the whole file is read:
/// groups linked to virtual servers (ipwrapper.c `link_vsg_to_vs`), address families
/// (check_parser.c `vs_end_handler`, `rs_end_handler`), defaults and ports
/// (check_data.c `validate_check_config`). Each adjustment keepalived makes is a warning
/// saying what the value becomes; what keepalived drops with a message is an error.
struct LVSResolver {
    let global: GlobalSettings
    let groups: [VirtualServerGroup]
    /// Looks a VRRP instance up by name; nil until the VRRP model offers instances.
    let vrrpInstanceExists: ((String) -> Bool)?
    /// Looks a `track_file` block up by name (FILE_CHECK's `track_file`).
    let trackFileExists: ((String) -> Bool)?

    /// Groups defined twice: keepalived looks groups up by name and finds the first
    /// (ipvswrapper.c `ipvs_get_group_by_name`), so a second definition has no effect.
    /// Empty groups are removed (check_parser.c vsg_handler).
    func resolveGroups(_ c: inout ReadContext) -> [VirtualServerGroup] {
        var result: [VirtualServerGroup] = []
        for group in groups {
            if group.entries.isEmpty {
                c.warning("virtual_server_group '\(group.name)' has no entries and is ignored", at: group.position)
                continue
            }
            if group.hasIPv4, group.hasIPv6, group.hasFwmarkWithoutFamily {
                c.error("virtual_server_group '\(group.name)' has IPv4 and IPv6 entries and a fwmark without "
                        + "a family: write 'fwmark N inet' or 'fwmark N inet6'", at: group.position)
                continue
            }
            if let first = result.first(where: { $0.name == group.name }) {
                c.warning("virtual_server_group '\(group.name)' is defined twice; keepalived uses the first "
                          + "definition and so does lvsd: this one has no effect", at: group.position,
                          notes: [.init("first defined here", at: first.position)])
                continue
            }
            result.append(group)
        }
        return result
    }

    /// Links, merges and validates the virtual servers; `resolvedGroups` are the groups
    /// ``resolveGroups(_:)`` kept.
    func resolve(_ servers: [VirtualServer], groups resolvedGroups: [VirtualServerGroup],
                 _ c: inout ReadContext) -> [VirtualServer] {
        var result: [VirtualServer] = []
        /// Where each kernel service (key, family, protocol) is in `result`.
        struct Service: Hashable {
            var key: VirtualServerKey
            var family: AddressFamily
            var `protocol`: ServiceProtocol?
        }
        var resultIndex: [Service: Int] = [:]
        var used = Set<String>()
        for var vs in servers {
            if case .group(let name) = vs.key {
                guard let group = resolvedGroups.first(where: { $0.name == name }) else {
                    c.error("virtual_server_group '\(name)' is not defined", at: vs.position)
                    continue
                }
                used.insert(name)
                guard link(&vs, to: group, &c) else { continue }
            }
            guard resolveFamilies(&vs, &c) else { continue }
            // Two blocks for one kernel service: same key, family and protocol (a TCP and a
            // UDP service on one address, or one group, are two services).
            let service = Service(key: vs.key, family: vs.family, protocol: vs.protocol)
            if let index = resultIndex[service] {
                merge(vs, into: &result[index], &c)
                continue
            }
            resultIndex[service] = result.count
            result.append(vs)
        }
        // keepalived says nothing about an unused group; lvsd warns.
        for group in resolvedGroups where !used.contains(group.name) {
            c.warning("virtual_server_group '\(group.name)' is not used by any virtual_server", at: group.position)
        }
        return result.compactMap { validate($0, &c) }
    }

    /// ipwrapper.c link_vsg_to_vs: the group's address family must agree with the
    /// virtual server's.
    private func link(_ vs: inout VirtualServer, to group: VirtualServerGroup, _ c: inout ReadContext) -> Bool {
        vs.groupEntries = group.expandedEntries
        let groupFamily: AddressFamily? = group.hasIPv4 == group.hasIPv6 ? nil : (group.hasIPv4 ? .ipv4 : .ipv6)
        // By now keepalived has taken the family from ip_family or from the first real
        // server that is not tunnelled (check_parser.c rs_end_handler).
        let known = vs.familyWritten ?? vs.realServers.first {
            ($0.written.forwarding?.method ?? vs.forwarding.method) != .tunnel
        }?.address.family
        if group.hasIPv4 && group.hasIPv6 && known != nil {
            c.error("virtual_server_group '\(group.name)' has IPv4 and IPv6 entries: the virtual server's real servers "
                    + "must all be tunnelled and it cannot take ip_family", at: vs.position,
                    notes: [.init("group defined here", at: group.position)])
            return false
        }
        if let groupFamily, let written = known, written != groupFamily {
            c.error("the address family of virtual_server_group '\(group.name)' does not match the virtual server's",
                    at: vs.position, notes: [.init("group defined here", at: group.position)])
            return false
        }
        if let groupFamily { vs.familyWritten = groupFamily }
        return true
    }

    /// check_parser.c rs_end_handler and vs_end_handler: real and sorry servers that are
    /// not tunnelled must have the virtual server's address family; the family of a
    /// fwmark service comes from them, else IPv4.
    private func resolveFamilies(_ vs: inout VirtualServer, _ c: inout ReadContext) -> Bool {
        var family = vs.familyWritten
        var ok = true
        let method = vs.forwarding.method
        vs.realServers.removeAll { rs in
            guard (rs.written.forwarding?.method ?? method) != .tunnel else { return false }
            if family == nil { family = rs.address.family }
            guard family == rs.address.family else {
                c.error("real server \(rs.address) is not of the virtual server's address family", at: rs.position)
                ok = false
                return true
            }
            return false
        }
        if let sorry = vs.sorryServer {
            let method = sorry.forwardingWritten ? sorry.forwarding.method : vs.forwarding.method
            if method != .tunnel {
                if family == nil { family = sorry.address.family }
                if family != sorry.address.family {
                    c.error("sorry server \(sorry.address) is not of the virtual server's address family", at: sorry.position)
                    ok = false
                }
            }
        }
        if family == nil {
            // All servers tunnelled: their common family, else IPv4.
            let families = Set(vs.realServers.map(\.address.family) + (vs.sorryServer.map { [$0.address.family] } ?? []))
            family = families.count == 1 ? families.first : .ipv4
        }
        vs.family = family ?? .ipv4
        return ok
    }

    /// A virtual server written twice: keepalived keeps both and installs both into the
    /// same IPVS service (the second "add service" finds it exists and goes on;
    /// ipvswrapper.c ipvs_talk ignores EEXIST), so the service has the first block's
    /// settings and the real servers of both. lvsd merges them the same way.
    private func merge(_ vs: VirtualServer, into first: inout VirtualServer, _ c: inout ReadContext) {
        c.warning("virtual_server \(vs.key) is defined twice; its real servers are added to the first "
                  + "definition, whose settings apply", at: vs.position,
                  notes: [.init("first defined here", at: first.position)])
        first.realServers += vs.realServers
    }

    /// check_data.c validate_check_config for one virtual server.
    private func validate(_ input: VirtualServer, _ c: inout ReadContext) -> VirtualServer? {
        var vs = input
        let at = vs.position
        let name = "virtual_server \(vs.key)"
        guard !vs.realServers.isEmpty else {
            c.warning("\(name) has no real servers and is ignored, as keepalived does", at: at)
            return nil
        }
        let isFwmark: Bool
        let hasAddresses: Bool
        switch vs.key {
        case .fwmark: isFwmark = true; hasAddresses = false
        case .address: isFwmark = false; hasAddresses = true
        case .group:
            isFwmark = vs.groupEntries.contains { if case .fwmark = $0 { return true } else { return false } }
            hasAddresses = vs.groupEntries.contains { if case .addresses = $0 { return true } else { return false } }
        }
        if vs.haSuspend, isFwmark {
            c.warning("\(name): ha_suspend does not work with fwmarks and is cleared", at: at)
            vs.haSuspend = false
        }
        if vs.haSuspend {
            c.notCarriedOut("ha_suspend", "the service's checkers keep running while its virtual address is not on this host",
                            at: vs.haSuspendPosition ?? at)
        }
        if hasAddresses {
            if vs.protocol == nil {
                c.warning("\(name) has no protocol: keepalived uses UDP (write 'protocol UDP' or 'protocol TCP')", at: at)
                vs.protocol = .udp
            }
            if vs.flags.contains(.onePacket), vs.protocol != .udp {
                c.warning("\(name): ops (one-packet scheduling) needs UDP and is cleared", at: at)
                vs.flags.remove(.onePacket)
            }
            if vs.persistenceTimeout == nil, case .address(_, 0) = vs.key {
                c.warning("\(name): port 0 is only valid for persistent services; persistence_timeout becomes 360", at: at)
                vs.persistenceTimeout = VirtualServer.defaultPersistenceTimeout
            }
        }
        if vs.persistenceTimeout == nil,
           vs.groupEntries.contains(where: { if case .addresses(_, _, 0) = $0 { return true } else { return false } }) {
            c.warning("\(name): a group entry has port 0, only valid for persistent services; persistence_timeout becomes 360", at: at)
            vs.persistenceTimeout = VirtualServer.defaultPersistenceTimeout
        }
        if vs.protocol != nil, isFwmark, !hasAddresses {
            c.warning("\(name): a fwmark service has no protocol; 'protocol' is ignored", at: vs.protocolToken?.position ?? at)
            vs.protocol = nil
        }
        if !vs.schedulerWritten {
            c.warning("\(name) has no lvs_sched; keepalived uses 'wlc'", at: at)
        }
        vs.smtpAlert = vs.smtpAlertWritten ?? global.smtpAlertChecker ?? global.smtpAlert ?? false

        // The real servers are resolved in place (taken out of `vs`, so that the array is
        // not copied): a RealServer is large, and there are thousands.
        var servers = vs.realServers
        vs.realServers = []
        var kept = 0
        for i in servers.indices {
            if let earlier = servers[..<kept].first(where: { servers[i].isDuplicate(of: $0) }) {
                let rs = servers[i]
                c.warning("real server \(rs.address)\(rs.writtenPort.map { ":\($0)" } ?? "") is given twice in \(name); "
                          + "the second is ignored", at: rs.position, notes: [.init("first given here", at: earlier.position)])
                continue
            }
            if i != kept { servers.swapAt(i, kept) }
            kept += 1
        }
        servers.removeSubrange(kept...)
        var warnedForwarding = false
        for i in servers.indices {
            resolveServer(&servers[i])
        }
        func resolveServer(_ rs: inout RealServer) {
            if rs.written.forwarding == nil, !vs.forwardingWritten, !warnedForwarding {
                c.warning("\(name) has no lvs_method; keepalived uses NAT", at: at)
                warnedForwarding = true
            }
            rs.forwarding = rs.written.forwarding ?? vs.forwarding
            rs.alpha = rs.written.alpha ?? vs.alpha
            rs.inhibitOnFailure = rs.written.inhibitOnFailure ?? vs.inhibitOnFailure
            rs.retry = rs.written.retry ?? vs.retry
            rs.connectTimeout = rs.written.connectTimeout ?? vs.connectTimeout
            rs.delayLoop = rs.written.delayLoop ?? vs.delayLoop
            rs.warmup = rs.written.warmup ?? vs.warmup
            rs.delayBeforeRetry = rs.written.delayBeforeRetry ?? vs.delayBeforeRetry
            rs.weight = rs.written.weight ?? vs.weight
            rs.virtualhost = rs.virtualhost ?? vs.virtualhost
            rs.smtpAlert = rs.written.smtpAlert ?? global.smtpAlertChecker ?? global.smtpAlert ?? true
            let server = rs
            for j in rs.checkers.indices { rs.checkers[j] = resolveChecker(rs.checkers[j], of: server) }
            for checker in rs.checkers {
                // check_file.c track_file_handler: "track_file %s not found".
                if case .file(let file) = checker.kind, let name = file.trackFile,
                   let exists = trackFileExists, !exists(name) {
                    c.error("FILE_CHECK names track_file '\(name)', which is not defined", at: checker.position)
                }
            }
        }
        vs.realServers = servers
        let weightSum = servers.reduce(0) { $0 + $1.weight }

        if var sorry = vs.sorryServer {
            if !sorry.forwardingWritten {
                if !vs.forwardingWritten, !warnedForwarding {
                    c.warning("\(name) has no lvs_method; keepalived uses NAT", at: at)
                }
                sorry.forwarding = vs.forwarding
            }
            if let twin = servers.first(where: { $0.address == sorry.address && $0.writtenPort == sorry.portWritten }) {
                if twin.inhibitOnFailure != sorry.inhibit {
                    c.warning("\(name): the sorry server is also a real server whose inhibit_on_failure differs; "
                              + "the sorry server's inhibit becomes \(twin.inhibitOnFailure)", at: sorry.position)
                    sorry.inhibit = twin.inhibitOnFailure
                }
                sorry.duplicatesRealServer = true
            }
            vs.sorryServer = sorry
        }

        if vs.quorum > weightSum {
            c.warning("\(name): quorum \(vs.quorum) exceeds the total weight of the real servers \(weightSum); "
                      + "it becomes \(weightSum)", at: at)
            vs.quorum = weightSum
        }
        if vs.hysteresis >= vs.quorum {
            // keepalived computes quorum - 1 in unsigned arithmetic: with quorum 0 it wraps.
            let becomes = vs.quorum == 0 ? Int(UInt32.max) : vs.quorum - 1
            c.warning("\(name): hysteresis \(vs.hysteresis) is not below quorum \(vs.quorum); it becomes \(becomes)", at: at)
            vs.hysteresis = becomes
        }
        normalisePorts(&vs, name, &c)
        return vs
    }

    /// check_data.c validate_check_config, the port rules at its end.
    private func normalisePorts(_ vs: inout VirtualServer, _ name: String, _ c: inout ReadContext) {
        switch vs.key {
        case .group:
            // keepalived leaves the ports and warns.
            let hasFwmark = vs.groupEntries.contains { if case .fwmark = $0 { return true } else { return false } }
            for rs in vs.realServers where rs.forwarding.method != .nat {
                if hasFwmark, rs.port != 0 {
                    c.warning("\(name): real server \(rs.address) has a port on a fwmark group entry; IPVS ignores it", at: rs.position)
                }
                for case .addresses(let first, _, let port) in vs.groupEntries where rs.port != 0 && rs.port != port {
                    c.warning("\(name): real server \(rs.address) port \(rs.port) differs from group entry \(first) port \(port)",
                              at: rs.position)
                    break
                }
            }
        case .fwmark:
            for i in vs.realServers.indices where vs.realServers[i].forwarding.method != .nat {
                if vs.realServers[i].port != 0 {
                    c.warning("\(name): real server \(vs.realServers[i].address) has a port, which fwmark services "
                              + "do not use with \(vs.realServers[i].forwarding.method.rawValue); it becomes 0",
                              at: vs.realServers[i].position)
                    vs.realServers[i].port = 0
                }
            }
            if var sorry = vs.sorryServer, sorry.forwarding.method != .nat, sorry.port != 0 {
                c.warning("\(name): the sorry server has a port, which fwmark services do not use; it becomes 0", at: sorry.position)
                sorry.port = 0
                vs.sorryServer = sorry
            }
        case .address(_, let port):
            for i in vs.realServers.indices {
                let rs = vs.realServers[i]
                if rs.forwarding.method == .nat {
                    if rs.port == 0 { vs.realServers[i].port = port }
                    continue
                }
                if rs.port == 0 {
                    vs.realServers[i].port = port
                } else if rs.port != port {
                    c.warning("\(name): real server \(rs.address) port \(rs.port) differs from the virtual server's "
                              + "with \(rs.forwarding.method.rawValue); it becomes \(port)", at: rs.position)
                    vs.realServers[i].port = port
                }
            }
            if var sorry = vs.sorryServer, sorry.forwarding.method != .nat {
                if sorry.port == 0 {
                    sorry.port = port
                } else if sorry.port != port {
                    c.warning("\(name): the sorry server's port \(sorry.port) differs from the virtual server's; it becomes \(port)",
                              at: sorry.position)
                    sorry.port = port
                }
                vs.sorryServer = sorry
            }
        }
    }

    /// check_data.c validate_check_config, the loop over checkers: defaults from the real
    /// server, then the checker's own.
    private func resolveChecker(_ input: Checker, of rs: RealServer) -> Checker {
        var checker = input
        checker.alpha = checker.written.alpha ?? rs.alpha
        checker.retry = checker.written.retry ?? rs.retry ?? checker.defaultRetry
        if checker.written.connectTimeout == nil { checker.connection?.timeout = rs.connectTimeout }
        checker.delayLoop = checker.written.delayLoop ?? rs.delayLoop
        checker.warmup = checker.written.warmup ?? rs.warmup ?? checker.delayLoop
        checker.delayBeforeRetry = checker.written.delayBeforeRetry ?? rs.delayBeforeRetry
            ?? checker.defaultDelayBeforeRetry ?? checker.delayLoop
        checker.logAllFailures = checker.logAllFailures || global.checkerLogAllFailures
        return checker
    }

    /// The VRRP instance `lvs_sync_daemon` names must exist (keepalived drops the whole
    /// setting then). Without one, master and backup both run, as keepalived's checker does.
    func checkSyncDaemon(_ c: inout ReadContext) {
        guard let daemon = global.lvsSyncDaemon, let instance = daemon.vrrpInstance else { return }
        if let exists = vrrpInstanceExists, !exists(instance) {
            c.error("lvs_sync_daemon names VRRP instance '\(instance)', which is not defined", at: daemon.position)
        }
    }
}
