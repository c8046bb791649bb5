/// What the engine knows, guarded by one lock: a probe schedule per distinct ``CheckSpec`` and the
/// combined health of each real server. Pure bookkeeping: no I/O, no clock.
///
/// Schedules are keyed by an integer id, handed out once per added spec and never reused, so a
/// probe's bookkeeping hashes an `Int`, not the whole check definition; a spec that was removed
/// and re-added gets a new id, and the old schedule finds itself gone. Specs are hashed only in
/// ``apply(_:)``.
struct EngineRegistry<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    struct Runner: Sendable {
        var spec: CheckSpec
        var machine: CheckStateMachine<Instant>
        var subscribers: [RealServerID] = []
    }

    struct Server: Sendable {
        var checks: [CheckSpec]
        /// The schedule id of each of `checks`, in the same order.
        var scheduleIDs: [Int]
        var health: RealServerHealth
    }

    private(set) var runners: [Int: Runner] = [:]
    private(set) var servers: [RealServerID: Server] = [:]
    /// The current schedule id of each configured spec.
    private var ids: [CheckSpec: Int] = [:]
    private var nextID = 0

    /// Replaces the configuration. Returns the schedules to start and the transitions to report.
    /// Unchanged checks keep their state and schedule.
    mutating func apply(
        _ configuration: [RealServerID: [CheckSpec]]
    ) -> (start: [(CheckSpec, Int)], transitions: [HealthTransition]) {
        let wanted = Set(configuration.values.joined())
        for (spec, id) in ids where !wanted.contains(spec) {
            ids[spec] = nil
            runners[id] = nil
        }
        var start: [(CheckSpec, Int)] = []
        for spec in wanted where ids[spec] == nil {
            nextID += 1
            ids[spec] = nextID
            runners[nextID] = Runner(spec: spec, machine: CheckStateMachine(timing: spec.timing))
            start.append((spec, nextID))
        }
        for id in Array(runners.keys) { runners[id]!.subscribers = [] }
        for (server, checks) in configuration.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            for spec in Set(checks) { runners[ids[spec]!]!.subscribers.append(server) }
        }

        var transitions: [HealthTransition] = []
        for id in Array(servers.keys) where configuration[id] == nil {
            servers[id] = nil
        }
        for (id, checks) in configuration.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let scheduleIDs = checks.map { ids[$0]! }
            let health = combinedHealth(checks, scheduleIDs)
            if let old = servers[id] {
                guard old.checks != checks else { continue }
                servers[id] = Server(checks: checks, scheduleIDs: scheduleIDs, health: health)
                if old.health.isUp != health.isUp || old.health.weight != health.weight {
                    transitions.append(HealthTransition(realServer: id, health: health))
                }
            } else {
                servers[id] = Server(checks: checks, scheduleIDs: scheduleIDs, health: health)
                transitions.append(HealthTransition(realServer: id, health: health, isInitial: true))
            }
        }
        return (start, transitions)
    }

    /// True while the schedule `id` is configured.
    func isCurrent(_ id: Int) -> Bool {
        runners[id] != nil
    }

    /// Feeds an event to a schedule's state machine. Returns nil when the schedule was removed,
    /// else the next due instant (if any) and the real-server transitions it caused.
    mutating func handle(
        _ event: CheckStateMachine<Instant>.Event, schedule id: Int
    ) -> (next: Instant?, transitions: [HealthTransition])? {
        guard let actions = runners[id]?.machine.handle(event) else { return nil }
        var next: Instant?
        var transitions: [HealthTransition] = []
        for action in actions {
            switch action {
            case .scheduleProbe(let at):
                next = at
            case .transition:
                for server in runners[id]!.subscribers {
                    guard var entry = servers[server] else { continue }
                    let health = combinedHealth(entry.checks, entry.scheduleIDs)
                    if health.isUp != entry.health.isUp || health.weight != entry.health.weight {
                        transitions.append(HealthTransition(realServer: server, health: health))
                    }
                    entry.health = health
                    servers[server] = entry
                }
            }
        }
        return (next, transitions)
    }

    private func combinedHealth(_ checks: [CheckSpec], _ scheduleIDs: [Int]) -> RealServerHealth {
        RealServerHealth.combine(zip(checks, scheduleIDs).map { spec, id in
            (checker: spec.description, state: runners[id]?.machine.state ?? CheckState(isUp: false, reason: "no schedule"))
        })
    }
}
