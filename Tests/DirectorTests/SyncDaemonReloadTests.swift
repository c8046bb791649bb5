import Director
import Foundation
import Logging
import Synchronization
import TestSupport
import IPVSNetlink
import Testing

/// `lvs_sync_daemon` changed by a reload: the running daemons stop and the new settings'
/// start in the role the followed instance is in (keepalived restarts the daemon too).
@Suite struct SyncDaemonReloadTests {
    typealias Switch = SyncDaemonSwitch
    static let old = Switch.Settings(interface: "eth1", instance: "VI_1", syncID: 51)
    static let new = Switch.Settings(interface: "eth2", instance: "VI_1", syncID: 52)
    static let both = Switch.Settings(interface: "eth2", instance: nil, syncID: 7)

    /// A switch whose instance went INIT → BACKUP (and to MASTER with `master`).
    static func running(_ settings: Switch.Settings, master: Bool) -> Switch {
        var machine = Switch(settings: settings)
        _ = machine.handle(.instanceChanged("VI_1", from: .initialize, to: .backup))
        if master { _ = machine.handle(.instanceChanged("VI_1", from: .backup, to: .master)) }
        return machine
    }

    struct Row: Sendable, CustomStringConvertible {
        let description: String
        let old: Switch?
        let new: Switch.Settings?
        let state: Switch.InstanceState?
        let commands: [IPVSChange]
        let wanted: [IPVSSyncDaemon.Role]?
    }

    static let rows: [Row] = [
        Row(description: "same settings: nothing", old: running(old, master: true), new: old, state: .master,
            commands: [], wanted: [.master]),
        Row(description: "MASTER: stop master, start master with the new settings", old: running(old, master: true),
            new: new, state: .master, commands: [.stopDaemon(.master), .startDaemon(new.daemon(.master))], wanted: [.master]),
        Row(description: "BACKUP: stop backup, start backup", old: running(old, master: false), new: new, state: .backup,
            commands: [.stopDaemon(.backup), .startDaemon(new.daemon(.backup))], wanted: [.backup]),
        Row(description: "FAULT runs the backup daemon", old: running(old, master: false), new: new, state: .fault,
            commands: [.stopDaemon(.backup), .startDaemon(new.daemon(.backup))], wanted: [.backup]),
        Row(description: "followed instance not started yet: its start starts the daemon", old: running(old, master: false),
            new: new, state: nil, commands: [.stopDaemon(.backup)], wanted: []),
        Row(description: "removed from the file", old: running(old, master: true), new: nil, state: .master,
            commands: [.stopDaemon(.master)], wanted: nil),
        Row(description: "added", old: nil, new: new, state: .backup,
            commands: [.startDaemon(new.daemon(.backup))], wanted: [.backup]),
        Row(description: "no instance named: master and backup", old: running(old, master: true), new: both, state: nil,
            commands: [.stopDaemon(.master), .stopDaemon(.master), .stopDaemon(.backup),
                       .startDaemon(both.daemon(.master)), .startDaemon(both.daemon(.backup))],
            wanted: [.master, .backup]),
    ]

    @Test(arguments: rows)
    func reload(_ row: Row) {
        let (machine, commands) = Switch.reload(from: row.old, to: row.new) { $0 == "VI_1" ? row.state : nil }
        #expect(commands.map(\.change) == row.commands)
        #expect(machine?.settings == row.new)
        #expect(machine?.wanted == row.wanted)
    }
}

/// `Director.reload()`: the sync daemon restarts with changed settings, the VRRP plan goes to
/// the VRRP service, and a refused reload changes neither.
@Suite struct DirectorVRRPReloadTests {
    static func file(sync: String, priority: Int = 100) -> String {
        SyncDaemonTests.configuration(global: sync, instanceExtra: "priority \(priority)\n")
            .replacingOccurrences(of: "    priority 100\n", with: "")
    }

    final class Plans: Sendable {
        let received = Mutex<[VRRPPlan]>([])
    }

    @Test func syncDaemonRestartsWithNewSettingsAndThePlanIsHandedOn() async throws {
        let kernel = FakeIPVSKernel()
        let directory = try TemporaryDirectory()
        let path = directory.path + "/k.conf"
        try Self.file(sync: "lvs_sync_daemon eth1 VI_1 id 51").write(toFile: path, atomically: true, encoding: .utf8)
        let (configuration, sources) = try loadConfiguration(try String(contentsOfFile: path, encoding: .utf8))
        let director = Director(
            loaded: configuration, sources: sources,
            options: Director.Options(configurationPath: path, configID: nil, managedServicesPath: directory.path + "/managed",
                                      maintenancePath: directory.path + "/maintenance", resyncInterval: .seconds(60)),
            logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, prober: NoProber(),
            openKernel: { () throws(IPVSError) -> any IPVSKernel in kernel })
        let plans = Plans()
        await director.setVRRPReloadHandler { plan in plans.received.withLock { $0.append(plan) } }
        await director.vrrpInstanceChanged("VI_1", from: "INITIALIZE", to: "BACKUP")
        await director.vrrpInstanceChanged("VI_1", from: "BACKUP", to: "MASTER")
        let old = SyncDaemonSwitch.Settings(interface: "eth1", instance: "VI_1", syncID: 51)
        #expect(try kernel.daemons() == [old.daemon(.master)])

        // The same sync daemon, a new priority: no command; the plan has the priority.
        try Self.file(sync: "lvs_sync_daemon eth1 VI_1 id 51", priority: 90).write(toFile: path, atomically: true, encoding: .utf8)
        var sent = kernel.appliedChanges.count
        #expect(await director.reload().ok)
        #expect(kernel.appliedChanges.count == sent)
        #expect(plans.received.withLock { $0.map { $0.instances.map(\.runner.instance.priority) } } == [[90]])

        // New settings: the master daemon stops, the new one starts as master (VI_1 is MASTER).
        try Self.file(sync: "lvs_sync_daemon eth2 VI_1 id 52", priority: 90).write(toFile: path, atomically: true, encoding: .utf8)
        sent = kernel.appliedChanges.count
        #expect(await director.reload().ok)
        let new = SyncDaemonSwitch.Settings(interface: "eth2", instance: "VI_1", syncID: 52)
        #expect(Array(kernel.appliedChanges.dropFirst(sent)) == [.stopDaemon(.master), .startDaemon(new.daemon(.master))])
        #expect(try kernel.daemons() == [new.daemon(.master)])
        #expect(await director.status().syncDaemon?.interface == "eth2")

        // A file with an error: refused, nothing sent, no plan handed on.
        try "vrrp_instance VI_1 {\n    priority 300\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
        sent = kernel.appliedChanges.count
        #expect(await director.reload().ok == false)
        #expect(kernel.appliedChanges.count == sent)
        #expect(plans.received.withLock { $0.count } == 2)
        #expect(try kernel.daemons() == [new.daemon(.master)])

        // The sync daemon removed: it stops.
        try Self.file(sync: "", priority: 90).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(await director.reload().ok)
        #expect(kernel.appliedChanges.last == .stopDaemon(.master))
        #expect(try kernel.daemons().isEmpty)
        #expect(await director.status().syncDaemon == nil)
    }
}
