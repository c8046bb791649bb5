import Glibc
import Logging
import NIOCore
import NIOPosix
import RealServerChecks

/// `checks-bench fd-exhaustion`: the engine in a process out of file descriptors (EMFILE), with
/// RLIMIT_NOFILE lowered in this process only (RealServerChecksTests runs it as a child, so the
/// test process is not starved). Prints one line per phase, the same on every run, and exits 0.
///
/// 1. Two loopback TCP_CHECKs healthy (engine 1, its connect loops running).
/// 2. RLIMIT_NOFILE lowered below every free descriptor (see ``starve()``): engine 1's
///    probes cannot open a socket; engine 2 starts and cannot create its connect loop
///    (epoll_create1), so it runs its check as a task, whose probe cannot start a loop either.
///    Neither real server goes down: a checker fault is not a real-server failure.
/// 3. The limit restored: both engines probe again, and the faults clear.
enum FileDescriptorExhaustion {
    static func run() async throws -> Int32 {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { $0.close() }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = server.localAddress!.port!
        let prober = LiveProber(group: group)
        let quiet = Logger(label: "fd-exhaustion", factory: { _ in SwiftLogNoOpLogHandler() })
        func spec(_ delay: Int) -> CheckSpec {
            CheckSpec(
                .tcp(TCPCheck(target: CheckEndpoint(host: "127.0.0.1", port: port), connectTimeout: .seconds(1))),
                timing: CheckTiming(delayLoop: .milliseconds(delay), retry: 0, delayBeforeRetry: .milliseconds(delay)))
        }
        let first = HealthCheckEngine(clock: ContinuousClock(), prober: prober, logger: quiet, warmupFraction: { 0 })
        let second = HealthCheckEngine(clock: ContinuousClock(), prober: prober, logger: quiet, warmupFraction: { 0 })
        var failed = false
        func report(_ line: String, _ ok: Bool) {
            print(line)
            if !ok { failed = true }
        }
        func describe(_ engine: HealthCheckEngine<ContinuousClock>, _ id: RealServerID) -> String {
            let status = engine.status()
            return "up=\(engine.health(of: id)?.isUp ?? false) faulted=\(status.faultedChecks.map(\.reason))"
        }

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await first.run() }
            first.update(["rs1": [spec(50)]])
            let healthy = await poll { first.status().probesCompleted >= 3 }
            report("1 before: engine1 \(describe(first, "rs1")) checkerFaults=\(first.status().checkerFaults)", healthy)

            var limits = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
            let fillers = starve()
            let starvedFaults = first.status().checkerFaults
            tasks.addTask { await second.run() }
            second.update(["rs2": [spec(60)]])
            let starved = await poll {
                first.status().checkerFaults >= starvedFaults + 3 && second.status().checkerFaults >= 3
            }
            let status2 = second.status()
            report("2 starved: engine1 \(describe(first, "rs1"))", starved)
            report("2 starved: engine2 \(describe(second, "rs2")) connectLoopFaults=\(status2.connectLoopFaults) "
                   + "last=\(status2.lastConnectLoopFault ?? "none")", starved)

            for fd in fillers { close(fd) }
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
            let recovered = await poll { first.status().faultedChecks.isEmpty && second.status().faultedChecks.isEmpty }
            report("3 restored: engine1 \(describe(first, "rs1"))", recovered)
            report("3 restored: engine2 \(describe(second, "rs2"))", recovered)
            tasks.cancelAll()
        }
        try await server.close()
        try await group.shutdownGracefully()
        return failed ? 1 : 0
    }

    /// Lowers the soft RLIMIT_NOFILE to 3, with descriptors 0, 1 and 2 open: the kernel gives out
    /// the lowest free descriptor below the limit, so no new one can be allocated, whatever other
    /// threads open and close meanwhile (descriptors already open above the limit stay usable).
    /// Returns the descriptors opened to fill 0-2.
    static func starve() -> [Int32] {
        var fillers: [Int32] = []
        for fd in Int32(0)...2 where fcntl(fd, F_GETFD) < 0 {
            let filler = open("/dev/null", O_RDWR)
            if filler >= 0 { fillers.append(filler) }
        }
        var limits = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
        limits.rlim_cur = 3
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limits)
        return fillers
    }

    /// Polls `condition` every 10 ms for up to 10 s.
    static func poll(_ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
