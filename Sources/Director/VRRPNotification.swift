import KeepalivedConfig

/// The `notify*` commands keepalived 2.2.7 runs when an instance changes state
/// (keepalived/vrrp/vrrp_notify.c, send_instance_notifies and notify_script_exec): the
/// state's own script (`notify_master`, `notify_backup`, `notify_fault`, `notify_stop`) with
/// its arguments as written, then `notify` with four arguments appended:
/// `INSTANCE NAME STATE PRIORITY`, the priority being the effective one; for a sync group
/// (``groupCommands(_:group:state:)``) `GROUP NAME STATE 0`.
public struct VRRPNotification: Sendable, Hashable {
    /// The program and its arguments.
    public var arguments: [String]
    /// `notify_* COMMAND USER [GROUP]`; nil: global_defs `script_user`, then root.
    public var user: String?
    public var group: String?
    /// How long it may run before its process group is killed: 1 s for `STOP` (keepalived
    /// waits TIMER_HZ for stop scripts), ``stateScriptTimeout`` otherwise.
    public var timeout: Duration

    /// keepalived does not wait for state scripts; lvsd kills one that is still running after this.
    public static let stateScriptTimeout: Duration = .seconds(60)
    /// keepalived's limit for `notify_stop` at shutdown (TIMER_HZ).
    public static let stopScriptTimeout: Duration = .seconds(1)

    /// The commands to run, in keepalived's order, when `instance` enters `state` (`MASTER`,
    /// `BACKUP`, `FAULT`, `STOP`) with `priority`; states without a script give none.
    public static func commands(_ scripts: NotifyScripts, instance: String, state: String,
                                priority: Int) -> [VRRPNotification] {
        commands(scripts, type: "INSTANCE", name: instance, state: state, priority: priority)
    }

    /// The commands to run, in keepalived's order, when `vrrp_sync_group` `group` enters
    /// `state` (keepalived send_group_notifies): the state's own script as written, then
    /// `notify` with `GROUP NAME STATE 0` appended (a group's priority is always given as 0).
    public static func groupCommands(_ scripts: NotifyScripts, group: String, state: String) -> [VRRPNotification] {
        commands(scripts, type: "GROUP", name: group, state: state, priority: 0)
    }

    /// The commands keepalived runs for an instance a reload removes (vrrp.c `clear_diff_vrrp`,
    /// vrrp_notify.c `send_instance_notifies`): with `notify_deleted`, its command (if it
    /// names one) and `notify ... DELETED`; without it, the FAULT ones, unless the instance
    /// was in FAULT already (`lastState`), then none.
    public static func deletedCommands(_ scripts: NotifyScripts, instance: String, lastState: String,
                                       priority: Int) -> [VRRPNotification] {
        if scripts.notifiesDeleted {
            return commands(scripts, type: "INSTANCE", name: instance, state: "DELETED", priority: priority)
        }
        guard lastState != "FAULT" else { return [] }
        return commands(scripts, type: "INSTANCE", name: instance, state: "FAULT", priority: priority)
    }

    private static func commands(_ scripts: NotifyScripts, type: String, name: String, state: String,
                                 priority: Int) -> [VRRPNotification] {
        let timeout = state == "STOP" ? stopScriptTimeout : stateScriptTimeout
        var result: [VRRPNotification] = []
        let own: ScriptCommand?
        switch state {
        case "MASTER": own = scripts.master
        case "BACKUP": own = scripts.backup
        case "FAULT": own = scripts.fault
        case "STOP": own = scripts.stop
        case "DELETED": own = scripts.deleted
        default: own = nil
        }
        if let own {
            result.append(VRRPNotification(arguments: own.arguments, user: own.user, group: own.group, timeout: timeout))
        }
        if let any = scripts.any {
            result.append(VRRPNotification(arguments: any.arguments + [type, name, state, "\(priority)"],
                                           user: any.user, group: any.group, timeout: timeout))
        }
        return result
    }

    /// `notify_master_rx_lower_pri`, run as written (no arguments appended) each time a
    /// MASTER hears an advert of a lower priority from another master (keepalived
    /// `vrrp_state_master_rx` → `send_event_notify`); nil when the instance has none.
    /// keepalived runs no `notify` script for this event.
    public static func masterReceivedLowerPriority(_ scripts: NotifyScripts) -> VRRPNotification? {
        scripts.masterReceivedLowerPriority.map {
            VRRPNotification(arguments: $0.arguments, user: $0.user, group: $0.group, timeout: stateScriptTimeout)
        }
    }
}
