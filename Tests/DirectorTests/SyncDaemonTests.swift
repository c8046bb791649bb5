@testable import Director
import Foundation
import IPVSNetlink
import KeepalivedConfig
import Logging
import TestSupport
import Testing

/// `lvs_sync_daemon`: the commands on each VRRP transition (keepalived 2.2.7's), what the
/// director sends to the kernel, and what `lvsctl status` shows.
@Suite struct SyncDaemonTests {
    typealias Switch = SyncDaemonSwitch
    static let settings = Switch.Settings(interface: "eth1", instance: "VI_1", syncID: 51, maxLength: 1400,
                                          port: 8849, ttl: 2, group: IPAddress("224.0.0.81"))
    static let master = IPVSChange.startDaemon(settings.daemon(.master))
    static let backup = IPVSChange.startDaemon(settings.daemon(.backup))

    struct Row: Sendable, CustomStringConvertible {
        let description: String
        let events: [Switch.Event]
        /// The commands of the last event.
        let expected: [IPVSChange]
        let wanted: [IPVSSyncDaemon.Role]
    }

    static func change(_ from: Switch.InstanceState, _ to: Switch.InstanceState, _ name: String = "VI_1") -> Switch.Event {
        .instanceChanged(name, from: from, to: to)
    }

    static let rows: [Row] = [
        Row(description: "start in BACKUP: backup", events: [change(.initialize, .backup)],
            expected: [backup], wanted: [.backup]),
        Row(description: "start in FAULT: backup all the same", events: [change(.initialize, .fault)],
            expected: [backup], wanted: [.backup]),
        Row(description: "address owner, MASTER at start: backup, then master",
            events: [change(.initialize, .master)],
            expected: [backup, .stopDaemon(.backup), master], wanted: [.master]),
        Row(description: "BACKUP -> MASTER: stop backup, start master",
            events: [change(.initialize, .backup), change(.backup, .master)],
            expected: [.stopDaemon(.backup), master], wanted: [.master]),
        Row(description: "MASTER -> BACKUP: stop master, start backup",
            events: [change(.initialize, .backup), change(.backup, .master), change(.master, .backup)],
            expected: [.stopDaemon(.master), backup], wanted: [.backup]),
        Row(description: "MASTER -> FAULT: as for BACKUP",
            events: [change(.initialize, .backup), change(.backup, .master), change(.master, .fault)],
            expected: [.stopDaemon(.master), backup], wanted: [.backup]),
        Row(description: "BACKUP -> FAULT: the backup daemon goes on",
            events: [change(.initialize, .backup), change(.backup, .fault)], expected: [], wanted: [.backup]),
        Row(description: "FAULT -> BACKUP: nothing",
            events: [change(.initialize, .fault), change(.fault, .backup)], expected: [], wanted: [.backup]),
        Row(description: "MASTER stops: stop master",
            events: [change(.initialize, .backup), change(.backup, .master), change(.master, .stopped)],
            expected: [.stopDaemon(.master)], wanted: []),
        Row(description: "BACKUP stops: stop backup",
            events: [change(.initialize, .backup), change(.backup, .stopped)],
            expected: [.stopDaemon(.backup)], wanted: []),
        Row(description: "FAULT stops: stop backup",
            events: [change(.initialize, .fault), change(.fault, .stopped)],
            expected: [.stopDaemon(.backup)], wanted: []),
        Row(description: "another instance: nothing",
            events: [change(.initialize, .backup), change(.backup, .master, "VI_2")], expected: [], wanted: [.backup]),
        Row(description: "the director's start and stop: nothing with an instance",
            events: [change(.initialize, .backup), .directorStarted, .directorStopped], expected: [], wanted: [.backup]),
    ]

    @Test(arguments: rows)
    func commandsOnEachTransition(_ row: Row) {
        var machine = Switch(settings: Self.settings)
        var last: [Switch.Command] = []
        for event in row.events { last = machine.handle(event) }
        #expect(last.map(\.change) == row.expected)
        #expect(last.allSatisfy { !$0.ignoresErrors })
        #expect(machine.wanted == row.wanted)
    }

    /// Without an instance, keepalived's checker: stop both (errors ignored), start both; at
    /// stop, stop both (errors ignored); VRRP changes nothing.
    @Test func withoutAnInstanceBothRun() {
        var settings = Self.settings
        settings.instance = nil
        var machine = Switch(settings: settings)
        let start = machine.handle(.directorStarted)
        #expect(start.map(\.change) == [.stopDaemon(.master), .stopDaemon(.backup),
                                        .startDaemon(settings.daemon(.master)), .startDaemon(settings.daemon(.backup))])
        #expect(start.map(\.ignoresErrors) == [true, true, false, false])
        #expect(machine.wanted == [.master, .backup])
        #expect(machine.handle(Self.change(.backup, .master)).isEmpty)
        let stop = machine.handle(.directorStopped)
        #expect(stop.map(\.change) == [.stopDaemon(.master), .stopDaemon(.backup)])
        #expect(stop.map(\.ignoresErrors) == [true, true])
        #expect(machine.wanted == [])
    }

    struct SettingsRow: Sendable, CustomStringConvertible {
        let description: String
        let global: String
        let instanceExtra: String
        let expected: Switch.Settings?
    }

    static let settingsRows: [SettingsRow] = [
        SettingsRow(description: "all options", global: "lvs_sync_daemon eth1 VI_1 id 7 maxlen 1400 port 8849 ttl 2 group 224.0.0.81",
                    instanceExtra: "",
                    expected: .init(interface: "eth1", instance: "VI_1", syncID: 7, maxLength: 1400, port: 8849, ttl: 2,
                                    group: IPAddress("224.0.0.81"))),
        SettingsRow(description: "no id: the instance's vrid", global: "lvs_sync_daemon eth1 VI_1", instanceExtra: "",
                    expected: .init(interface: "eth1", instance: "VI_1", syncID: 51)),
        SettingsRow(description: "inst keyword", global: "lvs_sync_daemon eth1 inst VI_1", instanceExtra: "",
                    expected: .init(interface: "eth1", instance: "VI_1", syncID: 51)),
        SettingsRow(description: "no instance: id 0, both run", global: "lvs_sync_daemon eth1", instanceExtra: "",
                    expected: .init(interface: "eth1", instance: nil, syncID: 0)),
        SettingsRow(description: "deprecated lvs_sync_daemon_interface: id 0", global: "",
                    instanceExtra: "lvs_sync_daemon_interface eth2",
                    expected: .init(interface: "eth2", instance: "VI_1", syncID: 0)),
        SettingsRow(description: "none", global: "", instanceExtra: "", expected: nil),
    ]

    @Test(arguments: settingsRows)
    func settingsFromTheConfiguration(_ row: SettingsRow) throws {
        let (configuration, _) = try loadConfiguration(Self.configuration(global: row.global, instanceExtra: row.instanceExtra))
        #expect(Switch.Settings(configuration) == row.expected)
        // The VRRP plan no longer lists the sync daemon as not run.
        #expect(VRRPPlan(configuration).notRun.filter { $0.message.contains("sync") }.isEmpty)
    }

    static func configuration(global: String, instanceExtra: String = "") -> String {
        """
        global_defs {
            \(global)
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            \(instanceExtra)
            virtual_ipaddress {
                10.0.0.1/24
            }
        }
        """
    }

    static func director(_ text: String, kernel: FakeIPVSKernel, directory: TemporaryDirectory) throws -> Director {
        let (configuration, sources) = try loadConfiguration(text)
        return Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: "/k.conf", configID: nil,
                                      managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance",
                                      resyncInterval: .milliseconds(50)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
    }

    /// The director sends each transition's commands to the kernel, in order, and the kernel
    /// runs the daemon of the state; `lvsctl status` shows it.
    @Test func theDirectorSwitchesTheKernelsDaemon() async throws {
        let kernel = FakeIPVSKernel()
        let directory = try TemporaryDirectory()
        let director = try Self.director(
            Self.configuration(global: "lvs_sync_daemon eth1 VI_1 maxlen 1400 port 8849 ttl 2 group 224.0.0.81"),
            kernel: kernel, directory: directory)
        let steps: [(String, String, [IPVSChange], [IPVSSyncDaemon.Role])] = [
            ("INITIALIZE", "BACKUP", [Self.backup], [.backup]),
            ("BACKUP", "MASTER", [.stopDaemon(.backup), Self.master], [.master]),
            ("MASTER", "FAULT", [.stopDaemon(.master), Self.backup], [.backup]),
            ("FAULT", "BACKUP", [], [.backup]),
            ("BACKUP", "MASTER", [.stopDaemon(.backup), Self.master], [.master]),
        ]
        var sent = 0
        for (from, to, commands, running) in steps {
            await director.vrrpInstanceChanged("VI_1", from: from, to: to)
            #expect(Array(kernel.appliedChanges.dropFirst(sent)) == commands, "\(from) -> \(to)")
            sent = kernel.appliedChanges.count
            #expect(try kernel.daemons().map(\.role) == running, "\(from) -> \(to)")
        }
        #expect(try kernel.daemons() == [Self.settings.daemon(.master)])

        let status = try #require(await director.status().syncDaemon)
        #expect(status == DirectorStatus.SyncDaemonStatus(
            interface: "eth1", instance: "VI_1", syncID: 51, wanted: ["master"], running: ["master"],
            commandsApplied: 7, commandsFailed: 0, lastError: nil))
        #expect(status.text == "sync daemon: eth1, syncid 51, follows VI_1: wanted master; kernel runs master; 7 commands, 0 failed\n")
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(await director.status())) as? [String: Any]
        let object = try #require(json?["syncDaemon"] as? [String: Any])
        #expect(object["wanted"] as? [String] == ["master"])
        #expect(object["running"] as? [String] == ["master"])
        #expect(object["syncID"] as? Int == 51)

        await director.vrrpInstanceChanged("VI_1", from: "MASTER", to: "STOPPED")
        #expect(kernel.appliedChanges.last == .stopDaemon(.master))
        #expect(try kernel.daemons().isEmpty)
    }

    /// A refused command is logged and counted, and shown in the status; nothing stops.
    @Test func kernelErrorsAreReportedNeverFatal() async throws {
        let kernel = FakeIPVSKernel()
        let directory = try TemporaryDirectory()
        let director = try Self.director(Self.configuration(global: "lvs_sync_daemon eth1 VI_1"), kernel: kernel,
                                         directory: directory)
        kernel.refuse { change in
            if case .startDaemon(let daemon) = change, daemon.role == .master { return ENODEV }
            return nil
        }
        await director.vrrpInstanceChanged("VI_1", from: "INITIALIZE", to: "BACKUP")
        await director.vrrpInstanceChanged("VI_1", from: "BACKUP", to: "MASTER")
        #expect(try kernel.daemons().isEmpty)
        let status = try #require(await director.status().syncDaemon)
        #expect(status.commandsApplied == 2)
        #expect(status.commandsFailed == 1)
        #expect(status.wanted == ["master"])
        #expect(status.running == [])
        let error = try #require(status.lastError)
        #expect(error.hasPrefix("start master sync daemon: "))
        #expect(status.text.hasSuffix("2 commands, 1 failed\n  last error: \(error)\n"))
        // The next transition goes through.
        kernel.refuse(nil)
        await director.vrrpInstanceChanged("VI_1", from: "MASTER", to: "BACKUP")
        #expect(try kernel.daemons().map(\.role) == [.backup])
    }

    /// After kill -9 the kernel still runs the master daemon the killed lvsd started: the
    /// restarted lvsd's start of that same daemon gets EEXIST and keeps it (no failure, no
    /// error in the status); a daemon with other settings is still a failure.
    @Test func aDaemonLeftByAKilledRunIsKept() async throws {
        let kernel = FakeIPVSKernel()
        let directory = try TemporaryDirectory()
        let director = try Self.director(Self.configuration(global: "lvs_sync_daemon eth1 VI_1"), kernel: kernel,
                                         directory: directory)
        let settings = Switch.Settings(interface: "eth1", instance: "VI_1", syncID: 51)
        _ = kernel.apply([.startDaemon(settings.daemon(.master))])
        await director.vrrpInstanceChanged("VI_1", from: "INITIALIZE", to: "MASTER")
        #expect(try kernel.daemons() == [settings.daemon(.master)])
        var status = try #require(await director.status().syncDaemon)
        #expect(status.commandsFailed == 0)
        #expect(status.lastError == nil)
        #expect(status.text == "sync daemon: eth1, syncid 51, follows VI_1: wanted master; kernel runs master; 3 commands, 0 failed\n")

        // A master daemon of another sync id is not the one wanted: the start fails as before.
        await director.vrrpInstanceChanged("VI_1", from: "MASTER", to: "STOPPED")
        _ = kernel.apply([.startDaemon(IPVSSyncDaemon(role: .master, interface: "eth1", syncID: 7))])
        await director.vrrpInstanceChanged("VI_1", from: "INITIALIZE", to: "MASTER")
        status = try #require(await director.status().syncDaemon)
        #expect(status.commandsFailed == 1)
        #expect(status.lastError?.hasPrefix("start master sync daemon: ") == true)
    }

    /// No instance named: the director's start stops leftovers (errors ignored) and starts
    /// both; its stop stops both.
    @Test func withoutAnInstanceTheDirectorRunsBoth() async throws {
        let kernel = FakeIPVSKernel()
        let leftover = IPVSSyncDaemon(role: .backup, interface: "eth9", syncID: 3)
        _ = kernel.apply([.startDaemon(leftover)])
        let directory = try TemporaryDirectory()
        let director = try Self.director(Self.configuration(global: "lvs_sync_daemon eth1 id 9"), kernel: kernel,
                                         directory: directory)
        let settings = Switch.Settings(interface: "eth1", instance: nil, syncID: 9)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await director.run() }
            try? await OwnershipTests.waitFor { kernel.appliedChanges.count >= 5 }
            director.finish()
            group.cancelAll()
        }
        #expect(kernel.appliedChanges == [.startDaemon(leftover), .stopDaemon(.master), .stopDaemon(.backup),
                                          .startDaemon(settings.daemon(.master)), .startDaemon(settings.daemon(.backup))])
        #expect(try kernel.daemons() == [settings.daemon(.master), settings.daemon(.backup)])
        let status = try #require(await director.status().syncDaemon)
        #expect(status.commandsFailed == 0)
        #expect(status.text.hasPrefix("sync daemon: eth1, syncid 9, master and backup (no VRRP instance named): wanted master and backup; kernel runs master and backup"))
        await director.vrrpInstanceChanged("VI_1", from: "BACKUP", to: "MASTER")
        #expect(kernel.appliedChanges.count == 5)
        await director.stop()
        #expect(Array(kernel.appliedChanges.dropFirst(5)) == [.stopDaemon(.master), .stopDaemon(.backup)])
        #expect(try kernel.daemons().isEmpty)
    }
}
