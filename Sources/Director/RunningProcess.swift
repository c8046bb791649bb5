#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One process as `vrrp_track_process` looks at it: its name (`comm`, at most 15 bytes), its
/// command line, and whether it is a zombie (keepalived does not count zombies).
public struct RunningProcess: Sendable, Hashable {
    public var pid: Int32
    /// The name in `/proc/PID/stat` (what `prctl(PR_SET_NAME)` sets; 15 bytes at most).
    public var name: String
    /// `/proc/PID/cmdline`, split at its NUL bytes: the program, then the arguments.
    public var commandLine: [String]
    public var isZombie: Bool

    public init(pid: Int32, name: String, commandLine: [String], isZombie: Bool = false) {
        self.pid = pid
        self.name = name
        self.commandLine = commandLine
        self.isZombie = isZombie
    }

    /// Every process in `root` (`/proc`): the directories whose name is a number. A process
    /// that ends while it is read is left out; nothing here throws or traps. Without
    /// `commandLine`, `/proc/PID/cmdline` is not read (as keepalived, which reads it only when
    /// a `vrrp_track_process` needs it: reading it can swap a process's memory in).
    public static func scan(root: String = "/proc", commandLine: Bool = true) -> [RunningProcess] {
        guard let directory = opendir(root) else { return [] }
        defer { closedir(directory) }
        var result: [RunningProcess] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = Int32(name), pid > 0,
                  let process = read(pid: pid, root: root, commandLine: commandLine) else { continue }
            result.append(process)
        }
        return result
    }

    /// One process as `/proc/PID` shows it now (its command line only with `commandLine`);
    /// nil when it is gone.
    public static func read(pid: Int32, root: String = "/proc", commandLine: Bool = true) -> RunningProcess? {
        guard let stat = readSmallFile("\(root)/\(pid)/stat"), let parsed = parseStat(stat) else { return nil }
        let cmdline = commandLine ? readSmallFile("\(root)/\(pid)/cmdline") ?? [] : []
        return RunningProcess(pid: pid, name: parsed.name, commandLine: splitCommandLine(cmdline),
                              isZombie: parsed.state == UInt8(ascii: "Z"))
    }

    /// The name (between the first `(` and the last `)`) and the state letter after it, from
    /// the text of `/proc/PID/stat` (proc(5)); nil when the text is not of that shape.
    static func parseStat(_ bytes: [UInt8]) -> (name: String, state: UInt8)? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open,
              close + 2 < bytes.count else { return nil }
        return (String(decoding: bytes[(open + 1)..<close], as: UTF8.self), bytes[close + 2])
    }

    /// The NUL-separated words of a command line (a final NUL ends the last word).
    static func splitCommandLine(_ bytes: [UInt8]) -> [String] {
        guard !bytes.isEmpty else { return [] }
        var words = bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        if bytes.last == 0 { words.removeLast() }
        return words
    }

    /// Up to 64 KiB of a file; nil when it cannot be opened.
    private static func readSmallFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65536 {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return bytes
    }
}

/// libc `read`, which ``RunningProcess/read(pid:root:)`` hides inside the type.
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(fd, buffer, count)
}
