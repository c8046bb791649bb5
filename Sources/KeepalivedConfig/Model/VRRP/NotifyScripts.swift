/// The `notify*` commands of an instance or a sync group (keepalived runs them on state
/// changes; lib/notify.c, notify_script_init).
public struct NotifyScripts: Sendable, Hashable {
    /// `notify_master`.
    public internal(set) var master: ScriptCommand?
    /// `notify_backup`.
    public internal(set) var backup: ScriptCommand?
    /// `notify_fault`.
    public internal(set) var fault: ScriptCommand?
    /// `notify_stop`.
    public internal(set) var stop: ScriptCommand?
    /// `notify`: run on every change with the type, name, state and priority appended.
    public internal(set) var any: ScriptCommand?
    /// `notify_deleted [COMMAND]` (instances only): notify when the instance is removed by a
    /// reload; the command is optional (then `notify_stop`-like notifications only).
    public internal(set) var deleted: ScriptCommand?
    /// True when `notify_deleted` is given (with or without a command).
    public internal(set) var notifiesDeleted = false
    /// `notify_master_rx_lower_pri` (instances only): a master received a lower priority
    /// advertisement.
    public internal(set) var masterReceivedLowerPriority: ScriptCommand?

    public init() {}

    /// The keyword entries shared by instances and sync groups; `path` picks the notify
    /// scripts out of the block's model.
    static func keywords<Target>(_ path: any WritableKeyPath<Target, NotifyScripts> & Sendable) -> [Keyword<Target>] {
        func entry(_ name: String, _ slot: any WritableKeyPath<NotifyScripts, ScriptCommand?> & Sendable) -> Keyword<Target> {
            .value(name) { target, s, ctx in
                guard let command = ctx.notifyScript(s) else { return }
                if target[keyPath: path][keyPath: slot] != nil {
                    ctx.error("'\(name)' is given twice (keepalived keeps the first)", at: s.keyword.position)
                    return
                }
                target[keyPath: path][keyPath: slot] = command
            }
        }
        return [
            entry("notify_master", \.master),
            entry("notify_backup", \.backup),
            entry("notify_fault", \.fault),
            entry("notify_stop", \.stop),
            entry("notify", \.any),
        ]
    }
}
