import Logging
import Synchronization
import Testing
@testable import RealServerChecks

/// The engine driven by a test clock and a scripted prober: no sockets, no sleeping.
@Suite("Engine (TestClock, scripted prober)")
struct EngineTests {
    final class Harness: Sendable {
        let clock = TestClock()
        let prober = ScriptedProber()
        let engine: HealthCheckEngine<TestClock>
        let received = Mutex<[HealthTransition]>([])

        /// Without a watchdog, every task sleeping on the clock is a schedule (see ``settle(_:)``).
        init() {
            engine = HealthCheckEngine(
                clock: clock, prober: prober, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
                warmupFraction: { 0 }, watchdog: nil)
        }

        var transitions: [HealthTransition] { received.withLock { $0 } }

        /// Runs the engine and collects transitions while `body` runs.
        func run(_ body: @Sendable (Harness) async throws -> Void) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.engine.run() }
                group.addTask {
                    for await transition in self.engine.transitions {
                        self.received.withLock { $0.append(transition) }
                    }
                }
                try await body(self)
                group.cancelAll()
            }
        }

        /// Waits until `count` schedules sleep on the clock (every probe due so far has run).
        func settle(_ count: Int) async {
            let ok = await eventually { self.clock.sleeperCount == count }
            #expect(ok, "expected \(count) sleeping schedules, have \(self.clock.sleeperCount)")
        }

        func advance(seconds: Int, schedules: Int) async {
            clock.advance(by: .seconds(seconds))
            await settle(schedules)
        }
    }

    static func tcp(_ port: Int, retry: Int = 1, alpha: Bool = false) -> CheckSpec {
        CheckSpec(
            .tcp(TCPCheck(target: CheckEndpoint(host: "10.0.0.1", port: port))),
            timing: CheckTiming(delayLoop: .seconds(10), retry: retry, delayBeforeRetry: .seconds(2), alpha: alpha))
    }

    static let fail = ProbeOutcome.unhealthy(reason: "connection refused")

    @Test func sameCheckFromSeveralVirtualServersIsProbedOnce() async throws {
        let h = Harness()
        let shared = Self.tcp(80)
        let extra = Self.tcp(81)
        try await h.run { h in
            h.engine.update(["vs1/rs": [shared], "vs2/rs": [shared], "vs3/rs": [shared, extra]])
            #expect(h.engine.scheduleCount == 2)
            await h.settle(2)
            #expect(h.prober.calls(shared) == 1)
            #expect(h.prober.calls(extra) == 1)
            await h.advance(seconds: 10, schedules: 2)
            #expect(h.prober.calls(shared) == 2)
            #expect(h.prober.totalCalls == 4)
        }
        #expect(h.transitions.filter(\.isInitial).count == 3)
    }

    @Test func transitionsFollowRetriesAndCarryReasons() async throws {
        let h = Harness()
        let spec = Self.tcp(80, retry: 1)
        h.prober.set(spec, [.healthy, Self.fail, Self.fail, .healthy])
        try await h.run { h in
            h.engine.update(["rs1": [spec]])
            await h.settle(1)  // probe 1 at 0 s: ok
            await h.advance(seconds: 10, schedules: 1)  // probe 2 at 10 s: fail, retry at 12 s
            #expect(h.engine.health(of: "rs1")?.isUp == true)
            await h.advance(seconds: 2, schedules: 1)  // probe 3 at 12 s: fail -> down
            #expect(h.engine.health(of: "rs1")?.isUp == false)
            await h.advance(seconds: 10, schedules: 1)  // probe 4 at 22 s: ok -> up
            #expect(h.engine.health(of: "rs1")?.isUp == true)
            _ = await eventually { h.transitions.count == 3 }
        }
        let t = h.transitions
        #expect(t.map(\.health.isUp) == [true, false, true])
        #expect(t[0].isInitial)
        #expect(t[1].health.reason == "TCP_CHECK 10.0.0.1:80: connection refused")
    }

    @Test func alphaStartsDown() async throws {
        let h = Harness()
        let spec = Self.tcp(80, alpha: true)
        h.prober.set(spec, [Self.fail, .healthy])
        try await h.run { h in
            h.engine.update(["rs1": [spec]])
            await h.settle(1)
            #expect(h.engine.health(of: "rs1")?.isUp == false)
            await h.advance(seconds: 10, schedules: 1)
            #expect(h.engine.health(of: "rs1")?.isUp == true)
        }
    }

    @Test func realServerIsUpOnlyWhenAllCheckersAre() async throws {
        let h = Harness()
        let good = Self.tcp(80, retry: 0)
        let bad = Self.tcp(81, retry: 0)
        h.prober.set(bad, [Self.fail])
        try await h.run { h in
            h.engine.update(["rs1": [good, bad]])
            await h.settle(2)
            let health = h.engine.health(of: "rs1")
            #expect(health?.isUp == false)
            #expect(health?.reason == "TCP_CHECK 10.0.0.1:81: connection refused")
        }
    }

    @Test func reloadKeepsStateOfUnchangedChecksAndStopsRemovedOnes() async throws {
        let h = Harness()
        let kept = Self.tcp(80, retry: 0)
        let removed = Self.tcp(81)
        let added = Self.tcp(82)
        h.prober.set(kept, [Self.fail])
        try await h.run { h in
            h.engine.update(["rs1": [kept], "rs2": [removed]])
            await h.settle(2)
            #expect(h.engine.health(of: "rs1")?.isUp == false)
            #expect(await eventually { h.transitions.count == 3 })  // two initial reports, rs1 down
            let before = 3

            h.engine.update(["rs1": [kept], "rs3": [added]])
            #expect(h.engine.scheduleCount == 2)
            #expect(h.engine.health(of: "rs1")?.isUp == false)  // state kept, no new initial report
            #expect(h.engine.health(of: "rs2") == nil)
            // The removed schedule still sleeps until its next due time, then ends.
            await h.settle(3)
            await h.advance(seconds: 10, schedules: 2)
            #expect(h.prober.calls(removed) == 1)
            #expect(h.prober.calls(kept) == 2)
            #expect(h.prober.calls(added) == 2)
            _ = await eventually { h.transitions.count == before + 1 }
            #expect(h.transitions.dropFirst(before).map(\.realServer) == ["rs3"])
        }
    }

    @Test func changedChecksOfARealServerAreReevaluated() async throws {
        let h = Harness()
        let bad = Self.tcp(81, retry: 0)
        let good = Self.tcp(80)
        h.prober.set(bad, [Self.fail])
        try await h.run { h in
            h.engine.update(["rs1": [good, bad]])
            await h.settle(2)
            #expect(h.engine.health(of: "rs1")?.isUp == false)
            h.engine.update(["rs1": [good]])
            #expect(h.engine.health(of: "rs1")?.isUp == true)
            #expect(await eventually { h.transitions.count == 3 })  // initial up, down, up after the change
            #expect(h.transitions.last?.health.isUp == true)
            #expect(h.transitions.last?.isInitial == false)
        }
    }

    @Test func thousandsOfSchedulesKeepTheirSlots() async throws {
        let h = Harness()
        let specs = (0..<2000).map { Self.tcp(1000 + $0) }
        try await h.run { h in
            h.engine.update(Dictionary(uniqueKeysWithValues: specs.enumerated().map { (RealServerID("rs\($0)"), [$1]) }))
            await h.settle(2000)
            await h.advance(seconds: 10, schedules: 2000)
            #expect(h.prober.totalCalls == 4000)
            #expect(h.clock.nextDeadline?.offset == .seconds(20))
        }
    }
}
