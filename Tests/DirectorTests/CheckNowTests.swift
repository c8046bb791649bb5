import Director
import IPVSNetlink
import Logging
import RealServerChecks
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `check-now`: the director probes a real server's checkers at once, and the outcome
/// reaches the table as a scheduled probe's would; through the control socket and lvsctl too.
@Suite struct CheckNowTests {
    static let configuration = """
        virtual_server 10.0.0.1 80 {
            lb_algo rr
            lb_kind NAT
            protocol TCP
            real_server 192.168.1.2 80 {
                TCP_CHECK {
                    connect_timeout 3
                    retry 0
                    delay_loop 600
                    warmup 0
                }
            }
            real_server 192.168.1.3 80 {
                TCP_CHECK {
                    connect_timeout 3
                    delay_loop 600
                    warmup 0
                }
            }
            real_server 192.168.1.4 80 {
            }
        }

        """

    /// A director on a fake kernel, its prober, and the kernel. Unchecked: its members never
    /// change, and the temporary directory is only removed when the setup goes.
    struct Setup: @unchecked Sendable {
        let director: Director
        let prober: HostProber
        let kernel: FakeIPVSKernel
        let directory: TemporaryDirectory

        init() throws {
            let (configuration, sources) = try loadConfiguration(Self.text)
            kernel = FakeIPVSKernel()
            prober = HostProber()
            directory = try TemporaryDirectory()
            let kernel = self.kernel
            director = Director(
                loaded: configuration, sources: sources,
                options: Director.Options(configurationPath: "/k.conf", configID: nil,
                                          managedServicesPath: directory.path + "/managed",
                                          maintenancePath: directory.path + "/maintenance",
                                          resyncInterval: .seconds(600)),
                logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: prober,
                openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
        }

        static let text = CheckNowTests.configuration

        /// Runs the director until `body` returns, once the start-up probes ran and the
        /// table holds the three real servers.
        func run(_ body: @Sendable (Setup) async throws -> Void) async throws {
            let director = self.director, kernel = self.kernel, prober = self.prober
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await director.run() }
                try await OwnershipTests.waitFor {
                    lines(kernel.entries) == ["tcp:10.0.0.1:80 rr", "  192.168.1.2:80 w1", "  192.168.1.3:80 w1",
                                              "  192.168.1.4:80 w1"]
                        && prober.calls("192.168.1.2") == 1 && prober.calls("192.168.1.3") == 1
                }
                try await body(self)
                director.finish()
                group.cancelAll()
            }
        }
    }

    static let refused = ProbeOutcome.unhealthy(reason: "connection refused")

    @Test func checkNowCountsAndTheTableFollows() async throws {
        let setup = try Setup()
        setup.prober.set("192.168.1.2", [.healthy, Self.refused])
        try await setup.run { setup in
            let response = await setup.director.handle(
                ControlRequest(command: .checkNow, service: "tcp:10.0.0.1:80", server: "192.168.1.2:80"))
            let duration = try #require(response.checkNow?.checkers.first?.duration)
            #expect(duration >= 0)
            #expect(response == ControlResponse(ok: true, checkNow: CheckNowResult(
                service: "tcp:10.0.0.1:80", server: "192.168.1.2:80",
                checkers: [.init(checker: "TCP_CHECK 192.168.1.2:80", result: "unhealthy",
                                 reason: "connection refused", duration: duration)],
                health: "down", reason: "TCP_CHECK 192.168.1.2:80: connection refused")))
            // retry 0: down on this one failure, and out of the table.
            try await OwnershipTests.waitFor {
                lines(setup.kernel.entries) == ["tcp:10.0.0.1:80 rr", "  192.168.1.3:80 w1", "  192.168.1.4:80 w1"]
            }
            let status = await setup.director.status()
            #expect(status.virtualServers[0].realServers[0].health == "down")
            #expect(status.virtualServers[0].realServers[0].reason == "TCP_CHECK 192.168.1.2:80: connection refused")
        }
        #expect(setup.prober.calls("192.168.1.2") == 2)
    }

    @Test(arguments: [
        ("tcp:10.0.0.9:80", "192.168.1.2:80", "no service tcp:10.0.0.9:80 in the configuration"),
        ("udp:10.0.0.1:80", "192.168.1.2:80", "no service udp:10.0.0.1:80 in the configuration"),
        ("tcp:10.0.0.1:80", "192.168.1.9:80", "no real server 192.168.1.9:80 in service tcp:10.0.0.1:80 in the configuration"),
        ("tcp:10.0.0.1:80", "192.168.1.4:80",
         "real server 192.168.1.4:80 in service tcp:10.0.0.1:80 has no checker lvsd runs: it is always up"),
        ("tcp:10.0.0.1", "192.168.1.2:80", "bad service `tcp:10.0.0.1' at offset 4: expected ADDRESS:PORT"),
    ])
    func refusals(service: String, server: String, error: String) async throws {
        let setup = try Setup()
        try await setup.run { setup in
            let response = await setup.director.handle(ControlRequest(command: .checkNow, service: service, server: server))
            #expect(response == ControlResponse(ok: false, error: error))
        }
        #expect(setup.prober.totalCalls == 2)  // the start-up probes only
    }

    @Test func serverInMaintenanceIsNotProbed() async throws {
        let setup = try Setup()
        try await setup.run { setup in
            let disabled = await setup.director.handle(
                ControlRequest(command: .disable, service: "tcp:10.0.0.1:80", server: "192.168.1.3:80"))
            #expect(disabled.ok)
            let response = await setup.director.handle(
                ControlRequest(command: .checkNow, service: "tcp:10.0.0.1:80", server: "192.168.1.3:80"))
            #expect(response == ControlResponse(ok: false, error:
                "real server 192.168.1.3:80 in service tcp:10.0.0.1:80 is in maintenance (disabled): nothing was probed; "
                + "its checks go on on their schedule; enable it with lvsctl server enable"))
            let missing = await setup.director.handle(ControlRequest(command: .checkNow, service: "tcp:10.0.0.1:80"))
            #expect(missing == ControlResponse(ok: false, error: "check-now needs a service and a real server"))
        }
        #expect(setup.prober.calls("192.168.1.3") == 1)
    }

    /// lvsctl check-now as a process, against the director behind a control socket.
    @Test func lvsctlCheckNow() async throws {
        let setup = try Setup()
        setup.prober.set("192.168.1.2", [.healthy, Self.refused])
        let path = setup.directory.path + "/lvsd.sock"
        let server = ControlServer(path: path)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        try await setup.run { setup in
            try await withThrowingTaskGroup(of: Void.self) { group in
                let director = setup.director
                group.addTask { try await server.run(logger: logger) { await director.handle($0) } }
                try await OwnershipTests.waitFor { access(path, F_OK) == 0 }

                let up = try await Self.lvsctl(["check-now", "tcp:10.0.0.1:80", "192.168.1.3:80", "--control-socket", path])
                #expect(up == CommandResult(status: 0, stdout: """
                    TCP_CHECK 192.168.1.3:80: healthy (N ms)
                    192.168.1.3:80 in tcp:10.0.0.1:80: up (TCP_CHECK 192.168.1.3:80: initial state)

                    """, stderr: ""))

                let down = try await Self.lvsctl(["check-now", "--control-socket", path, "tcp:10.0.0.1:80", "192.168.1.2:80"])
                #expect(down == CommandResult(status: 3, stdout: """
                    TCP_CHECK 192.168.1.2:80: unhealthy: connection refused (N ms)
                    192.168.1.2:80 in tcp:10.0.0.1:80: down (TCP_CHECK 192.168.1.2:80: connection refused)

                    """, stderr: ""))

                let json = try await Self.lvsctl(["check-now", "--json", "--control-socket", path, "tcp:10.0.0.1:80", "192.168.1.3:80"])
                #expect(json == CommandResult(status: 0, stdout: """
                    {"checkNow":{"checkers":[{"checker":"TCP_CHECK 192.168.1.3:80","duration":N,"result":"healthy"}],\
                    "health":"up","reason":"TCP_CHECK 192.168.1.3:80: initial state","server":"192.168.1.3:80",\
                    "service":"tcp:10.0.0.1:80"},"ok":true}

                    """, stderr: ""))

                let refused = try await Self.lvsctl(["check-now", "--control-socket", path, "tcp:10.0.0.1:80", "192.168.1.9:80"])
                #expect(refused == CommandResult(status: 1, stdout: "", stderr: """
                    lvsctl: check-now refused: no real server 192.168.1.9:80 in service tcp:10.0.0.1:80 in the configuration

                    """))
                group.cancelAll()
            }
        }
        let notRunning = try await Self.lvsctl(["check-now", "--control-socket", path + ".gone", "tcp:10.0.0.1:80", "192.168.1.2:80"])
        #expect(notRunning == CommandResult(status: 1, stdout: "", stderr: """
            lvsctl: lvsd is not running (\(path).gone: No such file or directory)

            """))
        let usage = try await Self.lvsctl(["check-now", "tcp:10.0.0.1:80"])
        #expect(usage.status == 2)
        #expect(usage.stderr.hasPrefix("Error: Missing expected argument '<server>'\n"))
        let help = try await Self.lvsctl(["check-now", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: lvsctl check-now <service> <server> [--json] [--control-socket <PATH>]"))
        #expect(help.stdout.contains("Exit status: 0 up, 3 down after the checks, 1 refused or lvsd not"))
    }

    /// Runs lvsctl off the cooperative pool (it blocks), with durations written as N.
    static func lvsctl(_ arguments: [String]) async throws -> CommandResult {
        let result: CommandResult = try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try CommandRunner.run("lvsctl", arguments) }) }.start()
        }
        return CommandResult(status: result.status, stdout: maskDurations(result.stdout), stderr: result.stderr)
    }

    /// "(3 ms)" and "(1.25 s)" become "(N ms)"; a JSON "duration":0.001 becomes "duration":N.
    static func maskDurations(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "(" || $0 == "\"" }) {
            out += rest[..<open]
            rest = rest[open...]
            if rest.hasPrefix("\"duration\":") {
                out += "\"duration\":N"
                rest = rest.dropFirst("\"duration\":".count).drop { $0.isNumber || $0 == "." || $0 == "e" || $0 == "-" }
                continue
            }
            if rest.hasPrefix("(") {
                let number = rest.dropFirst().prefix { $0.isNumber || $0 == "." }
                let after = rest.dropFirst(1 + number.count)
                if !number.isEmpty, after.hasPrefix(" ms)") || after.hasPrefix(" s)") {
                    out += "(N ms)"
                    rest = after.drop { $0 != ")" }.dropFirst()
                    continue
                }
            }
            out.append(rest.removeFirst())
        }
        return out + rest
    }
}

/// A prober scripted per target host: one outcome per probe, the last repeats; healthy unscripted.
final class HostProber: Prober {
    private let state = Mutex<(scripts: [String: [ProbeOutcome]], calls: [String: Int])>(([:], [:]))

    func set(_ host: String, _ outcomes: [ProbeOutcome]) {
        state.withLock { $0.scripts[host] = outcomes }
    }

    func calls(_ host: String) -> Int { state.withLock { $0.calls[host, default: 0] } }
    var totalCalls: Int { state.withLock { $0.calls.values.reduce(0, +) } }

    func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome {
        guard case .tcp(let check) = spec.checker else { return .unhealthy(reason: "not a TCP_CHECK") }
        return state.withLock { s in
            let n = s.calls[check.target.host, default: 0]
            s.calls[check.target.host] = n + 1
            let script = s.scripts[check.target.host] ?? [.healthy]
            return script[min(n, script.count - 1)]
        }
    }
}
