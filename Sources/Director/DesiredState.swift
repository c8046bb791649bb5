import IPVSNetlink
import KeepalivedConfig
import RealServerChecks

/// The configuration plus what the director has learnt since it started (each real
/// server's health, each virtual server's quorum, real servers in maintenance) and the IPVS
/// table that follows from them. A value: events in, table out, no I/O.
///
/// Quorum follows keepalived 2.2.7's ipwrapper.c `update_quorum_state`: the live weight (the
/// sum of the weights of the real servers that are up) must fall below
/// `quorum - hysteresis` to lose the quorum and reach `quorum + hysteresis` to win it back.
public struct DesiredState: Sendable {
    public private(set) var configuration: KeepalivedConfiguration
    /// The engine's last word on each real server; absent: the start-up state (down with
    /// `alpha`, else up).
    private var health: [RealServerID: RealServerHealth] = [:]
    /// Per virtual server name: the quorum holds.
    public private(set) var quorum: [String: Bool] = [:]
    /// Real servers an operator took out (`lvsctl server disable`): weight 0, like a failed
    /// real server under inhibit_on_failure, whatever their checks say.
    public private(set) var maintenance: Set<RealServerID> = []
    /// For each real server's health key, the index of its virtual server: a health change
    /// re-weighs that virtual server's quorum only.
    private var virtualServerOf: [RealServerID: Int] = [:]
    /// The health key of each real server, by virtual server and real server index: made once
    /// per configuration, since every health report and every pass asks for them.
    private var healthIDs: [[RealServerID]] = []
    /// Each virtual server's ``KeepalivedConfig/VirtualServer/name``, by index.
    private var names: [String] = []

    public init(configuration: KeepalivedConfiguration) {
        self.configuration = configuration
        for virtualServer in configuration.virtualServers {
            quorum[virtualServer.name] = virtualServer.hasQuorumAtStart
        }
        indexRealServers()
    }

    private mutating func indexRealServers() {
        names = configuration.virtualServers.map(\.name)
        healthIDs = configuration.virtualServers.map(\.healthIDs)
        virtualServerOf = [:]
        virtualServerOf.reserveCapacity(healthIDs.reduce(0) { $0 + $1.count })
        for (i, ids) in healthIDs.enumerated() {
            for id in ids { virtualServerOf[id] = i }
        }
    }

    /// A change of quorum, for logs and `quorum_up` / `quorum_down`.
    public struct QuorumChange: Sendable, Hashable {
        public var virtualServer: String
        public var hasQuorum: Bool
        public var liveWeight: Int

        public init(virtualServer: String, hasQuorum: Bool, liveWeight: Int) {
            self.virtualServer = virtualServer
            self.hasQuorum = hasQuorum
            self.liveWeight = liveWeight
        }
    }

    /// Records a health transition; returns the quorum changes it causes.
    public mutating func record(_ transition: HealthTransition) -> [QuorumChange] {
        let before = health.updateValue(transition.health, forKey: transition.realServer)
        guard before != transition.health, let i = virtualServerOf[transition.realServer] else { return [] }
        return updateQuorum(of: [i])
    }

    /// Puts a real server in maintenance or takes it out; returns the quorum changes.
    public mutating func setMaintenance(_ realServer: RealServerID, _ on: Bool) -> [QuorumChange] {
        if on { maintenance.insert(realServer) } else { maintenance.remove(realServer) }
        guard let i = virtualServerOf[realServer] else { return [] }
        return updateQuorum(of: [i])
    }

    /// Takes a new configuration (a reload): the health of real servers that are still
    /// configured is kept (a failed real server stays out until its checks pass: keepalived
    /// re-enables it, its issue #2318), the quorum of unchanged virtual servers too; new
    /// virtual servers start as at start-up.
    public mutating func replace(configuration: KeepalivedConfiguration) -> [QuorumChange] {
        self.configuration = configuration
        var ids = Set<RealServerID>()
        var names = Set<String>()
        for virtualServer in configuration.virtualServers {
            names.insert(virtualServer.name)
            for realServer in virtualServer.realServers { ids.insert(virtualServer.healthID(of: realServer)) }
            if quorum[virtualServer.name] == nil { quorum[virtualServer.name] = virtualServer.hasQuorumAtStart }
        }
        health = health.filter { ids.contains($0.key) }
        quorum = quorum.filter { names.contains($0.key) }
        indexRealServers()
        return updateQuorum(of: configuration.virtualServers.indices)
    }

    /// What the table needs to know of real server `r` of virtual server `v` now (indices into
    /// the configuration).
    public func condition(realServer r: Int, of v: Int) -> RealServerCondition {
        let virtualServer = configuration.virtualServers[v]
        return condition(of: virtualServer.realServers[r], in: virtualServer, id: healthIDs[v][r])
    }

    /// The health key of real server `r` of virtual server `v`.
    public func healthID(realServer r: Int, of v: Int) -> RealServerID { healthIDs[v][r] }

    /// The conditions of every real server of virtual server `v`, in configuration order.
    public func conditions(of v: Int) -> [RealServerCondition] {
        let virtualServer = configuration.virtualServers[v]
        return virtualServer.realServers.indices.map {
            condition(of: virtualServer.realServers[$0], in: virtualServer, id: healthIDs[v][$0])
        }
    }

    private func condition(of realServer: RealServer, in virtualServer: VirtualServer, id: RealServerID) -> RealServerCondition {
        let keepsSlot = virtualServer.scheduler == "mh"
        if maintenance.contains(id) {
            return RealServerCondition(isUp: false, weight: realServer.weight, keepsSlotWhenFailed: true)
        }
        guard let known = health[id] else {
            return RealServerCondition(isUp: !realServer.startsFailed, weight: realServer.weight,
                                       keepsSlotWhenFailed: keepsSlot)
        }
        return RealServerCondition(isUp: known.isUp, weight: known.weight ?? realServer.weight,
                                   keepsSlotWhenFailed: keepsSlot)
    }

    /// The engine's last report on a real server, if any.
    public func health(of id: RealServerID) -> RealServerHealth? { health[id] }

    /// The IPVS table for the virtual servers `owns` accepts, in configuration order.
    public func table(owns: (VirtualServer) -> Bool = { _ in true }) -> [IPVSServiceEntry] {
        let owned = configuration.virtualServers.indices.filter { owns(configuration.virtualServers[$0]) }
        return InitialTable.entries(for: owned.map { configuration.virtualServers[$0] }) { position, virtualServer, groupEntry in
            virtualServer.destinations(groupEntry: groupEntry, hasQuorum: quorum[names[owned[position]]] ?? true,
                                       conditions: conditions(of: owned[position]))
        }
    }

    private mutating func updateQuorum(of indices: some Sequence<Int>) -> [QuorumChange] {
        var changes: [QuorumChange] = []
        for v in indices {
            let virtualServer = configuration.virtualServers[v]
            let live = virtualServer.liveWeight(conditions: conditions(of: v))
            let name = names[v]
            let had = quorum[name] ?? virtualServer.hasQuorumAtStart
            var has = had
            if had, live < virtualServer.quorum - virtualServer.hysteresis { has = false }
            if !had, live >= virtualServer.quorum + virtualServer.hysteresis { has = true }
            if has != had {
                quorum[name] = has
                changes.append(QuorumChange(virtualServer: name, hasQuorum: has, liveWeight: live))
            }
        }
        return changes
    }
}
