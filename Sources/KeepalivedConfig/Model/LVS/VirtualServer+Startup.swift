/// The IPVS table keepalived 2.2.7 installs for a virtual server when it starts (not on a
/// reload), derived from the configuration alone. Follows ipwrapper.c `init_service_vs`,
/// `init_service_rs` and `update_quorum_state(vs, true)`, ipvswrapper.c `ipvs_cmd`, and the
/// checker loop at the end of check_data.c `validate_check_config`.
///
/// Not covered (the caller knows them, the configuration does not): a FILE_CHECK whose
/// file already says "down", `ha_suspend` checkers that wait for the virtual address.
extension RealServer {
    /// The real server starts failed: one of its checkers starts failed, which is what
    /// `alpha` means (validate_check_config: `if (checker->alpha) set_checker_state(checker,
    /// false)`). Without alpha, a checker starts up and one failure takes the server out.
    public var startsFailed: Bool { checkers.contains { $0.alpha } }

    /// Its weight in the table at start when the quorum holds, or nil when it is not in the
    /// table: up servers with their weight; failed ones with weight 0 under
    /// `inhibit_on_failure` (ipvs_cmd: `if (rs->inhibit && rs->num_failed_checkers)
    /// drule.user.weight = 0`), otherwise left out.
    public var initialWeight: Int? {
        if !startsFailed { return weight }
        return inhibitOnFailure ? 0 : nil
    }
}

/// What the table needs to know of one real server's health.
public struct RealServerCondition: Sendable, Hashable {
    /// All its checkers pass (and it is not in maintenance).
    public var isUp: Bool
    /// Its weight while up: the configured one, or what a `misc_dynamic` check returned.
    public var weight: Int
    /// A failed real server stays in the table with weight 0 even without
    /// `inhibit_on_failure` (the director does this for the `mh` scheduler, so that every
    /// director's lookup table stays the same).
    public var keepsSlotWhenFailed: Bool

    public init(isUp: Bool, weight: Int, keepsSlotWhenFailed: Bool = false) {
        self.isUp = isUp
        self.weight = weight
        self.keepsSlotWhenFailed = keepsSlotWhenFailed
    }
}

/// One destination of a virtual server's table.
public struct InitialDestination: Sendable, Hashable {
    public var address: InetAddress
    /// The destination port as IPVS gets it: the real server's (NAT) or the virtual
    /// server's (DR/TUN); 0 on fwmark services under DR/TUN (ipvs_cmd).
    public var port: UInt16
    public var weight: Int
    public var forwarding: Forwarding
    public var upperThreshold: UInt32
    public var lowerThreshold: UInt32
    /// This destination is the sorry server.
    public var isSorryServer: Bool
}

extension VirtualServer {
    /// The total weight of the real servers up at start (ipwrapper.c weigh_live_realservers
    /// after init_service_rs).
    public var initialLiveWeight: Int {
        realServers.filter { !$0.startsFailed }.reduce(0) { $0 + $1.weight }
    }

    /// Whether the quorum holds at start: the live weight reaches quorum + hysteresis
    /// (update_quorum_state with the state starting down).
    public var hasQuorumAtStart: Bool { initialLiveWeight >= quorum + hysteresis }

    /// The destinations keepalived installs at start, in the order it adds them: ``destinations(groupEntry:hasQuorum:health:)``
    /// with the start-up health (``RealServer/startsFailed``) and ``hasQuorumAtStart``.
    public func initialDestinations(groupEntry: VirtualServerGroup.Entry? = nil) -> [InitialDestination] {
        destinations(groupEntry: groupEntry, hasQuorum: hasQuorumAtStart) { rs in
            RealServerCondition(isUp: !rs.startsFailed, weight: rs.weight)
        }
    }

    /// The total weight of the real servers that are up (ipwrapper.c weigh_live_realservers).
    /// `conditions` holds one condition per real server, in the order of ``realServers``.
    public func liveWeight(conditions: [RealServerCondition]) -> Int {
        conditions.reduce(0) { total, condition in condition.isUp ? total + condition.weight : total }
    }

    /// The destinations of this virtual server for the given health, in the order keepalived
    /// adds them.
    ///
    /// With the quorum: the real servers that are up with their weight, failed ones with
    /// weight 0 under `inhibit_on_failure` or ``RealServerCondition/keepsSlotWhenFailed``
    /// (ipvs_cmd: `if (rs->inhibit && rs->num_failed_checkers) drule.user.weight = 0`) and
    /// left out otherwise, then an inhibited sorry server with weight 0 (init_service_vs: "If
    /// we have a sorry server with inhibit, add it now"). Without the quorum and with a sorry
    /// server: the live real servers are taken out (those with inhibit_on_failure stay with
    /// weight 0: a deleted inhibited destination is edited to weight 0) and the sorry server
    /// goes in with weight 1. Without the quorum and without a sorry server, nothing changes.
    ///
    /// `groupEntry` chooses the port rule for one entry of a group service; nil for other
    /// services.
    public func destinations(groupEntry: VirtualServerGroup.Entry? = nil, hasQuorum: Bool,
                             health: (RealServer) -> RealServerCondition) -> [InitialDestination] {
        destinations(groupEntry: groupEntry, hasQuorum: hasQuorum, conditions: realServers.map(health))
    }

    /// ``destinations(groupEntry:hasQuorum:health:)`` with the conditions of ``realServers``
    /// given in their order.
    public func destinations(groupEntry: VirtualServerGroup.Entry? = nil, hasQuorum: Bool,
                             conditions: [RealServerCondition]) -> [InitialDestination] {
        precondition(conditions.count == realServers.count, "one condition per real server")
        var table: [InitialDestination] = []
        var present = Set<Endpoint>()
        func add(_ address: InetAddress, _ port: UInt16, _ weight: Int, _ forwarding: Forwarding,
                 upper: UInt32 = 0, lower: UInt32 = 0, sorry: Bool = false) {
            let destinationPort = tablePort(port, forwarding: forwarding, groupEntry: groupEntry)
            // A second add of the same destination finds it there (EEXIST, ignored).
            guard present.insert(Endpoint(address: address, port: destinationPort)).inserted else { return }
            table.append(InitialDestination(address: address, port: destinationPort, weight: weight,
                                            forwarding: forwarding, upperThreshold: upper, lowerThreshold: lower,
                                            isSorryServer: sorry))
        }
        for (rs, condition) in zip(realServers, conditions) {
            let weight: Int
            if condition.isUp {
                weight = condition.weight
            } else if rs.inhibitOnFailure || condition.keepsSlotWhenFailed {
                weight = 0
            } else {
                continue
            }
            add(rs.address, rs.port, weight, rs.forwarding, upper: rs.upperThreshold ?? 0, lower: rs.lowerThreshold ?? 0)
        }
        guard let sorry = sorryServer else { return table }
        if !hasQuorum {
            // perform_quorum_state(vs, false): live servers out, inhibited ones to weight 0.
            for (rs, condition) in zip(realServers, conditions) where condition.isUp {
                let port = tablePort(rs.port, forwarding: rs.forwarding, groupEntry: groupEntry)
                guard let i = table.firstIndex(where: { $0.address == rs.address && $0.port == port }) else { continue }
                if rs.inhibitOnFailure || condition.keepsSlotWhenFailed {
                    table[i].weight = 0
                } else {
                    table.remove(at: i)
                    present.remove(Endpoint(address: rs.address, port: port))
                }
            }
            add(sorry.address, sorry.port, sorry.weight, sorry.forwarding, sorry: true)
        } else if sorry.inhibit, !sorry.duplicatesRealServer {
            add(sorry.address, sorry.port, 0, sorry.forwarding, sorry: true)
        }
        return table
    }

    /// The port a real server has in the kernel's table of this virtual server (of one
    /// expanded entry when it is a group): see ``tablePort(_:forwarding:groupEntry:)``.
    public func tablePort(of realServer: RealServer, groupEntry: VirtualServerGroup.Entry? = nil) -> UInt16 {
        tablePort(realServer.port, forwarding: realServer.forwarding, groupEntry: groupEntry)
    }

    /// ipvswrapper.c ipvs_cmd: on fwmark services a DR/TUN destination has port 0; on
    /// address services (and each address entry of a group) a DR/TUN destination has the
    /// service's port; NAT destinations keep their own.
    func tablePort(_ port: UInt16, forwarding: Forwarding, groupEntry: VirtualServerGroup.Entry?) -> UInt16 {
        guard forwarding.method != .nat else { return port }
        switch (key, groupEntry) {
        case (.fwmark, _), (.group, .fwmark?): return 0
        case (.group, .addresses(_, _, let entryPort)?): return entryPort
        case (.address(_, let servicePort), _): return servicePort
        case (.group, nil): return port
        }
    }
}

/// An address and port, for finding a destination already in a table.
private struct Endpoint: Hashable {
    var address: InetAddress
    var port: UInt16
}
