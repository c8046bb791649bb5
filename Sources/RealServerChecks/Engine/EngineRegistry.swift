/// What the engine knows, guarded by one lock: a probe schedule per distinct ``CheckSpec``, the
/// combined health of each real server, and what the watchdog and the status need (where each
/// schedule stands, counters). Pure bookkeeping: no I/O, no clock; time is passed in.
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
        var phase: Phase = .starting
        /// Why the watchdog reported this schedule as stalled; nil while it moves.
        var stalled: String?
    }

    /// Where a schedule stands, for the watchdog.
    enum Phase: Sendable {
        /// Added, not started yet.
        case starting
        /// The next probe is due at this instant.
        case waiting(due: Instant)
        /// A probe runs since this instant.
        case probing(since: Instant)
        /// Waits for a change of its file (a `FILE_CHECK` followed by inotify): no probe is due.
        case watching
    }

    /// What a finished probe changed.
    struct Completion: Sendable {
        /// When the next probe is due, if any.
        var next: Instant?
        var transitions: [HealthTransition]
        /// The check could not run, and did run on the previous probe: (check, reason).
        var faultBegan: EngineStatus.CheckIssue?
        /// The check runs again after a fault.
        var faultEnded: String?
    }

    /// A schedule the watchdog saw stall or move again.
    struct WatchdogChange: Sendable {
        var issue: EngineStatus.CheckIssue
        var isStalled: Bool
    }

    /// A real server: its checks are schedules (each schedule's ``Runner`` has the spec), so
    /// that each check is kept once per schedule and not once more per real server.
    struct Server: Sendable {
        /// The schedule id of each of the real server's checks, in the order configured. A
        /// schedule of a configured real server always has its runner: ``apply(_:)`` removes
        /// only the schedules no real server wants.
        var scheduleIDs: [Int]
        var health: RealServerHealth
    }

    private(set) var runners: [Int: Runner] = [:]
    private(set) var servers: [RealServerID: Server] = [:]
    /// The current schedule id of each configured spec.
    private var ids: [CheckSpec: Int] = [:]
    private var nextID = 0
    private(set) var probesStarted = 0
    private(set) var probesCompleted = 0
    private(set) var checkerFaults = 0

    /// Replaces the configuration. Returns the schedules to start and the transitions to report.
    /// Unchanged checks keep their state and schedule.
    mutating func apply(
        _ configuration: [RealServerID: [CheckSpec]]
    ) -> (start: [(CheckSpec, Int)], transitions: [HealthTransition]) {
        let wanted = Set(configuration.values.joined())
        // The removed ones first: removing while iterating over `ids` copied the whole table.
        for (spec, id) in ids.filter({ !wanted.contains($0.key) }) {
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
        // Real servers in a fixed order, so that subscribers and transitions come out the same
        // whatever the dictionary's order: sorted once, every later step walks this list.
        let ordered = configuration.sorted { $0.key.rawValue < $1.key.rawValue }
        var scheduleIDs: [RealServerID: [Int]] = [:]
        scheduleIDs.reserveCapacity(ordered.count)
        var subscribers: [Int: [RealServerID]] = [:]
        for (server, checks) in ordered {
            let idsOfChecks = checks.map { ids[$0]! }
            scheduleIDs[server] = idsOfChecks
            for (i, id) in idsOfChecks.enumerated() where !idsOfChecks[..<i].contains(id) {
                subscribers[id, default: []].append(server)
            }
        }
        for id in Array(runners.keys) { runners[id]!.subscribers = subscribers[id] ?? [] }

        var transitions: [HealthTransition] = []
        for id in Array(servers.keys) where configuration[id] == nil {
            servers[id] = nil
        }
        for (id, _) in ordered {
            let idsOfChecks = scheduleIDs[id]!
            if let old = servers[id] {
                // The same schedules are the same checks: a spec keeps its id while it is
                // wanted, and a spec added again gets a new one.
                guard old.scheduleIDs != idsOfChecks else { continue }
                let health = combinedHealth(idsOfChecks)
                servers[id] = Server(scheduleIDs: idsOfChecks, health: health)
                if !old.health.sameVerdict(as: health) {
                    transitions.append(HealthTransition(realServer: id, health: health))
                }
            } else {
                let health = combinedHealth(idsOfChecks)
                servers[id] = Server(scheduleIDs: idsOfChecks, health: health)
                transitions.append(HealthTransition(realServer: id, health: health, isInitial: true))
            }
        }
        return (start, transitions)
    }

    /// True while the schedule `id` is configured.
    func isCurrent(_ id: Int) -> Bool {
        runners[id] != nil
    }

    /// Starts schedule `id` at `now`. Returns when its first probe is due, or nil when the
    /// schedule was removed.
    mutating func start(_ id: Int, at now: Instant, warmupFraction: Double) -> Instant? {
        guard let actions = runners[id]?.machine.handle(.start(at: now, warmupFraction: warmupFraction)) else { return nil }
        var next: Instant?
        for case .scheduleProbe(let at) in actions { next = at }
        if let next { runners[id]!.phase = .waiting(due: next) }
        return next
    }

    /// Schedule `id` now waits for a change of its file rather than a due time; false when it
    /// was removed.
    mutating func watching(_ id: Int) -> Bool {
        guard runners[id] != nil else { return false }
        runners[id]!.phase = .watching
        return true
    }

    /// A probe of schedule `id` starts at `now`. False when the schedule was removed.
    mutating func probeStarted(_ id: Int, at now: Instant) -> Bool {
        guard runners[id] != nil else { return false }
        runners[id]!.phase = .probing(since: now)
        probesStarted += 1
        return true
    }

    /// A probe of schedule `id` due at `dueAt` finished at `now`. Returns nil when the schedule
    /// was removed meanwhile.
    mutating func probeCompleted(_ id: Int, _ outcome: ProbeOutcome, dueAt: Instant, now: Instant) -> Completion? {
        complete(id, outcome, .probeCompleted(outcome, dueAt: dueAt, now: now))
    }

    /// The checks of `server` that a probe now runs: each schedule once, in the order configured.
    /// Nil when the real server is not configured. Counts the probes as started.
    mutating func probeNowStarted(_ server: RealServerID) -> [(id: Int, spec: CheckSpec)]? {
        guard let entry = servers[server] else { return nil }
        var seen = Set<Int>()
        var checks: [(id: Int, spec: CheckSpec)] = []
        for id in entry.scheduleIDs where seen.insert(id).inserted {
            if let runner = runners[id] { checks.append((id, runner.spec)) }
        }
        probesStarted += checks.count
        return checks
    }

    /// A probe of schedule `id` run outside its schedule finished: counted like a scheduled one,
    /// and the schedule's next due time and phase stay as they are. Nil when the schedule was
    /// removed meanwhile.
    mutating func probeNowCompleted(_ id: Int, _ outcome: ProbeOutcome) -> Completion? {
        complete(id, outcome, .probeNowCompleted(outcome))
    }

    private mutating func complete(_ id: Int, _ outcome: ProbeOutcome,
                                   _ event: CheckStateMachine<Instant>.Event) -> Completion? {
        guard let runner = runners[id] else { return nil }
        let faultBefore = runner.machine.fault
        let actions = runners[id]!.machine.handle(event)
        probesCompleted += 1
        if case .notRun = outcome { checkerFaults += 1 }
        var completion = Completion(next: nil, transitions: [])
        let faultAfter = runners[id]!.machine.fault
        if faultBefore == nil, let faultAfter {
            completion.faultBegan = EngineStatus.CheckIssue(check: runner.spec.description, reason: faultAfter)
        } else if faultBefore != nil && faultAfter == nil {
            completion.faultEnded = runner.spec.description
        }
        for action in actions {
            switch action {
            case .scheduleProbe(let at):
                completion.next = at
                runners[id]!.phase = .waiting(due: at)
            case .transition:
                for server in runner.subscribers {
                    guard var entry = servers[server] else { continue }
                    let health = combinedHealth(entry.scheduleIDs)
                    if !health.sameVerdict(as: entry.health) {
                        completion.transitions.append(HealthTransition(realServer: server, health: health))
                    }
                    entry.health = health
                    servers[server] = entry
                }
            }
        }
        return completion
    }

    /// The watchdog's look at every schedule at `now`: the ones that stalled since the last look,
    /// and the ones that move again.
    mutating func watch(now: Instant, grace: Duration) -> [WatchdogChange] {
        var changes: [WatchdogChange] = []
        // By index into the values, which are changed in place: iterating over `runners.keys`
        // while assigning through `runners[id]` copied the whole dictionary on every look
        // (6.7 MB at 10,000 schedules, once a second).
        for index in runners.values.indices {
            let runner = runners.values[index]
            var stall: String?
            switch runner.phase {
            case .starting, .watching:
                break
            case .waiting(let due):
                let late = due.duration(to: now)
                if late > grace { stall = "probe due \(late.humanReadable) ago has not started" }
            case .probing(let since):
                let running = since.duration(to: now)
                let limit = runner.spec.probeTimeLimit
                if running > limit + grace {
                    stall = "probe running for \(running.humanReadable), limit \(limit.humanReadable)"
                }
            }
            if let stall, runner.stalled == nil {
                changes.append(WatchdogChange(issue: .init(check: runner.spec.description, reason: stall), isStalled: true))
            } else if stall == nil, runner.stalled != nil {
                changes.append(WatchdogChange(issue: .init(check: runner.spec.description, reason: "moving again"), isStalled: false))
            }
            runners.values[index].stalled = stall
        }
        return changes.sorted { $0.issue.check < $1.issue.check }
    }

    /// Checks whose last probe could not run.
    var faultedChecks: [EngineStatus.CheckIssue] {
        runners.values.compactMap { runner in
            runner.machine.fault.map { EngineStatus.CheckIssue(check: runner.spec.description, reason: $0) }
        }.sorted { $0.check < $1.check }
    }

    /// Checks the watchdog reported as stalled at its last look.
    var stalledChecks: [EngineStatus.CheckIssue] {
        runners.values.compactMap { runner in
            runner.stalled.map { EngineStatus.CheckIssue(check: runner.spec.description, reason: $0) }
        }.sorted { $0.check < $1.check }
    }

    /// The health of `server` from its checkers' states now, with the reason of each checker's
    /// last probe (``servers`` keeps the reason of the last transition).
    func currentHealth(of server: RealServerID) -> RealServerHealth? {
        servers[server].map { combinedHealth($0.scheduleIDs) }
    }

    private func combinedHealth(_ scheduleIDs: [Int]) -> RealServerHealth {
        RealServerHealth.combine(scheduleIDs.map { id in
            guard let runner = runners[id] else {
                return (checker: "schedule \(id)", state: CheckState(isUp: false, reason: "no schedule"))
            }
            return (checker: runner.spec.description, state: runner.machine.state)
        })
    }
}

extension RealServerHealth {
    /// Up or down, and the same weight: no transition between the two (the reason may differ).
    func sameVerdict(as other: RealServerHealth) -> Bool {
        isUp == other.isUp && weight == other.weight && weightOffset == other.weightOffset
    }
}
