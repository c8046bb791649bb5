import IPVSNetlink
import KeepalivedConfig

/// The kernel's connection sync daemon as global_defs `lvs_sync_daemon` (or the deprecated
/// `lvs_sync_daemon_interface` of a `vrrp_instance`) asks for it, and the commands that start
/// and stop it as the director and the VRRP instance change state. No I/O: the director sends
/// the commands and reports their results.
///
/// keepalived 2.2.7 (`ipvswrapper.c` `ipvs_syncd_cmd`, `ipvs_syncd_master`, `ipvs_syncd_backup`;
/// `vrrp.c` `vrrp_state_become_master`, `vrrp_state_leave_master`; `vrrp_scheduler.c`
/// `vrrp_init_state`; `vrrp_daemon.c` `vrrp_terminate_phase1`; `check_daemon.c`):
/// - With an instance: its start starts the backup daemon (whatever state it starts in);
///   becoming MASTER stops the backup daemon and starts the master daemon; leaving MASTER
///   (for BACKUP or FAULT) stops the master daemon and starts the backup daemon; BACKUP ⇄ FAULT
///   changes nothing (the backup daemon goes on in FAULT); stopping stops the daemon of the
///   state the instance was in. Errors are reported.
/// - Without an instance (`lvs_sync_daemon IF` alone): keepalived's checker runs both. At
///   start it stops both (errors ignored: a crashed run may have left them) and starts master
///   and backup; at stop it stops both, errors ignored.
/// - The sync id: `id N`; else the instance's `virtual_router_id`; else 0 (also for
///   `lvs_sync_daemon_interface`, which names no id). A stop command carries only the role.
public struct SyncDaemonSwitch: Sendable {
    /// What lvsd starts: `ipvsadm --start-daemon` with these options.
    public struct Settings: Sendable, Hashable {
        /// `--mcast-interface`.
        public var interface: String
        /// The VRRP instance whose state decides the role; nil: master and backup both run.
        public var instance: String?
        public var syncID: UInt32
        public var maxLength: UInt16?
        public var port: UInt16?
        public var ttl: UInt8?
        public var group: IPAddress?

        public init(interface: String, instance: String?, syncID: UInt32 = 0, maxLength: UInt16? = nil,
                    port: UInt16? = nil, ttl: UInt8? = nil, group: IPAddress? = nil) {
            self.interface = interface
            self.instance = instance
            self.syncID = syncID
            self.maxLength = maxLength
            self.port = port
            self.ttl = ttl
            self.group = group
        }

        /// The settings of a configuration; nil when it asks for no sync daemon.
        public init?(_ configuration: KeepalivedConfiguration) {
            let instances = configuration.vrrp.instances
            if let daemon = configuration.global.lvsSyncDaemon {
                let vrid = daemon.vrrpInstance.flatMap { name in instances.first { $0.name == name } }
                    .map { UInt32($0.virtualRouterID) }
                self.init(interface: daemon.interface, instance: daemon.vrrpInstance,
                          syncID: daemon.syncID.map(UInt32.init) ?? vrid ?? 0,
                          maxLength: daemon.maxLength.map(UInt16.init), port: daemon.port,
                          ttl: daemon.ttl.map(UInt8.init), group: daemon.group.map(InitialTable.ipAddress))
            } else if let instance = instances.first(where: { $0.lvsSyncDaemonInterface != nil }),
                      let interface = instance.lvsSyncDaemonInterface {
                self.init(interface: interface, instance: instance.name)
            } else {
                return nil
            }
        }

        /// The daemon of one role. IPVS_CMD_NEW_DAEMON's attributes.
        public func daemon(_ role: IPVSSyncDaemon.Role) -> IPVSSyncDaemon {
            IPVSSyncDaemon(role: role, interface: interface, syncID: syncID, maxLength: maxLength, group: group,
                           port: port, ttl: ttl)
        }
    }

    /// One command for the kernel.
    public struct Command: Sendable, Hashable {
        public var change: IPVSChange
        /// keepalived ignores the result (stopping daemons that may not run).
        public var ignoresErrors: Bool

        public init(_ change: IPVSChange, ignoresErrors: Bool = false) {
            self.change = change
            self.ignoresErrors = ignoresErrors
        }
    }

    /// A VRRP instance's state, as its runner names it.
    public enum InstanceState: String, Sendable, Hashable {
        case initialize = "INITIALIZE"
        case backup = "BACKUP"
        case master = "MASTER"
        case fault = "FAULT"
        case stopped = "STOPPED"
    }

    public enum Event: Sendable, Hashable {
        /// The director starts (before its first pass).
        case directorStarted
        /// The director stops.
        case directorStopped
        /// A VRRP instance changed state (from INITIALIZE when it starts, to STOPPED when it stops).
        case instanceChanged(String, from: InstanceState, to: InstanceState)
    }

    public let settings: Settings
    /// The roles the commands so far leave running, in the order started.
    public private(set) var wanted: [IPVSSyncDaemon.Role] = []

    public init(settings: Settings) {
        self.settings = settings
    }

    /// The commands for an event, in order.
    public mutating func handle(_ event: Event) -> [Command] {
        switch event {
        case .directorStarted:
            guard settings.instance == nil else { return [] }
            wanted = [.master, .backup]
            return [Command(.stopDaemon(.master), ignoresErrors: true), Command(.stopDaemon(.backup), ignoresErrors: true),
                    start(.master), start(.backup)]
        case .directorStopped:
            guard settings.instance == nil else { return [] }
            wanted = []
            return [Command(.stopDaemon(.master), ignoresErrors: true), Command(.stopDaemon(.backup), ignoresErrors: true)]
        case .instanceChanged(let name, let from, let to):
            guard name == settings.instance, from != to else { return [] }
            if to == .stopped {
                wanted = []
                return [Command(.stopDaemon(from == .master ? .master : .backup))]
            }
            var commands: [Command] = []
            if from == .initialize {
                wanted = [.backup]
                commands.append(start(.backup))
            }
            if to == .master {
                wanted = [.master]
                commands += [Command(.stopDaemon(.backup)), start(.master)]
            } else if from == .master {
                wanted = [.backup]
                commands += [Command(.stopDaemon(.master)), start(.backup)]
            }
            return commands
        }
    }

    /// A reload with different settings (keepalived restarts the daemon with the new ones):
    /// the commands that stop the daemons `old` left running, and the new switch with the
    /// commands that start what the new settings call for now — with an instance, the role
    /// of its state (`instanceState` gives the state its runner last reported; nothing while
    /// it has not started, its start will do it); without one, master and backup. Same
    /// settings: `old` unchanged and no command.
    public static func reload(from old: SyncDaemonSwitch?, to settings: Settings?,
                              instanceState: (String) -> InstanceState?) -> (SyncDaemonSwitch?, [Command]) {
        guard old?.settings != settings else { return (old, []) }
        var commands = (old?.wanted ?? []).map { Command(.stopDaemon($0)) }
        guard let settings else { return (nil, commands) }
        var machine = SyncDaemonSwitch(settings: settings)
        if let instance = settings.instance {
            switch instanceState(instance) {
            case .master?:
                machine.wanted = [.master]
                commands.append(machine.start(.master))
            case .backup?, .fault?:
                machine.wanted = [.backup]
                commands.append(machine.start(.backup))
            case .initialize?, .stopped?, nil:
                break
            }
        } else {
            commands += machine.handle(.directorStarted)
        }
        return (machine, commands)
    }

    private func start(_ role: IPVSSyncDaemon.Role) -> Command {
        Command(.startDaemon(settings.daemon(role)))
    }
}
