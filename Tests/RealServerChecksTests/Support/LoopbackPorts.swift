import Glibc

/// A TCP port on 127.0.0.1 that nothing listens on right now.
func freeLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(fd >= 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
            precondition(bind(fd, sa, length) == 0)
            precondition(getsockname(fd, sa, &length) == 0)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A unique temporary directory that other users (the script user) may traverse.
func makeTemporaryDirectory(_ prefix: String) -> String {
    var template = Array("/tmp/\(prefix).XXXXXX".utf8CString)
    let path = template.withUnsafeMutableBufferPointer { buffer in
        String(cString: mkdtemp(buffer.baseAddress!)!)
    }
    chmod(path, 0o755)
    return path
}

func writeFile(_ path: String, _ contents: String, mode: mode_t = 0o644) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    precondition(fd >= 0, "cannot create \(path)")
    let bytes = Array(contents.utf8)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    chmod(path, mode)
}

func removeTree(_ path: String) {
    _ = run(["/bin/rm", "-rf", path])
}

/// Runs a program to completion without blocking a thread of the cooperative pool.
func runAsync(_ arguments: [String]) async -> Int32 {
    guard let pid = spawn(arguments) else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, WNOHANG) == 0 {
        try? await Task.sleep(for: .milliseconds(5))
    }
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}

/// Runs a program to completion (for quick test setup such as rm). Returns its exit status.
@discardableResult
func run(_ arguments: [String]) -> Int32 {
    guard let pid = spawn(arguments) else { return -1 }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
}

/// Starts a program with /dev/null as stdin, stdout and stderr, and a clean signal mask.
func spawn(_ arguments: [String]) -> pid_t? {
    var pid: pid_t = 0
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    defer { posix_spawn_file_actions_destroy(&actions) }
    var attributes = cleanSpawnAttributes()
    defer { posix_spawnattr_destroy(&attributes) }
    guard posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ) == 0 else { return nil }
    return pid
}

/// Spawn attributes that give the child an empty signal mask and default handlers: the test
/// process's threads block signals, and a child would inherit that (nginx would ignore SIGTERM).
func cleanSpawnAttributes() -> posix_spawnattr_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    return attributes
}
