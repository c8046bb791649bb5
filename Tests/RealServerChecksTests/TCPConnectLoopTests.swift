import Glibc
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import RealServerChecks

/// The engine's fast path: TCP schedules run on LiveProber's connect thread with ContinuousClock,
/// against real loopback listeners (short intervals, so these tests take about a second).
@Suite("TCP_CHECK schedules on the connect loop (ContinuousClock, real listeners)")
struct TCPConnectLoopTests {
    static func spec(_ port: Int, retry: Int = 0, host: String = "127.0.0.1") -> CheckSpec {
        CheckSpec(
            .tcp(TCPCheck(target: CheckEndpoint(host: host, port: port), connectTimeout: .milliseconds(500))),
            timing: CheckTiming(delayLoop: .milliseconds(50), retry: retry, delayBeforeRetry: .milliseconds(20)))
    }

    final class Seen: Sendable {
        let probes = Atomic<Int>(0)
        let transitions = Mutex<[HealthTransition]>([])
    }

    @Test func schedulesProbeOnTheConnectLoopAndReportTransitions() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        let up = Self.spec(server.localAddress!.port!)
        let refused = Self.spec(freeLoopbackPort(), retry: 1)
        let seen = Seen()
        let engine = HealthCheckEngine(
            clock: ContinuousClock(), prober: LiveProber(group: MultiThreadedEventLoopGroup.singleton),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), warmupFraction: { 0 },
            lateness: { _ in seen.probes.add(1, ordering: .relaxed) })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await engine.run() }
            group.addTask {
                for await transition in engine.transitions { seen.transitions.withLock { $0.append(transition) } }
            }
            engine.update(["up": [up], "refused": [refused]])
            #expect(await eventually { engine.health(of: "refused")?.isUp == false })
            #expect(engine.health(of: "refused")?.reason == "TCP_CHECK \(refused.checker.description.dropFirst(10)): connect failed: connection refused")
            #expect(await eventually { seen.probes.load(ordering: .relaxed) >= 8 })
            #expect(engine.health(of: "up")?.isUp == true)

            // A removed schedule stops at its next due time.
            engine.update(["up": [up]])
            try await Task.sleep(for: .milliseconds(120))
            let before = seen.probes.load(ordering: .relaxed)
            try await Task.sleep(for: .milliseconds(250))
            let after = seen.probes.load(ordering: .relaxed)
            #expect((3...7).contains(after - before), "one schedule at 50 ms for 250 ms, got \(after - before) probes")
            group.cancelAll()
        }
        let transitions = seen.transitions.withLock { $0 }
        #expect(transitions.filter(\.isInitial).count == 2)
        #expect(transitions.filter { !$0.isInitial }.map(\.realServer) == ["refused"])
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
