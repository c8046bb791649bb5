import Glibc
import KeepalivedConfig

/// The user and group a notify script runs as, looked up in the user database.
///
/// keepalived 2.2.7 (lib/notify.c `notify_script_init`, `get_default_script_user`): the
/// user written after the script (`notify_up /bin/x USER [GROUP]`); else `global_defs`'
/// `script_user USER [GROUP]`; else the user `keepalived_script` when it exists; else the
/// daemon's own user (root). A group not written is the user's primary group.
public struct ScriptIdentity: Sendable, Hashable, CustomStringConvertible {
    public var uid: uid_t
    public var gid: gid_t

    public init(uid: uid_t, gid: gid_t) {
        self.uid = uid
        self.gid = gid
    }

    public var description: String { "\(uid):\(gid)" }

    /// keepalived's default script user when nothing else is written.
    public static let keepalivedScriptUser = "keepalived_script"

    /// Why a script's user cannot be used.
    public struct LookupError: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// The identity `command` runs as, by keepalived's rules; `scriptUser` is `global_defs`'
    /// `script_user`. Returns nil for "the daemon's own user".
    public static func resolve(for command: ScriptCommand, scriptUser: KeepalivedConfig.ScriptUser?)
        throws(LookupError) -> ScriptIdentity? {
        if let user = command.user {
            return try lookup(user: user, group: command.group)
        }
        if let scriptUser {
            return try lookup(user: scriptUser.user, group: scriptUser.group)
        }
        // keepalived falls back to its own user when keepalived_script does not exist.
        return try? lookup(user: keepalivedScriptUser, group: nil)
    }

    /// getpwnam_r / getgrnam_r.
    public static func lookup(user: String, group: String?) throws(LookupError) -> ScriptIdentity {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 << 10)
        let rc = getpwnam_r(user, &entry, &buffer, buffer.count, &result)
        guard rc == 0, result != nil else {
            throw LookupError(description: rc == 0 ? "no user \(user)" : "cannot look up user \(user): \(String(cString: strerror(rc)))")
        }
        var identity = ScriptIdentity(uid: entry.pw_uid, gid: entry.pw_gid)
        if let group {
            var groupEntry = Glibc.group()
            var groupResult: UnsafeMutablePointer<Glibc.group>?
            let rc = getgrnam_r(group, &groupEntry, &buffer, buffer.count, &groupResult)
            guard rc == 0, groupResult != nil else {
                throw LookupError(description: rc == 0 ? "no group \(group)" : "cannot look up group \(group): \(String(cString: strerror(rc)))")
            }
            identity.gid = groupEntry.gr_gid
        }
        return identity
    }
}
