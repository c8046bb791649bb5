import Director
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
