#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``ScriptUser`` looked up in the user database.
struct ResolvedScriptUser: Hashable, Sendable {
    var uid: uid_t
    var gid: gid_t
}

extension ScriptUser {
    func resolve() throws(CheckConfigurationError) -> ResolvedScriptUser {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16 << 10)
        let rc = getpwnam_r(name, &entry, &buffer, buffer.count, &result)
        guard rc == 0, result != nil else {
            throw CheckConfigurationError(.unknownUser, "script user '\(name)' does not exist")
        }
        var resolved = ResolvedScriptUser(uid: entry.pw_uid, gid: entry.pw_gid)
        if let group {
            var groupEntry = Glibc.group()
            var groupResult: UnsafeMutablePointer<Glibc.group>?
            let rc = getgrnam_r(group, &groupEntry, &buffer, buffer.count, &groupResult)
            guard rc == 0, groupResult != nil else {
                throw CheckConfigurationError(.unknownUser, "script group '\(group)' does not exist")
            }
            resolved.gid = groupEntry.gr_gid
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
