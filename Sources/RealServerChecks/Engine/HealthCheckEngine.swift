import Logging
import Synchronization

/// Runs every configured check on its schedule and reports real servers' health transitions.
///
/// - Each distinct ``CheckSpec`` is probed once, however many real servers (under however many
///   virtual servers) use it; its result feeds all of them.
/// - ``update(_:)`` replaces the configuration while running (a reload): new checks start, removed
///   ones stop at their next due time and report nothing more, unchanged ones keep state and schedule.
/// - ``run()`` runs the schedules until cancelled. Time comes from the injected clock, so tests
///   drive it without sleeping; the probes come from the injected ``Prober``, so tests need no sockets.
/// - A `TCP_CHECK` to an IP literal, with ``LiveProber``, runs as a schedule on one of the engine's
///   TCP connect threads (``TCPConnectLoop``: a timer heap and an epoll set) on the engine's clock,
///   whatever the clock; other checks run as child tasks of one discarding task group, sleeping on
///   the clock. The state machine and registry are the same for both.
/// - A `FILE_CHECK` reads its file when inotify says it was written, renamed into place or
///   removed (``FileWatcher``), as keepalived does, and once at start; not every `delay_loop`.
///   If the file's directory cannot be watched, it is read every `delay_loop` instead (logged).
/// - A probe that could not run (``ProbeOutcome/notRun(reason:)``) leaves the real server's state
///   alone; it is counted, logged when a check starts and stops failing to run, and listed in
///   ``status()``. When the connect threads cannot be started (no file descriptor left), TCP
///   schedules run as tasks instead.
/// - ``probeNow(_:)`` probes a real server's checks at once, outside their schedules
///   (`lvsctl check-now`); the outcomes count as scheduled probes' do, and no schedule moves.
/// - A ``Watchdog`` reports schedules that stall, in the log and in ``status()``.
/// - ``lateness(reset:)`` tells how late probes started against their schedule.
public final class HealthCheckEngine<C: Clock>: Sendable where C.Duration == Duration, C.Instant: Sendable {
    let clock: C
    /// Instants on the connect loops are nanoseconds since this one.
    private let base: C.Instant
    private let prober: any Prober
    let logger: Logger
    private let warmupFraction: @Sendable () -> Double
    private let watchdog: Watchdog?
    let registry = Mutex(EngineRegistry<C.Instant>())
    /// The running FILE_CHECK watches by schedule id: the file, and the stream that wakes the
    /// check (finishing it ends the check; see ``runFileWatch(_:_:id:watcher:)``).
    let fileWatches = Mutex<[Int: (path: String, wake: AsyncStream<Void>.Continuation)]>([:])
    private let latenesses = Mutex(LatenessHistogram())
    private let loopFaults = Mutex<(count: Int, last: String?)>((0, nil))
    private let connector: TCPConnector?
    /// The schedules each ``update(_:)`` starts, one batch per update: a stream of single
    /// schedules kept a buffer the size of the largest update (2.7 MB at 10,000 checks) after
    /// it was drained.
    private let commands: AsyncStream<[(CheckSpec, Int)]>
    private let commandSink: AsyncStream<[(CheckSpec, Int)]>.Continuation
    private let transitionSink: AsyncStream<HealthTransition>.Continuation

    /// Health transitions of real servers, in order. Ends when ``run()`` returns.
    public let transitions: AsyncStream<HealthTransition>

    /// - Parameters:
    ///   - clock: the time source for schedules (`ContinuousClock()` in the daemon).
    ///   - prober: runs one check (``LiveProber`` in the daemon).
    ///   - logger: where configuration errors, faults, stalls and transitions are logged.
    ///   - warmupFraction: picks the random part of keepalived `warmup`, in 0..<1.
    ///   - watchdog: how the engine watches its schedules; nil turns the watchdog off.
    public init(
        clock: C, prober: some Prober, logger: Logger,
        warmupFraction: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        watchdog: Watchdog? = Watchdog()
    ) {
        self.clock = clock
        self.base = clock.now
        self.prober = prober
        self.logger = logger
        self.warmupFraction = warmupFraction
        self.watchdog = watchdog
        connector = prober is any ConnectLoopProbing ? TCPConnector(time: LoopTime(clock, base: base)) : nil
        (commands, commandSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
        (transitions, transitionSink) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Replaces the configuration: for each real server, the checks it needs (all must pass).
    public func update(_ configuration: [RealServerID: [CheckSpec]]) {
        let (start, transitions) = registry.withLock { $0.apply(configuration) }
        for transition in transitions { report(transition) }
        if !start.isEmpty { commandSink.yield(start) }
        // A FILE_CHECK that went waits for no file change: end its watch now.
        let gone = fileWatches.withLock { watches in
            let ids = watches.keys.filter { id in !registry.withLock { $0.runners[id] != nil } }
            return ids.compactMap { watches[$0]?.wake }
        }
        for wake in gone { wake.finish() }
    }

    /// The current health of a real server, or nil when it is not configured.
    public func health(of realServer: RealServerID) -> RealServerHealth? {
        registry.withLock { $0.servers[realServer]?.health }
    }

    /// How many distinct probe schedules are configured.
    public var scheduleCount: Int {
        registry.withLock { $0.runners.count }
    }

    /// Counters, faults and stalls, for the daemon's status.
    public func status() -> EngineStatus {
        var status = registry.withLock { registry in
            EngineStatus(
                schedules: registry.runners.count, probesStarted: registry.probesStarted,
                probesCompleted: registry.probesCompleted, checkerFaults: registry.checkerFaults,
                faultedChecks: registry.faultedChecks, stalledChecks: registry.stalledChecks)
        }
        let (count, last) = loopFaults.withLock { $0 }
        let running = connector?.faults ?? TCPConnectLoop.Faults()
        status.connectLoopFaults = count + running.count
        status.lastConnectLoopFault = running.last?.description ?? last
        return status
    }

    /// True when the engine's TCP connect loops have handled everything due at `instant` or
    /// before: probes due have started and timeouts due have fired. For tests that move a test
    /// clock and then assert that nothing (more) happened.
    func connectLoopsHaveHandled(_ instant: C.Instant) -> Bool {
        guard let handled = connector?.handledUpTo else { return false }
        return handled >= nanoseconds(instant)
    }

    /// How late probes started against their schedule since the engine was created, or since the
    /// last call with `reset`.
    public func lateness(reset: Bool = false) -> LatenessSnapshot {
        latenesses.withLock { histogram in
            defer { if reset { histogram = LatenessHistogram() } }
            return histogram.snapshot
        }
    }

    /// Runs the schedules until the calling task is cancelled.
    public func run() async {
        await withDiscardingTaskGroup { group in
            if let watchdog { group.addTask { await self.runWatchdog(watchdog) } }
            // One inotify watcher for every FILE_CHECK, opened with the first.
            var fileWatcher: FileWatcher?
            var fileWatcherFailed = false
            for await batch in commands {
                var others: [(CheckSpec, Int)] = []
                for (spec, id) in batch {
                    guard case .file(let check) = spec.checker else {
                        others.append((spec, id))
                        continue
                    }
                    if fileWatcher == nil && !fileWatcherFailed {
                        do {
                            let watcher = try FileWatcher(paths: [], logger: logger)
                            fileWatcher = watcher
                            group.addTask { await watcher.run { self.wakeFileChecks($0) } }
                        } catch {
                            fileWatcherFailed = true
                            logger.error("cannot open an inotify watcher: FILE_CHECKs read their files every delay_loop",
                                         metadata: ["check.error": "\(error)"])
                        }
                    }
                    if let fileWatcher {
                        group.addTask { await self.runFileWatch(spec, check, id: id, watcher: fileWatcher) }
                    } else {
                        group.addTask { await self.runSchedule(spec, id: id) }
                    }
                }
                startSchedules(others, in: &group)
            }
            group.cancelAll()
        }
        connector?.stop()
        transitionSink.finish()
    }

    /// Starts each schedule of an update: a TCP check on a connect loop, any other as a child task.
    private func startSchedules(_ batch: [(CheckSpec, Int)], in group: inout DiscardingTaskGroup) {
        for (spec, id) in batch {
            if let connector, case .tcp(let check) = spec.checker, let target = TCPConnectTarget(check) {
                do throws(ConnectLoopError) {
                    let loop = try connector.loop(for: id)
                    let now = clock.now
                    let due = registry.withLock { $0.start(id, at: now, warmupFraction: warmupFraction()) }
                    if let due { loop.schedule(id: id, target, due: nanoseconds(due), owner: self) }
                    continue
                } catch {
                    loopFaults.withLock { $0 = ($0.count + 1, error.description) }
                    logger.error(
                        "cannot start the TCP connect loop; running the check as a task",
                        metadata: ["check": "\(spec)", "check.error": "\(error)"])
                }
            }
            group.addTask { await self.runSchedule(spec, id: id) }
        }
    }

    func runSchedule(_ spec: CheckSpec, id: Int) async {
        let now = clock.now
        guard var due = registry.withLock({ $0.start(id, at: now, warmupFraction: warmupFraction()) }) else { return }
        while true {
            do {
                try await clock.sleep(until: due, tolerance: nil)
            } catch {
                return  // cancelled
            }
            guard probeDue(id, due: due, now: clock.now) else { return }
            let outcome = await probeOnce(spec)
            if Task.isCancelled { return }
            guard let next = probeCompleted(id, outcome, due: due, now: clock.now) else { return }
            due = next
        }
    }

    /// Runs `spec` once: a check that cannot run as configured is unhealthy (and logged), a
    /// program that could not be started is not run.
    func probeOnce(_ spec: CheckSpec) async -> ProbeOutcome {
        do {
            return try await prober.probe(spec)
        } catch where error.code == .spawnFailed {
            return .notRun(reason: error.message)
        } catch {
            logger.error(
                "check cannot run: \(error.message)",
                metadata: ["check": "\(spec)", "check.error": "\(error.code)"])
            return .unhealthy(reason: "configuration error: \(error.message)")
        }
    }

    /// Probes every check of `realServer` once, now, outside its schedule (`lvsctl check-now`),
    /// all at the same time, and returns each outcome and the real server's health after them.
    /// Nil when the real server is not configured.
    ///
    /// Each outcome counts exactly like a scheduled probe's
    /// (``CheckStateMachine/Event/probeNowCompleted(_:)``): one attempt toward `retry`, a success
    /// brings a down checker up, and a change of health is reported on ``transitions`` as usual.
    /// Schedules do not move: each check's next scheduled probe stays due when it was, and a
    /// scheduled probe running meanwhile counts as well. A check shared by several real servers
    /// is probed once, and its outcome counts for all of them. Needs no ``run()``.
    public func probeNow(_ realServer: RealServerID) async -> ProbeNowReport? {
        guard let checks = registry.withLock({ $0.probeNowStarted(realServer) }) else { return nil }
        let probes = await withTaskGroup(of: (Int, ProbeNowReport.Probe).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask {
                    let started = self.clock.now
                    let outcome = await self.probeOnce(check.spec)
                    let duration = started.duration(to: self.clock.now)
                    self.probeNowCompleted(check.id, outcome)
                    return (index, ProbeNowReport.Probe(check: check.spec.description, outcome: outcome, duration: duration))
                }
            }
            var probes: [(Int, ProbeNowReport.Probe)] = []
            for await probe in group { probes.append(probe) }
            return probes.sorted { $0.0 < $1.0 }.map(\.1)
        }
        guard let health = registry.withLock({ $0.currentHealth(of: realServer) }) else { return nil }
        return ProbeNowReport(realServer: realServer, probes: probes, health: health)
    }

    private func probeNowCompleted(_ id: Int, _ outcome: ProbeOutcome) {
        guard let result = registry.withLock({ $0.probeNowCompleted(id, outcome) }) else { return }
        logFaults(result)
        for transition in result.transitions { report(transition) }
    }

    private func logFaults(_ result: EngineRegistry<C.Instant>.Completion) {
        if let fault = result.faultBegan {
            logger.error("check could not run", metadata: ["check": "\(fault.check)", "check.fault": "\(fault.reason)"])
        }
        if let check = result.faultEnded {
            logger.notice("check runs again", metadata: ["check": "\(check)"])
        }
    }

    /// Both paths: a probe of schedule `id` due at `due` starts at `now`. False when it was removed.
    func probeDue(_ id: Int, due: C.Instant, now: C.Instant) -> Bool {
        guard registry.withLock({ $0.probeStarted(id, at: now) }) else { return false }
        let late = LoopTime.nanoseconds(due.duration(to: now))
        latenesses.withLock { $0.record(nanoseconds: late) }
        return true
    }

    /// Both paths: a probe finished. Returns when the next one is due, or nil to end the schedule.
    func probeCompleted(_ id: Int, _ outcome: ProbeOutcome, due: C.Instant, now: C.Instant) -> C.Instant? {
        guard let result = registry.withLock({ $0.probeCompleted(id, outcome, dueAt: due, now: now) }) else { return nil }
        logFaults(result)
        for transition in result.transitions { report(transition) }
        return result.next
    }

    private func runWatchdog(_ watchdog: Watchdog) async {
        var next = clock.now.advanced(by: watchdog.interval)
        while true {
            do {
                try await clock.sleep(until: next, tolerance: nil)
            } catch {
                return  // cancelled
            }
            let now = clock.now
            for change in registry.withLock({ $0.watch(now: now, grace: watchdog.grace) }) {
                if change.isStalled {
                    logger.error("check stalled", metadata: ["check": "\(change.issue.check)", "check.stall": "\(change.issue.reason)"])
                } else {
                    logger.notice("check moving again", metadata: ["check": "\(change.issue.check)"])
                }
            }
            next = CheckStateMachine<C.Instant>.nextSlot(after: next, interval: watchdog.interval, now: now)
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

    private func nanoseconds(_ instant: C.Instant) -> Int64 {
        LoopTime.nanoseconds(base.duration(to: instant))
    }

    private func instant(_ nanoseconds: Int64) -> C.Instant {
        base.advanced(by: .nanoseconds(nanoseconds))
    }
}

/// The engine's side of a schedule on a connect loop: the same bookkeeping as ``runSchedule``,
/// called on the loop's thread, in the loop's nanoseconds of the engine's clock.
extension HealthCheckEngine: TCPScheduleOwner {
    func probeDue(_ id: Int, due: Int64, now: Int64) -> Bool {
        probeDue(id, due: instant(due), now: instant(now))
    }

    func probeCompleted(_ id: Int, _ outcome: ProbeOutcome, due: Int64, now: Int64) -> Int64? {
        probeCompleted(id, outcome, due: instant(due), now: instant(now)).map(nanoseconds)
    }
}

/// A prober whose `TCP_CHECK`s to IP literals the engine may run on its own connect loops
/// (``TCPConnectLoop``), with the same outcomes as ``Prober/probe(_:)``: ``LiveProber``.
protocol ConnectLoopProbing: Prober {}
