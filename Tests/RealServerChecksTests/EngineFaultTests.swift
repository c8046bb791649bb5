import Logging
import Synchronization
import Testing
@testable import RealServerChecks

/// Checker faults and the watchdog, on the test clock: a probe that cannot run leaves the real
/// server alone; a probe that hangs is reported.
@Suite("Engine faults and watchdog (TestClock)")
struct EngineFaultTests {
    /// Hangs (until cancelled) on the specs it is told to, answers healthy otherwise.
    final class HangingProber: Prober {
        let hanging: Set<CheckSpec>
        init(hanging: Set<CheckSpec>) { self.hanging = hanging }

        func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome {
            guard hanging.contains(spec) else { return .healthy }
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
            return .notRun(reason: "cancelled")
        }
    }

    static func tcp(_ port: Int, retry: Int = 1) -> CheckSpec {
        CheckSpec(
            .tcp(TCPCheck(target: CheckEndpoint(host: "10.0.0.1", port: port), connectTimeout: .seconds(5))),
            timing: CheckTiming(delayLoop: .seconds(10), retry: retry, delayBeforeRetry: .seconds(2)))
    }

    static func run<P: Prober>(
        _ prober: P, logs: LogRecords, watchdog: Watchdog?,
        _ body: @Sendable (TestClock, HealthCheckEngine<TestClock>) async throws -> Void
    ) async throws {
        let clock = TestClock()
        let engine = HealthCheckEngine(
            clock: clock, prober: prober, logger: logs.logger(), warmupFraction: { 0 }, watchdog: watchdog)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await engine.run() }
            group.addTask { for await _ in engine.transitions {} }
            try await body(clock, engine)
            group.cancelAll()
        }
    }

    @Test func aProbeThatCannotRunLeavesTheRealServerAlone() async throws {
        let prober = ScriptedProber()
        let spec = Self.tcp(80, retry: 0)
        let starved = ProbeOutcome.notRun(reason: "socket: Too many open files")
        prober.set(spec, [.healthy, starved, starved, .healthy])
        let logs = LogRecords()
        try await Self.run(prober, logs: logs, watchdog: nil) { clock, engine in
            engine.update(["rs": [spec]])
            #expect(await eventually { engine.status().probesCompleted == 1 })
            for (step, completed) in [(1, 2), (2, 3)] {
                clock.advance(by: .seconds(10))
                #expect(await eventually { engine.status().probesCompleted == completed }, "step \(step)")
                // retry 0 would take it down on the first failure: a fault is not a failure.
                #expect(engine.health(of: "rs")?.isUp == true)
            }
            let status = engine.status()
            #expect(status.checkerFaults == 2)
            #expect(status.faultedChecks == [.init(check: "TCP_CHECK 10.0.0.1:80", reason: "socket: Too many open files")])
            clock.advance(by: .seconds(10))
            #expect(await eventually { engine.status().probesCompleted == 4 })
            #expect(engine.status().faultedChecks == [])
            #expect(engine.status().checkerFaults == 2)
        }
        // One line when the fault begins, one when it ends; none per failed probe.
        let lines = logs.all.filter { $0.message.hasPrefix("check ") }.map(\.line)
        #expect(lines == [
            "error check could not run check=TCP_CHECK 10.0.0.1:80 check.fault=socket: Too many open files",
            "notice check runs again check=TCP_CHECK 10.0.0.1:80",
        ])
    }

    @Test func watchdogReportsAHangingProbeAndItsRecovery() async throws {
        let stuck = Self.tcp(80)
        let fine = Self.tcp(81)
        let logs = LogRecords()
        let watchdog = Watchdog(interval: .seconds(1), grace: .seconds(5))
        try await Self.run(HangingProber(hanging: [stuck]), logs: logs, watchdog: watchdog) { clock, engine in
            engine.update(["stuck": [stuck], "fine": [fine]])
            // Sleeping on the clock: the watchdog and the schedule of `fine`; `stuck` hangs in its probe.
            #expect(await eventually { clock.sleeperCount == 2 })
            for second in 1...11 {
                clock.advance(by: .seconds(1))
                // The watchdog has looked (and `fine`, due at 10 s, has probed) when both sleep again.
                #expect(await eventually { clock.sleeperCount == 2 && engine.status().probesStarted == (second >= 10 ? 3 : 2) })
                let expected: [EngineStatus.CheckIssue] =
                    second >= 11 ? [.init(check: "TCP_CHECK 10.0.0.1:80", reason: "probe running for 11 s, limit 5 s")] : []
                #expect(await eventually { engine.status().stalledChecks == expected }, "at \(second) s")
            }
            engine.update(["fine": [fine]])  // removing the hung check ends its report
            clock.advance(by: .seconds(1))
            #expect(await eventually { engine.status().stalledChecks == [] })
        }
        let lines = logs.all.filter { $0.message.hasPrefix("check ") }.map(\.line)
        #expect(lines == [
            "error check stalled check=TCP_CHECK 10.0.0.1:80 check.stall=probe running for 11 s, limit 5 s",
        ])
    }

    @Test func watchdogSeesAScheduleWhoseProbeNeverStarted() {
        var registry = EngineRegistry<TestClock.Instant>()
        let spec = Self.tcp(80)
        let (start, _) = registry.apply(["rs": [spec]])
        let id = start[0].1
        let zero = TestClock.Instant(offset: .zero)
        let first = registry.start(id, at: zero, warmupFraction: 0)
        #expect(first == zero)
        let onTime = registry.watch(now: zero.advanced(by: .seconds(10)), grace: .seconds(10))
        #expect(onTime.isEmpty)
        let changes = registry.watch(now: zero.advanced(by: .seconds(11)), grace: .seconds(10))
        #expect(changes.map(\.issue) == [.init(check: "TCP_CHECK 10.0.0.1:80", reason: "probe due 11 s ago has not started")])
        #expect(changes.map(\.isStalled) == [true])
        let again = registry.watch(now: zero.advanced(by: .seconds(12)), grace: .seconds(10))
        #expect(again.isEmpty)  // reported once
        let started = registry.probeStarted(id, at: zero.advanced(by: .seconds(12)))
        #expect(started)
        let moving = registry.watch(now: zero.advanced(by: .seconds(13)), grace: .seconds(10))
        #expect(moving.map(\.isStalled) == [false])
        #expect(registry.stalledChecks == [])
    }
}
