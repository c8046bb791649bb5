import Glibc
import TestSupport

/// A real SMTP server on 127.0.0.1 for SMTP_CHECK: aiosmtpd (PyPI) from the venv that
/// scripts/install-deps.sh makes. It records each HELO name it is sent, one per line, and answers
/// HELO with `heloReply` (aiosmtpd's own "250 smtp.test" when nil).
/// Without aiosmtpd the tests fail (they never skip): run scripts/install-deps.sh.
final class AioSMTPServer {
    static let python = "/opt/lvs-director/smtp-venv/bin/python"

    static let program = """
        import asyncio, os, sys
        from aiosmtpd.smtp import SMTP

        helos, port_file, reply = sys.argv[1], sys.argv[2], sys.argv[3]

        class Handler:
            async def handle_HELO(self, server, session, envelope, hostname):
                with open(helos, "a") as f:
                    f.write(hostname + "\\n")
                if reply:
                    return reply
                session.host_name = hostname
                return "250 " + server.hostname

        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(lambda: SMTP(Handler(), hostname="smtp.test"), "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
            with open(port_file + ".tmp", "w") as f:
                f.write(str(port))
            os.rename(port_file + ".tmp", port_file)
            await asyncio.Event().wait()

        asyncio.run(main())

        """

    let directory: String
    let pid: pid_t
    let port: Int

    init(heloReply: String = "") async throws {
        guard access(Self.python, X_OK) == 0 else {
            throw NginxError(description: "aiosmtpd is not installed (\(Self.python) is missing): run scripts/install-deps.sh")
        }
        directory = makeTemporaryDirectory("aiosmtpd")
        writeFile("\(directory)/smtpd.py", Self.program)
        let portFile = "\(directory)/port"
        guard let pid = spawnProcess([Self.python, "\(directory)/smtpd.py", "\(directory)/helos", portFile, heloReply],
                                     stdin: "/dev/null", stdout: "\(directory)/stdout", stderr: "\(directory)/stderr") else {
            removeTree(directory)
            throw NginxError(description: "cannot start \(Self.python)")
        }
        self.pid = pid
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = Self.read(portFile), let value = Int(text) {
                port = value
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let stderr = Self.read("\(directory)/stderr") ?? ""
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        removeTree(directory)
        throw NginxError(description: "aiosmtpd did not start within 20 s: \(stderr)")
    }

    /// The HELO names received so far.
    func helos() -> [String] {
        (Self.read("\(directory)/helos") ?? "").split(separator: "\n").map(String.init)
    }

    static func read(_ path: String) -> String? {
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

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        removeTree(directory)
    }
}
