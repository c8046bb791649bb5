import Glibc

/// `enable_script_security`: a script that runs as root must not be replaceable by anyone
/// else (keepalived 2.2.7 lib/notify.c `check_security`): every directory on its path and
/// the file itself are owned by root, and none is writable by a group other than root's or
/// by everyone (a directory with the sticky bit, such as /tmp, may be).
public enum ScriptSecurity {
    /// Why `path` is unsafe, or nil when it is safe. Checks the path as written and, when it
    /// differs, the file it resolves to (keepalived checks both).
    public static func problem(with path: String) -> String? {
        if let problem = check(path) { return problem }
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        let real = String(cString: resolved)
        return real == path ? nil : check(real)
    }

    private static func check(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return "'\(path)' is not an absolute path" }
        var prefixes = ["/"]
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            prefixes.append(current)
        }
        for (i, item) in prefixes.enumerated() {
            let isLast = i == prefixes.count - 1
            var info = stat()
            guard lstat(item, &info) == 0 else {
                return "cannot find '\(item)': \(String(cString: strerror(errno)))"
            }
            let kind = info.st_mode & S_IFMT
            if (!isLast && kind != S_IFDIR) || (isLast && kind != S_IFREG && kind != S_IFLNK) {
                return "wrong file type at '\(item)'"
            }
            let stickyDirectory = kind == S_IFDIR && info.st_mode & S_ISVTX != 0
            let writableByOthers = (info.st_gid != 0 && info.st_mode & S_IWGRP != 0) || info.st_mode & S_IWOTH != 0
            if info.st_uid != 0 || (!stickyDirectory && kind != S_IFLNK && writableByOthers) {
                return "unsafe permissions on '\(item)'"
            }
        }
        return nil
    }
}
