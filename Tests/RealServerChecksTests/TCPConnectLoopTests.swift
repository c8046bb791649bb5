import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing
@testable import RealServerChecks

/// The production TCP path, driven by the test clock: LiveProber's TCP_CHECKs run as schedules on
/// the engine's connect loops (raw sockets, epoll, the timer heap), against real loopback
/// listeners, while the test moves time by hand. Exact probe counts, no wall-clock sleeps.
@Suite("TCP_CHECK schedules on the connect loop (TestClock, real listeners)")
struct TCPConnectLoopTests {
    static func spec(_ port: Int, retry: Int = 1, timeout: Duration = .seconds(3)) -> CheckSpec {
        CheckSpec(
            .tcp(TCPCheck(target: CheckEndpoint(host: "127.0.0.1", port: port), connectTimeout: timeout)),
            timing: CheckTiming(delayLoop: .seconds(10), retry: retry, delayBeforeRetry: .seconds(2)))
    }

    final class Harness: Sendable {
        let clock = TestClock()
        let engine: HealthCheckEngine<TestClock>
        let received = Mutex<[HealthTransition]>([])

        init() {
            engine = HealthCheckEngine(
                clock: clock, prober: LiveProber(group: MultiThreadedEventLoopGroup.singleton),
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), warmupFraction: { 0 },
                watchdog: nil)
        }

        var transitions: [HealthTransition] { received.withLock { $0 } }

        func run(_ body: @Sendable (Harness) async throws -> Void) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await self.engine.run() }
                group.addTask {
                    for await transition in self.engine.transitions { self.received.withLock { $0.append(transition) } }
                }
                try await body(self)
                group.cancelAll()
            }
        }

        /// Moves the clock, waits until the connect loops have handled everything due by then,
        /// then until `completed` probes have finished in all; asserts exact counts.
        func advance(seconds: Int, started: Int, completed: Int) async {
            clock.advance(by: .seconds(seconds))
            await expect(started: started, completed: completed)
        }

        func expect(started: Int, completed: Int) async {
            let now = clock.now
            let handled = await eventually { self.engine.connectLoopsHaveHandled(now) }
            #expect(handled, "the connect loops did not catch up with \(now.offset)")
            let ok = await eventually { self.engine.status().probesCompleted >= completed }
            #expect(ok, "expected \(completed) probes at \(now.offset), have \(engine.status().probesCompleted)")
            #expect(engine.status().probesCompleted == completed, "at \(now.offset)")
            #expect(engine.status().probesStarted == started, "at \(now.offset)")
        }
    }

    @Test func scheduleRetriesAndRiseFallFollowTheTestClock() async throws {
        // A port of our own: a parallel test cannot take it over once the listener is gone.
        let server = ClosedPort()
        server.listen()
        let port = server.port
        let spec = Self.spec(port, retry: 1)
        let h = Harness()
        try await h.run { h in
            h.engine.update(["rs": [spec]])
            await h.expect(started: 1, completed: 1)  // 0 s: connected
            await h.advance(seconds: 9, started: 1, completed: 1)  // 9 s: nothing due
            await h.advance(seconds: 1, started: 2, completed: 2)  // 10 s: connected
            #expect(h.engine.health(of: "rs")?.isUp == true)
            server.stopListening()
            await h.advance(seconds: 10, started: 3, completed: 3)  // 20 s: refused, retry due at 22 s
            #expect(h.engine.health(of: "rs")?.isUp == true)
            await h.advance(seconds: 1, started: 3, completed: 3)  // 21 s: nothing due
            await h.advance(seconds: 1, started: 4, completed: 4)  // 22 s: refused again: down
            #expect(h.engine.health(of: "rs")?.isUp == false)
            await h.advance(seconds: 9, started: 4, completed: 4)  // 31 s: nothing due (slot 32 s)
            await h.advance(seconds: 1, started: 5, completed: 5)  // 32 s: still down, no retry
            #expect(h.engine.status().faultedChecks == [])
            // The test clock stood still while each probe ran: every one started exactly on time.
            #expect(h.engine.lateness().count == 5)
            #expect(h.engine.lateness().maximum == .zero)
            _ = await eventually { h.transitions.count == 2 }
        }
        #expect(h.transitions.map(\.health.isUp) == [true, false])
        #expect(h.transitions.last?.health.reason == "TCP_CHECK 127.0.0.1:\(port): connect failed: connection refused")
    }

    @Test func connectTimeoutIsADeadlineOnTheEnginesClock() async throws {
        let hole = RawListener.blackHole()
        let spec = Self.spec(hole.port, retry: 0, timeout: .seconds(3))
        let h = Harness()
        try await h.run { h in
            h.engine.update(["rs": [spec]])
            #expect(await eventually { h.engine.status().probesStarted == 1 })  // 0 s: the handshake hangs
            await h.advance(seconds: 2, started: 1, completed: 0)  // 2 s: it still hangs
            await h.advance(seconds: 1, started: 1, completed: 1)  // 3 s: connect_timeout
            #expect(h.engine.health(of: "rs")?.isUp == false)
            #expect(h.engine.health(of: "rs")?.reason == "TCP_CHECK 127.0.0.1:\(hole.port): connect timeout after 3 s")
            await h.advance(seconds: 7, started: 2, completed: 1)  // 10 s: the next probe starts, and hangs
        }
    }

    @Test func removedScheduleEndsAtItsNextDueTime() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let kept = Self.spec(server.localAddress!.port!)
        let closed = ClosedPort()
        let removed = Self.spec(closed.port, retry: 0)
        let h = Harness()
        try await h.run { h in
            h.engine.update(["kept": [kept], "removed": [removed]])
            await h.expect(started: 2, completed: 2)
            #expect(h.engine.health(of: "removed")?.isUp == false)
            h.engine.update(["kept": [kept]])
            await h.advance(seconds: 10, started: 3, completed: 3)
            await h.advance(seconds: 10, started: 4, completed: 4)
            #expect(h.engine.scheduleCount == 1)
        }
    }

    @Test(arguments: [
        ("127.0.0.1", true), ("::1", true), ("10.1.2.3", true), ("fe80::1%lo", false), ("localhost", false),
    ])
    func onlyIPLiteralsTakeTheConnectLoop(host: String, isLiteral: Bool) {
        let check = TCPCheck(target: CheckEndpoint(host: host, port: 80))
        #expect((TCPConnectTarget(check) != nil) == isLiteral)
    }

    @Test func bindtoMustBeALiteralToo() {
        let target = CheckEndpoint(host: "127.0.0.1", port: 80)
        #expect(TCPConnectTarget(TCPCheck(target: target, bindAddress: "127.0.0.2"))?.source != nil)
        #expect(TCPConnectTarget(TCPCheck(target: target, bindPort: 4000))?.source != nil)
        #expect(TCPConnectTarget(TCPCheck(target: target, bindAddress: "example.org")) == nil)
        #expect(TCPConnectTarget(TCPCheck(target: target))?.source == nil)
    }
}

/// A loop that has ended answers every later probe "cancelled" at once, and never writes to
/// its closed eventfd.
@Suite("TCPConnectLoop after stop")
struct TCPConnectLoopStopTests {
    final class Answer: Sendable {
        let value = Mutex<ProbeOutcome?>(nil)
    }

    @Test func probesAfterTheLoopEndedAreAnsweredAtOnce() async throws {
        let loop = try TCPConnectLoop(time: .continuous())
        try loop.start()
        loop.stop()
        let target = try #require(TCPConnectTarget(TCPCheck(target: CheckEndpoint(host: "127.0.0.1", port: 9))))
        // Until the loop has ended a probe may still be queued and cancelled by shutDown; after
        // that it is answered in send(). Either way: cancelled, never left waiting (a probe that
        // waits forever is reported here and left behind, not awaited).
        for attempt in 0..<50 {
            let answer = Answer()
            Task {
                let outcome = await loop.probe(target)
                answer.value.withLock { $0 = outcome }
            }
            let answered = await eventually { answer.value.withLock { $0 } != nil }
            #expect(answered, "attempt \(attempt): no answer")
            #expect(answer.value.withLock { $0 } == .notRun(reason: "cancelled"))
            try await Task.sleep(for: .milliseconds(2))
        }
        loop.stop()  // a second stop after the end writes nothing
    }
}
