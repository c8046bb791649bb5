import Glibc
import TestSupport

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
    spawnProcess(arguments, stdin: "/dev/null", stdout: "/dev/null", stderr: "/dev/null")
}
