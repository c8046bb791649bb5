#if canImport(Glibc)
import Glibc
#endif

/// A real SMTP server on 127.0.0.1 for the tests: aiosmtpd (PyPI), run by the Python of the
/// venv that scripts/install-deps.sh makes. The tests that use it fail without it (they never
/// skip). The caller gives the Python source of aiosmtpd's `Handler` class; around it, the
/// program has `directory` (a temporary directory of its own, removed at deinit) and `args`
/// (the `arguments` given), starts SMTP with host name "smtp.test" on an unused port and
/// writes the port to a file once it listens.
public final class AioSMTPProcess {
    /// Why the server did not start.
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The venv's Python.
    public static let python = "/opt/lvs-director/smtp-venv/bin/python"

    /// The server's temporary directory (the handler's `directory`).
    public let directory: String
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    private let pid: pid_t

    /// Starts the server and returns when it listens (within 20 s), or throws.
    public init(handler: String, arguments: [String] = []) async throws(StartError) {
        guard access(Self.python, X_OK) == 0 else {
            throw StartError(description: "aiosmtpd is not installed (\(Self.python) is missing): run scripts/install-deps.sh")
        }
        var template = Array("/tmp/aiosmtpd.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw StartError(description: "cannot create a temporary directory: errno \(errno)")
        }
        let directory = String(cString: made)
        let program = """
            import asyncio, os, sys
            from aiosmtpd.smtp import SMTP

            directory, args = sys.argv[1], sys.argv[2:]

            \(handler)

            async def main():
                loop = asyncio.get_running_loop()
                server = await loop.create_server(lambda: SMTP(Handler(), hostname="smtp.test"), "127.0.0.1", 0)
                port = server.sockets[0].getsockname()[1]
                with open(os.path.join(directory, "port.tmp"), "w") as f:
                    f.write(str(port))
                os.rename(os.path.join(directory, "port.tmp"), os.path.join(directory, "port"))
                await asyncio.Event().wait()

            asyncio.run(main())

            """
        guard Self.write(directory + "/smtpd.py", program),
              let pid = spawnProcess([Self.python, directory + "/smtpd.py", directory] + arguments, stdin: "/dev/null",
                                     stdout: directory + "/stdout", stderr: directory + "/stderr") else {
            Self.remove(directory)
            throw StartError(description: "cannot start \(Self.python)")
        }
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = Self.read(directory + "/port"), let value = Int(text) {
                self.directory = directory
                self.pid = pid
                self.port = value
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let stderr = Self.read(directory + "/stderr") ?? ""
        Self.stop(pid)
        Self.remove(directory)
        throw StartError(description: "aiosmtpd did not start within 20 s: \(stderr)")
    }

    /// The contents of `name` in ``directory`` (what the handler wrote), or nil.
    public func file(_ name: String) -> String? { Self.read(directory + "/" + name) }

    /// The contents of the file at `path`, or nil when it cannot be read.
    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func write(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    private static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    private static func remove(_ directory: String) {
        if let dir = opendir(directory) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { unlink(directory + "/" + name) }
            }
            closedir(dir)
        }
        rmdir(directory)
    }

    deinit {
        Self.stop(pid)
        Self.remove(directory)
    }
}
