import TestSupport

/// A real SMTP server on 127.0.0.1 for SMTP_CHECK (TestSupport's AioSMTPProcess: aiosmtpd).
/// It records each HELO name it is sent, one per line, and answers HELO with `heloReply`
/// (aiosmtpd's own "250 smtp.test" when empty).
final class AioSMTPServer {
    static let handler = """
        helos, reply = os.path.join(directory, "helos"), args[0]

        class Handler:
            async def handle_HELO(self, server, session, envelope, hostname):
                with open(helos, "a") as f:
                    f.write(hostname + "\\n")
                if reply:
                    return reply
                session.host_name = hostname
                return "250 " + server.hostname
        """

    let server: AioSMTPProcess
    var port: Int { server.port }

    init(heloReply: String = "") async throws {
        server = try await AioSMTPProcess(handler: Self.handler, arguments: [heloReply])
    }

    /// The HELO names received so far.
    func helos() -> [String] {
        (server.file("helos") ?? "").split(separator: "\n").map(String.init)
    }

    static func read(_ path: String) -> String? { AioSMTPProcess.read(path) }
}
