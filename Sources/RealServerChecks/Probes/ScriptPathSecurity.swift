#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// keepalived's `enable_script_security` test (`lib/notify.c`, `check_script_secure` and
/// `check_security`): is a program that runs with root's powers out of reach of other users?
enum ScriptPathSecurity {
    /// True when the program runs with root's powers: as uid 0 or gid 0, or it is a set-user-ID
    /// file of root's, or a set-group-ID file of root's group.
    static func needsProtection(_ path: String, runningAs user: ResolvedScriptUser) -> Bool {
        if user.uid == 0 || user.gid == 0 { return true }
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return (info.st_uid == 0 && info.st_mode & S_IXUSR != 0 && info.st_mode & S_ISUID != 0)
            || (info.st_gid == 0 && info.st_mode & S_IXGRP != 0 && info.st_mode & S_ISGID != 0)
    }

    /// The verdict on a program path.
    struct Verdict: Hashable, Sendable {
        /// The path to execute: `path` with its directories resolved, keeping the file name when it
        /// names the same file, else the fully resolved path (keepalived replaces the command so).
        var executable: String
        /// Why the path is insecure, or nil when it is secure.
        var insecurity: String?
    }

    /// keepalived checks the path to execute (see ``Verdict/executable``), and the fully resolved
    /// path when that differs.
    static func evaluate(_ path: String) throws(CheckConfigurationError) -> Verdict {
        guard let resolved = realpath(path, nil) else {
            let reason = String(cString: strerror(errno))
            throw CheckConfigurationError(.scriptNotFound, "misc_path program '\(path)': \(reason)")
        }
        let real = String(cString: resolved)
        free(resolved)
        var paths = [real]
        if real != path, let slash = real.lastIndex(of: "/"), let own = path.lastIndex(of: "/"),
            real[real.index(after: slash)...] != path[path.index(after: own)...]
        {
            // Keep the name the program was called by, in the resolved directory, if it is the same file.
            let renamed = String(real[...slash]) + path[path.index(after: own)...]
            var a = stat()
            var b = stat()
            if stat(renamed, &a) == 0 && stat(real, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino {
                paths = [renamed, real]
            }
        }
        for candidate in paths {
            if let reason = componentInsecurity(candidate) { return Verdict(executable: paths[0], insecurity: reason) }
        }
        return Verdict(executable: paths[0], insecurity: nil)
    }

    /// Walks `/`, then each directory, then the file, without following symbolic links.
    private static func componentInsecurity(_ path: String) -> String? {
        var prefixes: [String] = ["/"]
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            prefixes.append(current)
        }
        for (index, component) in prefixes.enumerated() {
            let isLast = index == prefixes.count - 1
            var info = stat()
            guard lstat(component, &info) == 0 else {
                return "'\(component)': \(String(cString: strerror(errno)))"
            }
            let type = info.st_mode & S_IFMT
            if (!isLast && type != S_IFDIR) || (isLast && type != S_IFREG && type != S_IFLNK) {
                return "'\(component)' has the wrong file type"
            }
            if info.st_uid != 0 { return "'\(component)' is owned by uid \(info.st_uid), not root" }
            let guarded = (type == S_IFDIR && info.st_mode & S_ISVTX == 0) || type == S_IFREG
            if guarded && info.st_gid != 0 && info.st_mode & S_IWGRP != 0 {
                return "'\(component)' is writable by group \(info.st_gid)"
            }
            if guarded && info.st_mode & S_IWOTH != 0 { return "'\(component)' is writable by anybody" }
        }
        return nil
    }
}
