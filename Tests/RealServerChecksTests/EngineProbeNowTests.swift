import Logging
import Synchronization
import Testing
@testable import RealServerChecks

/// `lvsctl check-now` in the engine: ``HealthCheckEngine/probeNow(_:)`` on the test clock.
@Suite("Engine probe now (TestClock, scripted prober)")
struct EngineProbeNowTests {
    typealias Harness = EngineTests.Harness
    static let fail = ProbeOutcome.unhealthy(reason: "connection refused")

    /// Each probe now is one attempt toward retry, like a scheduled one; the schedule stays.
    @Test func probeNowCountsAsOneAttemptAndLeavesTheSchedule() async throws {
        let h = Harness()
        let spec = EngineTests.tcp(80, retry: 1)  // delay_loop 10 s, delay_before_retry 2 s
        h.prober.set(spec, [.healthy, Self.fail, Self.fail, .healthy, .healthy])
        try await h.run { h in
            h.engine.update(["rs1": [spec]])
            await h.settle(1)  // scheduled probe at 0 s: ok; next due at 10 s
            #expect(h.clock.nextDeadline?.offset == .seconds(10))
            await h.advance(seconds: 3, schedules: 1)

            // 3 s: the first failure in a row; retry 1 keeps the server up.
            let first = try #require(await h.engine.probeNow("rs1"))
            #expect(first == ProbeNowReport(
                realServer: "rs1",
                probes: [.init(check: "TCP_CHECK 10.0.0.1:80", outcome: Self.fail, duration: .zero)],
                health: RealServerHealth(isUp: true, reason: "TCP_CHECK 10.0.0.1:80: initial state")))
            #expect(h.clock.nextDeadline?.offset == .seconds(10))
            #expect(h.clock.sleeperCount == 1)

            // The second failure in a row takes it down, reported as a transition.
            let second = try #require(await h.engine.probeNow("rs1"))
            #expect(second.health == RealServerHealth(isUp: false, reason: "TCP_CHECK 10.0.0.1:80: connection refused"))
            #expect(h.engine.health(of: "rs1")?.isUp == false)
            #expect(h.clock.nextDeadline?.offset == .seconds(10))
            #expect(await eventually { h.transitions.count == 2 })

            // The scheduled probe comes at 10 s as planned, and is the next attempt: up again.
            await h.advance(seconds: 7, schedules: 1)
            #expect(h.engine.health(of: "rs1")?.isUp == true)
            #expect(h.clock.nextDeadline?.offset == .seconds(20))

            // A probe now that succeeds moves nothing either.
            let third = try #require(await h.engine.probeNow("rs1"))
            #expect(third.probes.map(\.outcome) == [.healthy])
            #expect(third.health.isUp)
            #expect(h.clock.nextDeadline?.offset == .seconds(20))
            #expect(await eventually { h.transitions.count == 3 })
        }
        #expect(h.prober.calls(spec) == 5)
        #expect(h.transitions.map(\.health.isUp) == [true, false, true])
        #expect(h.transitions.map(\.isInitial) == [true, false, false])
        #expect(h.engine.status().probesStarted == 5)
        #expect(h.engine.status().probesCompleted == 5)
    }

    /// keepalived `alpha`: down until a success; a probe now that succeeds brings it up at once.
    @Test func probeNowBringsADownCheckerUp() async throws {
        let h = Harness()
        let spec = EngineTests.tcp(80, alpha: true)
        h.prober.set(spec, [Self.fail, .healthy])
        try await h.run { h in
            h.engine.update(["rs1": [spec]])
            await h.settle(1)
            #expect(h.engine.health(of: "rs1")?.isUp == false)
            let report = try #require(await h.engine.probeNow("rs1"))
            #expect(report.health == RealServerHealth(isUp: true, reason: "TCP_CHECK 10.0.0.1:80: check succeeded"))
            #expect(h.engine.health(of: "rs1")?.isUp == true)
            #expect(h.clock.nextDeadline?.offset == .seconds(10))
        }
    }

    /// Every check of the server once, in configuration order; a shared check once for all.
    @Test func probeNowRunsEachCheckOnceInOrder() async throws {
        let h = Harness()
        let good = EngineTests.tcp(80, retry: 0)
        let bad = EngineTests.tcp(81, retry: 0)
        h.prober.set(bad, [.healthy, Self.fail])
        try await h.run { h in
            h.engine.update(["rs1": [bad, good, bad], "rs2": [bad]])
            await h.settle(2)
            let report = try #require(await h.engine.probeNow("rs1"))
            #expect(report.probes.map(\.check) == ["TCP_CHECK 10.0.0.1:81", "TCP_CHECK 10.0.0.1:80"])
            #expect(report.probes.map(\.outcome) == [Self.fail, .healthy])
            #expect(report.health == RealServerHealth(isUp: false, reason: "TCP_CHECK 10.0.0.1:81: connection refused"))
            // The shared check's outcome counts for rs2 as well.
            #expect(h.engine.health(of: "rs2")?.isUp == false)
            #expect(h.prober.calls(bad) == 2)
            #expect(h.prober.calls(good) == 2)
        }
    }

    @Test func unknownRealServerProbesNothing() async throws {
        let h = Harness()
        let spec = EngineTests.tcp(80)
        h.engine.update(["rs1": [spec]])
        #expect(await h.engine.probeNow("rs2") == nil)
        #expect(h.prober.totalCalls == 0)
    }

    /// The duration is measured on the engine's clock.
    @Test func durationComesFromTheEngineClock() async throws {
        let clock = TestClock()
        let spec = EngineTests.tcp(80)
        let engine = HealthCheckEngine(
            clock: clock, prober: ClockAdvancingProber(clock: clock, by: .milliseconds(250)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), warmupFraction: { 0 }, watchdog: nil)
        engine.update(["rs1": [spec]])
        let report = try #require(await engine.probeNow("rs1"))
        #expect(report.probes == [.init(check: "TCP_CHECK 10.0.0.1:80", outcome: .healthy, duration: .milliseconds(250))])
        #expect(report.description == "TCP_CHECK 10.0.0.1:80: healthy (250 ms)\nrs1 up: TCP_CHECK 10.0.0.1:80: initial state")
    }
}

/// A prober whose probes take `by` on the test clock.
struct ClockAdvancingProber: Prober {
    let clock: TestClock
    let by: Duration
    func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome {
        clock.advance(by: by)
        return .healthy
    }
}
