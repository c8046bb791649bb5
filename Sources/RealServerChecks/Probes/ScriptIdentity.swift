#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A user and group id a `MISC_CHECK` program runs as.
struct ResolvedScriptUser: Hashable, Sendable {
    var uid: uid_t
    var gid: gid_t
}

/// The user database, as keepalived reads it (`getpwnam_r`, `getgrnam_r`); tests substitute one.
protocol UserDatabase: Sendable {
    /// The user's id and primary group, or nil when there is no such user.
    func user(named name: String) throws(CheckConfigurationError) -> ResolvedScriptUser?
    /// The group's id, or nil when there is no such group.
    func group(named name: String) throws(CheckConfigurationError) -> gid_t?
}

/// /etc/passwd and /etc/group through NSS.
struct SystemUserDatabase: UserDatabase {
    private static let bufferSize = 16 << 10

    func user(named name: String) throws(CheckConfigurationError) -> ResolvedScriptUser? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: Self.bufferSize)
        let rc = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        guard rc == 0 else {
            throw CheckConfigurationError(.unknownUser, "cannot look up user '\(name)': \(String(cString: strerror(rc)))")
        }
        guard result != nil else { return nil }
        return ResolvedScriptUser(uid: entry.pw_uid, gid: entry.pw_gid)
    }

    func group(named name: String) throws(CheckConfigurationError) -> gid_t? {
        var entry = Glibc.group()
        var result: UnsafeMutablePointer<Glibc.group>?
        var buffer = [CChar](repeating: 0, count: Self.bufferSize)
        let rc = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard rc == 0 else {
            throw CheckConfigurationError(.unknownUser, "cannot look up group '\(name)': \(String(cString: strerror(rc)))")
        }
        guard result != nil else { return nil }
        return entry.gr_gid
    }
}

/// Who a `MISC_CHECK` program runs as, by keepalived's rules (``ScriptSettings``).
enum ScriptIdentity {
    /// - Parameters:
    ///   - user: the check's own `user`, if any.
    ///   - own: the user the daemon runs as (keepalived's fallback).
    static func resolve(
        _ user: ScriptUser?, settings: ScriptSettings, database: some UserDatabase, own: ResolvedScriptUser
    ) throws(CheckConfigurationError) -> ResolvedScriptUser {
        if let user { return try lookUp(user, database: database, what: "user") }
        if let user = settings.defaultUser { return try lookUp(user, database: database, what: "script_user") }
        if let user = try database.user(named: ScriptUser.keepalivedScript.name) { return user }
        if settings.enableScriptSecurity {
            throw CheckConfigurationError(
                .unknownUser,
                "no script_user is set and user '\(ScriptUser.keepalivedScript.name)' does not exist: with "
                    + "enable_script_security keepalived will not fall back to running scripts as root")
        }
        return own
    }

    private static func lookUp(
        _ user: ScriptUser, database: some UserDatabase, what: String
    ) throws(CheckConfigurationError) -> ResolvedScriptUser {
        guard var resolved = try database.user(named: user.name) else {
            throw CheckConfigurationError(.unknownUser, "\(what) '\(user.name)' does not exist")
        }
        if let group = user.group {
            guard let gid = try database.group(named: group) else {
                throw CheckConfigurationError(.unknownUser, "\(what) group '\(group)' does not exist")
            }
            resolved.gid = gid
        }
        return resolved
    }
}

/// Checks that `path` is an absolute path to a regular file that `user` may execute, so that a
/// misconfigured `misc_path` is a configuration error rather than a failing check.
enum ExecutableCheck {
    static func validate(_ path: String, for user: ResolvedScriptUser?) throws(CheckConfigurationError) {
        guard path.hasPrefix("/") else {
            throw CheckConfigurationError(.scriptNotFound, "misc_path program '\(path)' must be an absolute path")
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            throw CheckConfigurationError(.scriptNotFound, "misc_path program '\(path)': \(reason)")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw CheckConfigurationError(.scriptNotExecutable, "misc_path program '\(path)' is not a regular file")
        }
        let mode = info.st_mode
        let executable: Bool
        if let user {
            if user.uid == 0 {
                executable = mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0
            } else if info.st_uid == user.uid {
                executable = mode & S_IXUSR != 0
            } else if info.st_gid == user.gid {
                executable = mode & S_IXGRP != 0
            } else {
                executable = mode & S_IXOTH != 0
            }
        } else {
            executable = access(path, X_OK) == 0
        }
        guard executable else {
            let who = user.map { "uid \($0.uid)" } ?? "this user"
            throw CheckConfigurationError(
                .scriptNotExecutable, "misc_path program '\(path)' is not executable by \(who)")
        }
    }
}
