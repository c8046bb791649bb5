/// The user (and optionally group) a script runs as: `global_defs { script_user USER
/// [GROUP] }` and MISC_CHECK's `user USER [GROUP]`. Names only: whether they exist is
/// checked on the machine that runs the configuration, not here.
public struct ScriptUser: Sendable, Hashable {
    public var user: String
    /// nil: the user's primary group (keepalived's `set_script_uid_gid`).
    public var group: String?

    public init(user: String, group: String? = nil) {
        self.user = user
        self.group = group
    }
}
