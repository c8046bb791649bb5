#if canImport(Glibc)
import Glibc
#endif
import Testing
import VRRP

/// Our runner in B against Debian's keepalived 2.2.7 in A (`keepalived -P -n -l -D -f FILE`,
/// VRRP only): one master, the VIP on its side only, and after the master's priority 0 the
/// other side takes over with the VIP. The takeover time is printed, not asserted.
@Suite("Runner against keepalived", .enabled(if: NetnsLab.keepalivedAvailable), .serialized)
struct RunnerKeepalivedTests {
    struct Case: Sendable, CustomStringConvertible {
        var version: VRRPVersion
        var keepalivedIsMaster: Bool
        var description: String {
            "\(version == .v2 ? "v2 PASS advert_int 1" : "v3 advert_int 0.1"), keepalived \(keepalivedIsMaster ? "MASTER" : "BACKUP")"
        }
    }

    static let cases = [Case(version: .v2, keepalivedIsMaster: true), Case(version: .v2, keepalivedIsMaster: false),
                        Case(version: .v3, keepalivedIsMaster: true), Case(version: .v3, keepalivedIsMaster: false)]
    static let vip = VRRPAddress("192.0.2.100")!

    static func keepalivedConfig(_ c: Case) -> String {
        """
        global_defs {
            vrrp_version \(c.version.rawValue)
        }
        vrrp_instance interop {
            interface va
            virtual_router_id 52
            priority \(c.keepalivedIsMaster ? 150 : 100)
            advert_int \(c.version == .v2 ? "1" : "0.1")
        \(c.version == .v2 ? "    authentication {\n        auth_type PASS\n        auth_pass secret1\n    }" : "")
            virtual_ipaddress {
                192.0.2.100/24
            }
        }

        """
    }

    @Test(arguments: cases)
    func oneMasterAndTakeover(_ c: Case) async throws {
        let lab = try NetnsLab()
        defer { lab.remove() }
        let dir = try #require(mkdtemp(strdup("/tmp/vrrp-runner-XXXXXX")).map { String(cString: $0) })
        defer { _ = try? NetnsLab.run(["/bin/rm", "-rf", dir]) }
        let conf = dir + "/keepalived.conf"
        guard let file = fopen(conf, "w") else { throw LabError("fopen \(conf)") }
        fputs(Self.keepalivedConfig(c), file)
        fclose(file)

        let instance = VRRPInstanceConfiguration(
            version: c.version, virtualRouterID: 52, priority: c.keepalivedIsMaster ? 100 : 150,
            advertisementInterval: c.version == .v2 ? .seconds(1) : .milliseconds(100), virtualAddresses: [Self.vip],
            authentication: c.version == .v2 ? .password("secret1") : .none)
        let configuration = VRRPRunnerConfiguration(
            name: "interop", instance: instance, interface: "vb", primaryAddress: NetnsLab.b1,
            virtualAddresses: [VirtualIPAddress(address: Self.vip, prefixLength: 24)])
        let clock = ContinuousClock()
        let (runner, ours) = try lab.inside(.b) { (try VRRPInstanceRunner(configuration: configuration, clock: clock), try RouteNetlink()) }
        let theirs = try lab.inside(.a) { try RouteNetlink() }
        let indexA = try theirs.interfaceIndex("va"), indexB = try ours.interfaceIndex("vb")
        func keepalivedHolds() throws -> Bool { try theirs.addresses(family: .ipv4, interfaceIndex: indexA).contains { $0.address == Self.vip } }
        func weHold() throws -> Bool { try ours.addresses(family: .ipv4, interfaceIndex: indexB).contains { $0.address == Self.vip } }

        let pid = try lab.spawn(.a, [NetnsLab.keepalived, "-P", "-n", "-l", "-D", "-f", conf,
                                     "-p", dir + "/keepalived.pid", "-r", dir + "/vrrp.pid"],
                                stdout: dir + "/keepalived.out", stderr: dir + "/keepalived.log")
        var running = true
        defer { if running { kill(pid, SIGKILL); _ = NetnsLab.wait(pid) } }

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await runner.run() }
            defer { group.cancelAll() }
            // Generous: keepalived starts its VRRP child first, and the machine may be busy.
            let settle: Duration = c.version == .v2 ? .seconds(25) : .seconds(15)
            if c.keepalivedIsMaster {
                try await waitUntil(settle) { try keepalivedHolds() && runner.state == .backup }
                // Hold: we stay BACKUP without the VIP.
                try await Task.sleep(for: c.version == .v2 ? .seconds(4) : .seconds(1))
                #expect(runner.state == .backup)
                #expect(try keepalivedHolds() && !(try weHold()))
                let stopped = clock.now
                kill(pid, SIGTERM)
                try await waitUntil(.seconds(5)) { try runner.state == .master && weHold() }
                print("\(c): runner took over \(stopped.duration(to: clock.now)) after SIGTERM to keepalived")
                #expect(NetnsLab.wait(pid) == 0)
                running = false
                #expect(try weHold())
            } else {
                try await waitUntil(settle) { try runner.state == .master && weHold() }
                try await Task.sleep(for: c.version == .v2 ? .seconds(4) : .seconds(1))
                #expect(runner.state == .master)
                #expect(try weHold() && !(try keepalivedHolds()))
                #expect(runner.statistics.rejections.isEmpty)
                let stopped = clock.now
                runner.stop()
                try await waitUntil(.seconds(5)) { try keepalivedHolds() }
                print("\(c): keepalived took over \(stopped.duration(to: clock.now)) after our priority 0")
                #expect(try keepalivedHolds() && !(try weHold()))
            }
        }
    }
}
