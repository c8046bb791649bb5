/// keepalived's global script settings, which decide who a `MISC_CHECK` program runs as and
/// whether it may run at all (keepalived.conf(5), `global_defs`; `lib/notify.c`).
///
/// Who: the check's own `user` (``MiscCheck/user``); else ``defaultUser`` (`script_user`); else
/// `keepalived_script` if that user exists; else the user the daemon runs as (root). Without
/// `script_user`, with ``enableScriptSecurity`` and no `keepalived_script` user, the check cannot
/// run (keepalived removes it: "Unable to set default user keepalived_script for script").
///
/// Whether: a program that would run with root's powers (as uid 0 or gid 0, or a set-user-ID or
/// set-group-ID root file) is insecure when its path is writable by someone other than root: any
/// component, from `/` to the file itself, and again along the path with symbolic links
/// resolved, not owned by root, or (for the file, and directories without the sticky bit)
/// writable by a group other than root's or by anybody. With ``enableScriptSecurity`` such a
/// program is refused. Without it keepalived runs it and logs "Unsafe permissions found" at
/// start-up; ``MiscProbe`` runs it and does not examine the path.
public struct ScriptSettings: Hashable, Sendable {
    /// keepalived `script_user USERNAME [GROUPNAME]`; nil for keepalived's default.
    public var defaultUser: ScriptUser?
    /// keepalived `enable_script_security`.
    public var enableScriptSecurity: Bool

    public init(defaultUser: ScriptUser? = nil, enableScriptSecurity: Bool = false) {
        self.defaultUser = defaultUser
        self.enableScriptSecurity = enableScriptSecurity
    }
}
