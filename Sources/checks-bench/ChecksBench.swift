import Glibc
import Foundation  // String(format:); RealServerChecks no longer brings Foundation in
import Logging
import NIOCore
import NIOPosix
import RealServerChecks
import Synchronization

/// Benchmark of the health-check engine: N checks per second for a while, then CPU, peak RSS and
/// probe lateness against the schedule.
///
///     checks-bench tcp  [--checks 10000] [--interval 1] [--seconds 35]
///     checks-bench http [--checks 1000]  [--interval 1] [--seconds 35]
///     checks-bench fd-exhaustion   (the engine out of file descriptors; run by RealServerChecksTests)
@main
struct ChecksBench {
    static func main() async throws {
        var arguments = Array(CommandLine.arguments.dropFirst())
        let mode = arguments.isEmpty ? "tcp" : arguments.removeFirst()
        func option(_ name: String, _ fallback: Int) -> Int {
            guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]) else {
                return fallback
            }
            return v
        }
        raiseFileLimit()
        switch mode {
        case "serve-any":
            try await Listeners.serveAny(port: option("--port", 80))
        case "serve-http":
            try await HTTPListener.serve(port: option("--port", 80))
        case "serve-tcp":
            try await Listeners.serve(addresses: option("--addresses", 100), ports: option("--ports", 100), basePort: option("--base-port", 20000))
        case "tcp":
            try await runTCP(checks: option("--checks", 10_000), interval: option("--interval", 1), seconds: option("--seconds", 35))
        case "fd-exhaustion":
            exit(try await FileDescriptorExhaustion.run())
        case "http":
            try await runHTTP(checks: option("--checks", 1_000), interval: option("--interval", 1), seconds: option("--seconds", 35))
        default:
            print("usage: checks-bench tcp|http [--checks N] [--interval S] [--seconds S] | fd-exhaustion | serve-any|serve-http [--port P]")
            exit(2)
        }
    }

    static func runTCP(checks: Int, interval: Int, seconds: Int) async throws {
        let ports = 100
        let addresses = (checks + ports - 1) / ports
        let basePort = 20000
        let server = try spawn([
            "/proc/self/exe", "serve-tcp", "--addresses", "\(addresses)", "--ports", "\(ports)", "--base-port", "\(basePort)",
        ])
        defer {
            kill(server, SIGKILL)
            var status: Int32 = 0
            waitpid(server, &status, 0)
        }
        let targets = Listeners.targets(addresses: addresses, ports: ports, basePort: basePort).prefix(checks)
        guard let last = targets.last, waitUntilListening(last.0, last.1) else {
            print("listeners did not start")
            exit(1)
        }
        let timing = CheckTiming(delayLoop: .seconds(interval), retry: 1, delayBeforeRetry: .seconds(1), warmup: .seconds(interval))
        let specs = targets.map { host, port in
            CheckSpec(.tcp(TCPCheck(target: CheckEndpoint(host: host, port: port), connectTimeout: .seconds(2))), timing: timing)
        }
        try await measure(
            title: "TCP_CHECK: \(checks) checks every \(interval) s over \(addresses) addresses x \(ports) ports on 127.0.x.y",
            specs: specs, seconds: seconds, expectedRate: checks / interval)
    }

    static func runHTTP(checks: Int, interval: Int, seconds: Int) async throws {
        let port = 18_480
        let nginx = try BenchNginx.start(port: port)
        defer { nginx.stop() }
        guard waitUntilListening("127.0.0.1", port) else {
            print("nginx did not start; see \(nginx.directory)/logs/error.log")
            exit(1)
        }
        let timing = CheckTiming(delayLoop: .seconds(interval), retry: 1, delayBeforeRetry: .seconds(1), warmup: .seconds(interval))
        let specs = (0..<checks).map { i in
            CheckSpec(.http(HTTPCheck(
                target: CheckEndpoint(host: "127.0.0.1", port: port), urls: [URLCheck(path: "/health?check=\(i)")],
                connectTimeout: .seconds(2))), timing: timing)
        }
        try await measure(
            title: "HTTP_GET: \(checks) checks every \(interval) s against nginx on 127.0.0.1:\(port)",
            specs: specs, seconds: seconds, expectedRate: checks / interval)
    }

    static func measure(title: String, specs: [CheckSpec], seconds: Int, expectedRate: Int) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Probes are counted where they start, and lateness is the engine's own figure
        // (HealthCheckEngine.lateness), on either path (a task per check, or a TCP schedule on
        // a connect thread).
        let engine = HealthCheckEngine(
            clock: ContinuousClock(), prober: LiveProber(group: group),
            logger: Logger(label: "checks-bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        var configuration: [RealServerID: [CheckSpec]] = [:]
        for (i, spec) in specs.enumerated() { configuration[RealServerID("rs\(i)")] = [spec] }

        print(title)
        let warmup = 5
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await engine.run() }
            engine.update(configuration)
            try await Task.sleep(for: .seconds(warmup))
            let startCPU = processCPUTimes()
            let startWall = ContinuousClock.now
            let startProbes = engine.status().probesStarted
            _ = engine.lateness(reset: true)
            try await Task.sleep(for: .seconds(seconds))
            let lateness = engine.lateness(reset: true)
            let endCPU = processCPUTimes()
            let userCPU = endCPU.user - startCPU.user
            let systemCPU = endCPU.system - startCPU.system
            let cpu = userCPU + systemCPU
            let wall = ContinuousClock.now - startWall
            let status = engine.status()
            let done = status.probesStarted - startProbes
            tasks.cancelAll()

            let down = configuration.keys.filter { engine.health(of: $0)?.isUp == false }.count
            let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
            let cpuSeconds = Double(cpu.components.seconds) + Double(cpu.components.attoseconds) / 1e18
            func inSeconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
            func ms(_ d: Duration) -> String { fixed(inSeconds(d) * 1000, 3) }
            print("  measured:        \(fixed(wallSeconds, 1)) s after a \(warmup) s warm-up")
            print("  probes:          \(done) (\(Int(Double(done) / wallSeconds))/s, target \(expectedRate)/s)")
            print("  real servers down at the end: \(down)")
            print("  checker faults:  \(status.checkerFaults), stalled checks: \(status.stalledChecks.count), connect loop faults: \(status.connectLoopFaults)")
            print("  CPU:             \(fixed(cpuSeconds / wallSeconds, 3)) of one core (user+system, getrusage: user \(fixed(inSeconds(userCPU) / wallSeconds, 3)), system \(fixed(inSeconds(systemCPU) / wallSeconds, 3)))")
            print("  peak RSS:        \(fixed(Double(peakRSSKiB()) / 1024, 1)) MiB (VmHWM)")
            print("  lateness (engine, \(lateness.count) probes): p50 \(ms(lateness.p50)) ms, p90 \(ms(lateness.p90)) ms, p99 \(ms(lateness.p99)) ms, p99.9 \(ms(lateness.p999)) ms, max \(ms(lateness.maximum)) ms")
        }
        try await group.shutdownGracefully()
    }
}

