import Glibc
import TestSupport

/// A real SMTP server on loopback for the alert-mail tests: aiosmtpd (PyPI) from the venv
/// scripts/install-deps.sh makes. Each message it accepts is appended to a file as one JSON
/// line: the HELO name, the envelope sender and recipients, and the DATA bytes as received.
/// Without aiosmtpd the tests fail (they never skip): run scripts/install-deps.sh.
final class SMTPTestServer {
    static let handler = """
        out, code = os.path.join(directory, "messages"), args[0]

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
        """

    let server: AioSMTPProcess
    var port: UInt16 { UInt16(server.port) }

    /// Starts the server; `refuseCode` is the reply to a recipient starting with `refused`.
    init(refuseCode: Int = 250) async throws {
        server = try await AioSMTPProcess(handler: "import json\n" + Self.handler, arguments: ["\(refuseCode)"])
    }

    /// The messages received so far, one JSON line each.
    func messages() -> [String] {
        (server.file("messages") ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits (with a deadline) until `count` messages have arrived, and returns them.
    func waitForMessages(_ count: Int, within limit: Duration = .seconds(20)) async throws -> [String] {
        let deadline = ContinuousClock.now + limit
        while messages().count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return messages()
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
