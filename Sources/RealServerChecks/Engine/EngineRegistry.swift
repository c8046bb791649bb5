/// What the engine knows, guarded by one lock: a probe schedule per distinct ``CheckSpec`` and the
/// combined health of each real server. Pure bookkeeping: no I/O, no clock.
struct EngineRegistry<Instant: InstantProtocol & Sendable>: Sendable where Instant.Duration == Duration {
    struct Runner: Sendable {
        /// Distinguishes a schedule from an earlier one of an equal spec that was removed and re-added.
        var generation: Int
        var machine: CheckStateMachine<Instant>
        var subscribers: Set<RealServerID> = []
    }

    struct Server: Sendable {
        var checks: [CheckSpec]
        var health: RealServerHealth
    }

    private(set) var runners: [CheckSpec: Runner] = [:]
    private(set) var servers: [RealServerID: Server] = [:]
    private var nextGeneration = 0

    /// Replaces the configuration. Returns the schedules to start and the transitions to report.
    /// Unchanged checks keep their state and schedule.
    mutating func apply(
        _ configuration: [RealServerID: [CheckSpec]]
    ) -> (start: [(CheckSpec, Int)], transitions: [HealthTransition]) {
        let wanted = Set(configuration.values.joined())
        for spec in Array(runners.keys) where !wanted.contains(spec) {
            runners[spec] = nil
        }
        var start: [(CheckSpec, Int)] = []
        for spec in wanted where runners[spec] == nil {
            nextGeneration += 1
            runners[spec] = Runner(generation: nextGeneration, machine: CheckStateMachine(timing: spec.timing))
            start.append((spec, nextGeneration))
        }
        for spec in Array(runners.keys) { runners[spec]!.subscribers = [] }
        for (id, checks) in configuration {
            for spec in checks { runners[spec]!.subscribers.insert(id) }
        }

        var transitions: [HealthTransition] = []
        for id in Array(servers.keys) where configuration[id] == nil {
            servers[id] = nil
        }
        for (id, checks) in configuration.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let health = combinedHealth(checks)
            if let old = servers[id] {
                guard old.checks != checks else { continue }
                servers[id] = Server(checks: checks, health: health)
                if old.health.isUp != health.isUp || old.health.weight != health.weight {
                    transitions.append(HealthTransition(realServer: id, health: health))
                }
            } else {
                servers[id] = Server(checks: checks, health: health)
                transitions.append(HealthTransition(realServer: id, health: health, isInitial: true))
            }
        }
        return (start, transitions)
    }

    func isCurrent(_ spec: CheckSpec, generation: Int) -> Bool {
        runners[spec]?.generation == generation
    }

    /// Feeds an event to a schedule's state machine. Returns nil when the schedule was removed,
    /// else the next due instant (if any) and the real-server transitions it caused.
    mutating func handle(
        _ event: CheckStateMachine<Instant>.Event, spec: CheckSpec, generation: Int
    ) -> (next: Instant?, transitions: [HealthTransition])? {
        guard var runner = runners[spec], runner.generation == generation else { return nil }
        let actions = runner.machine.handle(event)
        runners[spec] = runner
        var next: Instant?
        var transitions: [HealthTransition] = []
        for action in actions {
            switch action {
            case .scheduleProbe(let at):
                next = at
            case .transition:
                for id in runner.subscribers.sorted(by: { $0.rawValue < $1.rawValue }) {
                    guard var server = servers[id] else { continue }
                    let health = combinedHealth(server.checks)
                    if health.isUp != server.health.isUp || health.weight != server.health.weight {
                        transitions.append(HealthTransition(realServer: id, health: health))
                    }
                    server.health = health
                    servers[id] = server
                }
            }
        }
        return (next, transitions)
    }

    private func combinedHealth(_ checks: [CheckSpec]) -> RealServerHealth {
        RealServerHealth.combine(checks.map { spec in
            (checker: spec.description, state: runners[spec]?.machine.state ?? CheckState(isUp: false, reason: "no schedule"))
        })
    }
}
