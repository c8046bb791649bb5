import Logging
import Synchronization

/// Runs every configured check on its schedule and reports real servers' health transitions.
///
/// - Each distinct ``CheckSpec`` is probed once, however many real servers (under however many
///   virtual servers) use it; its result feeds all of them.
/// - ``update(_:)`` replaces the configuration while running (a reload): new checks start, removed
///   ones stop at their next due time and report nothing more, unchanged ones keep state and schedule.
/// - ``run()`` runs the schedules as child tasks of one discarding task group until cancelled. Time
///   comes from the injected clock, so tests drive it without sleeping; the probes come from the
///   injected ``Prober``, so tests need no sockets.
/// - Fast path: with ``LiveProber`` and `ContinuousClock`, a `TCP_CHECK` to an IP literal runs as a
///   schedule on one of the prober's connect threads (``TCPConnectLoop``: a timer heap and an epoll set)
///   instead of a task sleeping on the clock; the state machine and registry are the same.
public final class HealthCheckEngine<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    private let clock: C
    private let prober: any Prober
    private let logger: Logger
    private let warmupFraction: @Sendable () -> Double
    private let lateness: (@Sendable (Duration) -> Void)?
    private let registry = Mutex(EngineRegistry<C.Instant>())
    private let commands: AsyncStream<(CheckSpec, Int)>
    private let commandSink: AsyncStream<(CheckSpec, Int)>.Continuation
    private let transitionSink: AsyncStream<HealthTransition>.Continuation

    /// Health transitions of real servers, in order. Ends when ``run()`` returns.
    public let transitions: AsyncStream<HealthTransition>

    /// - Parameters:
    ///   - clock: the time source for schedules (`ContinuousClock()` in the daemon).
    ///   - prober: runs one check (``LiveProber`` in the daemon).
    ///   - logger: where configuration errors and transitions are logged.
    ///   - warmupFraction: picks the random part of keepalived `warmup`, in 0..<1.
    ///   - lateness: called with how late each probe started against its schedule (for benchmarks).
    public init(
        clock: C, prober: some Prober, logger: Logger,
        warmupFraction: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        lateness: (@Sendable (Duration) -> Void)? = nil
    ) {
        self.clock = clock
        self.prober = prober
        self.logger = logger
        self.warmupFraction = warmupFraction
        self.lateness = lateness
        (commands, commandSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        (transitions, transitionSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Replaces the configuration: for each real server, the checks it needs (all must pass).
    public func update(_ configuration: [RealServerID: [CheckSpec]]) {
        let (start, transitions) = registry.withLock { $0.apply(configuration) }
        for transition in transitions { report(transition) }
        for command in start { commandSink.yield(command) }
    }

    /// The current health of a real server, or nil when it is not configured.
    public func health(of realServer: RealServerID) -> RealServerHealth? {
        registry.withLock { $0.servers[realServer]?.health }
    }

    /// How many distinct probe schedules are configured.
    public var scheduleCount: Int {
        registry.withLock { $0.runners.count }
    }

    /// Runs the schedules until the calling task is cancelled.
    public func run() async {
        let connector = C.self == ContinuousClock.self ? (prober as? LiveProber)?.tcp : nil
        await withDiscardingTaskGroup { group in
            for await (spec, id) in commands {
                if let connector, case .tcp(let check) = spec.checker, let target = TCPConnectTarget(check) {
                    let start = registry.withLock {
                        $0.handle(.start(at: clock.now, warmupFraction: warmupFraction()), schedule: id)
                    }
                    guard let due = start?.next else { continue }
                    connector.loop(for: id).schedule(id: id, target, due: due as! ContinuousClock.Instant, owner: self)
                } else {
                    group.addTask { await self.runSchedule(spec, id: id) }
                }
            }
            group.cancelAll()
        }
        for loop in connector?.running ?? [] { loop.purge(owner: self) }
        transitionSink.finish()
    }

    private func runSchedule(_ spec: CheckSpec, id: Int) async {
        let start = registry.withLock {
            $0.handle(.start(at: clock.now, warmupFraction: warmupFraction()), schedule: id)
        }
        guard var due = start?.next else { return }
        while true {
            do {
                try await clock.sleep(until: due, tolerance: nil)
            } catch {
                return  // cancelled
            }
            guard registry.withLock({ $0.isCurrent(id) }) else { return }
            if let lateness { lateness(due.duration(to: clock.now)) }
            let outcome: ProbeOutcome
            do {
                outcome = try await prober.probe(spec)
            } catch {
                logger.error(
                    "check cannot run: \(error.message)",
                    metadata: ["check": "\(spec)", "check.error": "\(error.code)"])
                outcome = .unhealthy(reason: "configuration error: \(error.message)")
            }
            if Task.isCancelled { return }
            let now = clock.now
            let result = registry.withLock {
                $0.handle(.probeCompleted(outcome, dueAt: due, now: now), schedule: id)
            }
            guard let result else { return }  // removed while probing
            for transition in result.transitions { report(transition) }
            guard let next = result.next else { return }
            due = next
        }
    }

    private func report(_ transition: HealthTransition) {
        logger.info(
            "real server \(transition.health.isUp ? "up" : "down")",
            metadata: [
                "rs.id": "\(transition.realServer)", "rs.reason": "\(transition.health.reason)",
                "rs.weight": "\(transition.health.weight.map(String.init) ?? "configured")",
            ])
        transitionSink.yield(transition)
    }
}

/// The engine's side of a schedule on the connect thread: the same bookkeeping as ``runSchedule``,
/// called on that thread. Only used when `C` is `ContinuousClock`.
extension HealthCheckEngine: TCPScheduleOwner {
    func probeDue(_ id: Int, due: ContinuousClock.Instant, now: ContinuousClock.Instant) -> Bool {
        guard registry.withLock({ $0.isCurrent(id) }) else { return false }
        if let lateness { lateness(due.duration(to: now)) }
        return true
    }

    func probeCompleted(
        _ id: Int, _ outcome: ProbeOutcome, due: ContinuousClock.Instant, now: ContinuousClock.Instant
    ) -> ContinuousClock.Instant? {
        let event = CheckStateMachine<C.Instant>.Event.probeCompleted(outcome, dueAt: due as! C.Instant, now: now as! C.Instant)
        guard let result = registry.withLock({ $0.handle(event, schedule: id) }) else { return nil }
        for transition in result.transitions { report(transition) }
        return result.next.map { $0 as! ContinuousClock.Instant }
    }
}
