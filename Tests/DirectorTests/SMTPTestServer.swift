import Glibc
import TestSupport

/// A real SMTP server on loopback for the alert-mail tests: aiosmtpd (PyPI) from the venv
/// scripts/install-deps.sh makes. Each message it accepts is appended to a file as one JSON
/// line: the HELO name, the envelope sender and recipients, and the DATA bytes as received.
/// Without aiosmtpd the tests fail (they never skip): run scripts/install-deps.sh.
final class SMTPTestServer {
    static let python = "/opt/lvs-director/smtp-venv/bin/python"

    static let program = """
        import asyncio, json, os, sys
        from aiosmtpd.smtp import SMTP

        out, port_file, code = sys.argv[1], sys.argv[2], sys.argv[3]

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                if code != "250" and address.startswith("refused"):
                    return code + " refused"
                envelope.rcpt_tos.append(address)
                return "250 OK"

            async def handle_DATA(self, server, session, envelope):
                record = {"helo": session.host_name, "from": envelope.mail_from,
                          "to": envelope.rcpt_tos, "data": envelope.original_content.decode("latin-1")}
                with open(out, "a") as f:
                    f.write(json.dumps(record, sort_keys=True) + "\\n")
                return "250 Message accepted for delivery"

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

    let directory: TemporaryDirectory
    let pid: pid_t
    let port: UInt16
    var messagesPath: String { directory.path + "/messages" }

    /// Starts the server; `refuseCode` is the reply to a recipient starting with `refused`.
    init(refuseCode: Int = 250) async throws {
        guard access(Self.python, X_OK) == 0 else {
            throw CommandError("aiosmtpd is not installed (\(Self.python) is missing): run scripts/install-deps.sh")
        }
        directory = try TemporaryDirectory()
        let script = try directory.write("smtpd.py", Self.program)
        let portFile = directory.path + "/port"
        guard let pid = spawnProcess([Self.python, script, directory.path + "/messages", portFile, "\(refuseCode)"],
                                     stdin: "/dev/null", stdout: directory.path + "/stdout",
                                     stderr: directory.path + "/stderr") else {
            throw CommandError("cannot start \(Self.python)")
        }
        self.pid = pid
        let deadline = ContinuousClock.now + .seconds(20)
        var port: UInt16?
        while port == nil, ContinuousClock.now < deadline {
            if let text = try? CommandRunner.readFile(portFile), let value = UInt16(text) {
                port = value
            } else {
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        guard let port else {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            let stderr = (try? CommandRunner.readFile(directory.path + "/stderr")) ?? ""
            throw CommandError("aiosmtpd did not start within 20 s: \(stderr)")
        }
        self.port = port
    }

    /// The messages received so far, one JSON line each.
    func messages() -> [String] {
        ((try? CommandRunner.readFile(messagesPath)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits (with a deadline) until `count` messages have arrived, and returns them.
    func waitForMessages(_ count: Int, within limit: Duration = .seconds(20)) async throws -> [String] {
        let deadline = ContinuousClock.now + limit
        while messages().count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return messages()
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}

/// JSON text as Python's `json.dumps(..., sort_keys=True)` writes it, for exact comparison.
enum PythonJSON {
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value > 0x7e {
                    out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                        + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// One record of ``SMTPTestServer``.
    static func record(data: String, from: String, helo: String, to: [String]) -> String {
        "{\"data\": \(string(data)), \"from\": \(string(from)), \"helo\": \(string(helo)), \"to\": [\(to.map(string).joined(separator: ", "))]}"
    }
}
