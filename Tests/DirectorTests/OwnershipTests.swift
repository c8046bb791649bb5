@testable import Director
import IPVSNetlink
import KeepalivedConfig
import Logging
import RealServerChecks
import TestSupport
import Testing

/// VRRP ownership: the MASTER of an instance installs the virtual servers on its VIPs.
@Suite struct OwnershipTests {
    static let configuration = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1/24
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            priority 100
            virtual_ipaddress {
                10.0.0.5/24
            }
            virtual_ipaddress_excluded {
                10.0.0.2
            }
        }
        virtual_server 10.0.0.1 80 {
            protocol TCP
            lvs_method NAT
            lvs_sched rr
            real_server 192.168.1.1 80 {
            }
        }
        virtual_server 10.0.0.2 80 {
            protocol TCP
            lvs_method NAT
            lvs_sched rr
            real_server 192.168.1.2 80 {
            }
        }
        virtual_server 10.0.0.3 80 {
            protocol TCP
            lvs_method NAT
            lvs_sched rr
            real_server 192.168.1.3 80 {
            }
        }
        """

    @Test func virtualServersBelongToTheInstanceCarryingTheirAddress() throws {
        let (configuration, _) = try loadConfiguration(Self.configuration)
        let ownership = Ownership(configuration)
        #expect(ownership.owners == ["TCP 10.0.0.1:80": "VI_1", "TCP 10.0.0.2:80": "VI_2"])
        let vs = configuration.virtualServers
        let running: Set<String> = ["VI_1", "VI_2"]
        #expect(ownership.decision(for: vs[0], states: [:], running: running) == .keep)
        #expect(ownership.decision(for: vs[0], states: ["VI_1": true], running: running) == .install)
        #expect(ownership.decision(for: vs[0], states: ["VI_1": false], running: running) == .remove)
        #expect(ownership.decision(for: vs[2], states: [:], running: running) == .install)
        // An instance this director does not run decides nothing.
        #expect(ownership.decision(for: vs[1], states: [:], running: ["VI_1"]) == .install)
    }

    /// The director installs, removes and keeps services as its instances change state;
    /// services it finds in the kernel at start stay until their owner has settled.
    @Test func theDirectorFollowsItsInstances() async throws {
        let (configuration, sources) = try loadConfiguration(Self.configuration)
        let vs2 = IPVSServiceEntry(
            service: IPVSService(key: .address(.tcp, IPAddress("10.0.0.2")!, port: 80), scheduler: "rr"),
            destinations: [IPVSDestination(address: IPAddress("192.168.1.2")!, port: 80, forwarding: .masquerade)])
        let kernel = FakeIPVSKernel(table: [vs2])
        let directory = try TemporaryDirectory()
        let director = Self.director(configuration, sources, kernel: kernel, directory: directory)
        await director.runVRRP(instances: ["VI_1", "VI_2"])
        let services = { kernel.entries.map(\.service.key.description) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            // Unbound 10.0.0.3 goes in; VI_2's 10.0.0.2 stays while VI_2 settles.
            try await Self.waitFor { services() == ["tcp:10.0.0.2:80", "tcp:10.0.0.3:80"] }
            await director.setInstanceState("VI_1", state: "MASTER", isMaster: true)
            #expect(services() == ["tcp:10.0.0.2:80", "tcp:10.0.0.3:80", "tcp:10.0.0.1:80"])
            await director.setInstanceState("VI_2", state: "BACKUP", isMaster: false)
            #expect(services() == ["tcp:10.0.0.3:80", "tcp:10.0.0.1:80"])
            await director.setInstanceState("VI_1", state: "FAULT", isMaster: false)
            #expect(services() == ["tcp:10.0.0.3:80"])
            let status = await director.status()
            #expect(status.virtualServers.map(\.owned) == [false, false, true])
            #expect(status.daemon.ownership
                    == "virtual servers follow their VRRP instance's MASTER: VI_1 FAULT, VI_2 BACKUP")
            director.finish()
            group.cancelAll()
        }
    }

    /// A director on the fake kernel with its state files in `directory`, resyncing every 50 ms.
    static func director(_ configuration: KeepalivedConfiguration, _ sources: SourceMap, kernel: FakeIPVSKernel,
                         directory: TemporaryDirectory) -> Director {
        Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: "/k.conf", configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .milliseconds(50), ipvsSysctlDirectory: directory.path),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
    }

    /// Polls the fake kernel (the director reconciles on its own task) for up to 5 s.
    static func waitFor(_ condition: () -> Bool) async throws {
        for _ in 0..<500 {
            if condition() { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(condition())
    }
}

/// A prober for configurations without checkers: never called.
struct NoProber: Prober {
    func probe(_ spec: CheckSpec) async throws(CheckConfigurationError) -> ProbeOutcome {
        .unhealthy(reason: "no prober in this test")
    }

    /// The log line of a MASTER/BACKUP change names ten virtual servers and counts the rest.
    @Test func theLogLineNamesTenVirtualServers() {
        let names = (1...12).map { "TCP 10.0.0.1:\($0)" }
        #expect(Director.abbreviated(names) == (1...10).map { "TCP 10.0.0.1:\($0)" }.joined(separator: ", ") + " and 2 more")
        #expect(Director.abbreviated(Array(names.prefix(3))) == "TCP 10.0.0.1:1, TCP 10.0.0.1:2, TCP 10.0.0.1:3")
    }
}

/// lvsd's own ownership keywords: `lvsd_vrrp_instance` binds a virtual server no VIP names,
/// `lvsd_warm_standby` installs everything everywhere.
@Suite struct OwnershipKeywordTests {
    static let instances = """
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                10.0.0.1/24
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            priority 100
            virtual_ipaddress {
                10.0.0.2/24
            }
        }
        """

    static func virtualServer(_ head: String, _ extra: String = "", method: String = "NAT") -> String {
        """
        virtual_server \(head) {
            lvs_method \(method)
            lvs_sched rr
        \(extra)
            real_server 192.168.1.1 80 {
            }
        }
        """
    }

    @Test func aFwmarkServiceBoundToAnInstanceFollowsIt() throws {
        let text = Self.instances + "\n" + Self.virtualServer("fwmark 7", "    lvsd_vrrp_instance VI_2") + "\n"
            + Self.virtualServer("10.0.0.1 80", "    protocol TCP\n    lvsd_vrrp_instance VI_2")
        let (configuration, _) = try loadConfiguration(text)
        let ownership = Ownership(configuration)
        #expect(ownership.owners == ["fwmark 7": "VI_2", "TCP 10.0.0.1:80": "VI_2"])
        let vs = configuration.virtualServers
        #expect(ownership.decision(for: vs[0], states: ["VI_2": false], running: ["VI_1", "VI_2"]) == .remove)
        #expect(ownership.decision(for: vs[0], states: ["VI_2": true], running: ["VI_1", "VI_2"]) == .install)
        // The binding wins over the VIP: VI_1 carries 10.0.0.1, but VI_2 is named.
        #expect(ownership.decision(for: vs[1], states: ["VI_1": true, "VI_2": false], running: ["VI_1", "VI_2"]) == .remove)
    }

    @Test func anUnknownInstanceIsAnErrorWithASuggestion() {
        let text = Self.instances + "\n" + Self.virtualServer("fwmark 7", "    lvsd_vrrp_instance VI_3")
        let (result, lines) = Self.load(text)
        #expect(result.configuration == nil)
        #expect(lines == [
            "/k.conf:20:5: warning: 'lvsd_vrrp_instance' is lvsd's own keyword: keepalived will not accept this file "
                + "(keepalived -t: \"Unknown keyword 'lvsd_vrrp_instance'\", exit status 5)",
            "/k.conf:20:24: error: lvsd_vrrp_instance 'VI_3': no vrrp_instance of that name; did you mean 'VI_1'?",
        ])
    }

    /// A BACKUP with lvsd_warm_standby keeps every service installed, holds the kernel's
    /// backup_only at 1, and says both in status.
    @Test func aWarmStandbyBackupKeepsTheTable() async throws {
        let text = "global_defs {\n    lvsd_warm_standby\n}\n" + Self.instances + "\n"
            + Self.virtualServer("10.0.0.1 80", "    protocol TCP") + "\n" + Self.virtualServer("10.0.0.2 80", "    protocol TCP")
        let (configuration, sources) = try loadConfiguration(text)
        let kernel = FakeIPVSKernel(table: [])
        let directory = try TemporaryDirectory()
        // The sysctl directory is the temporary one: backup_only starts at the kernel's 0.
        let backupOnly = try directory.write("backup_only", "0\n")
        let director = OwnershipTests.director(configuration, sources, kernel: kernel, directory: directory)
        await director.runVRRP(instances: ["VI_1", "VI_2"])
        let services = { kernel.entries.map(\.service.key.description) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            // Installed before any instance has settled: nothing waits for a state.
            try await OwnershipTests.waitFor { services() == ["tcp:10.0.0.1:80", "tcp:10.0.0.2:80"] }
            await director.setInstanceState("VI_1", state: "BACKUP", isMaster: false)
            await director.setInstanceState("VI_2", state: "FAULT", isMaster: false)
            #expect(services() == ["tcp:10.0.0.1:80", "tcp:10.0.0.2:80"])
            let status = await director.status()
            #expect(status.virtualServers.map(\.owned) == [true, true])
            #expect(status.daemon.ownership
                    == "all virtual servers on every director (lvsd_warm_standby, backup_only 1): VI_1 BACKUP, VI_2 FAULT")
            #expect(try CommandRunner.readFile(backupOnly) == "1\n")
            director.finish()
            group.cancelAll()
        }
    }

    /// Loads TEXT as /k.conf: the result and its diagnostics' first lines (`FILE:LINE:COLUMN: ...`).
    static func load(_ text: String) -> (ConfigLoadResult, [String]) {
        let result = KeepalivedConfiguration.load(path: "/k.conf", options: ConfigReadOptions(configID: nil),
                                                  fileSystem: InMemoryFileSystem(files: ["/k.conf": text]))
        let lines = result.diagnosticsText(path: "/k.conf", strict: false).split(separator: "\n")
            .filter { $0.hasPrefix("/k.conf:") && ($0.contains(": warning: ") || $0.contains(": error: ")) }
        return (result, lines.map(String.init))
    }

    @Test func warmStandbyInstallsEverythingWhateverTheState() throws {
        let text = "global_defs {\n    lvsd_warm_standby\n}\n" + Self.instances + "\n"
            + Self.virtualServer("10.0.0.1 80", "    protocol TCP") + "\n"
            + Self.virtualServer("fwmark 7", "    lvsd_vrrp_instance VI_2", method: "DR")
        let (result, lines) = Self.load(text)
        let configuration = try #require(result.configuration)
        let ownership = Ownership(configuration)
        let vs = configuration.virtualServers
        for states: [String: Bool?] in [[:], ["VI_1": false, "VI_2": false], ["VI_1": true, "VI_2": true]] {
            #expect(ownership.decision(for: vs[0], states: states, running: ["VI_1", "VI_2"]) == .install)
            #expect(ownership.decision(for: vs[1], states: states, running: ["VI_1", "VI_2"]) == .install)
        }
        #expect(lines == [
            "/k.conf:2:5: warning: 'lvsd_warm_standby' is lvsd's own keyword: keepalived will not accept this file "
                + "(keepalived -t: \"Unknown keyword 'lvsd_warm_standby'\", exit status 5)",
            "/k.conf:2:5: warning: lvsd_warm_standby: the kernel's backup_only, which keeps a BACKUP from forwarding, "
                + "acts only while the backup sync daemon runs (lvs_sync_daemon); without it a BACKUP that is also a "
                + "real server of a DR or TUN service can loop packets",
            "/k.conf:30:5: warning: 'lvsd_vrrp_instance' is lvsd's own keyword: keepalived will not accept this file "
                + "(keepalived -t: \"Unknown keyword 'lvsd_vrrp_instance'\", exit status 5)",
            "/k.conf:30:24: warning: lvsd_vrrp_instance has no effect with lvsd_warm_standby: every director "
                + "installs every virtual server",
            "/k.conf:31:5: warning: virtual_server fwmark 7: real server 192.168.1.1 has a port, which fwmark "
                + "services do not use with DR; it becomes 0",
        ])
    }
}
