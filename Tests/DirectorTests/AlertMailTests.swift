@testable import Director
import Glibc
import KeepalivedConfig
import TestSupport
import Testing

/// Alert mail against a real SMTP server (aiosmtpd on loopback): the envelope, headers and
/// body keepalived 2.2.7 sends (core/smtp.c), byte for byte.
@Suite struct AlertMailTests {
    static let date = "Mon, 30 Nov 2026 19:00:00 +0000"

    @Test func mailArrivesAsKeepalivedSendsIt() async throws {
        let server = try await SMTPTestServer()
        let mail = AlertMail(from: "lvsd@director.test", recipients: ["ops@example.test", "noc@example.test"],
                             subject: "[lb1] Realserver [198.51.100.1]:tcp:8080 of virtual server [192.0.2.10]:tcp:80 - DOWN",
                             body: "=> TCP CHECK failed on service <=")
        let client = SMTPClient(host: "127.0.0.1", port: server.port, timeout: .seconds(10), heloName: "director.test")
        #expect(await client.send(mail, date: Self.date) == .sent)
        #expect(try await server.waitForMessages(1) == [PythonJSON.record(
            data: "Date: \(Self.date)\r\nFrom: lvsd@director.test\r\n"
                + "Subject: [lb1] Realserver [198.51.100.1]:tcp:8080 of virtual server [192.0.2.10]:tcp:80 - DOWN\r\n"
                + "X-Mailer: Keepalived\r\nTo: ops@example.test, noc@example.test\r\n\r\n"
                + "=> TCP CHECK failed on service <=\r\n\r\n",
            from: "lvsd@director.test", helo: "director.test", to: ["ops@example.test", "noc@example.test"])])
    }

    @Test func refusedRecipientEndsWithQuitAndNoMessage() async throws {
        let server = try await SMTPTestServer(refuseCode: 550)
        let mail = AlertMail(from: "a@b.test", recipients: ["ok@example.test", "refused@example.test"],
                             subject: "s", body: "b")
        let client = SMTPClient(host: "127.0.0.1", port: server.port, timeout: .seconds(10), heloName: "h")
        #expect(await client.send(mail, date: Self.date) == .failed("RCPT answered 550, expected 250"))
        #expect(server.messages() == [])
    }

    @Test func closedPortIsAFailure() async throws {
        // A port held by a socket that never listens: connections to it are refused.
        let closed = ClosedPort()
        let port = UInt16(closed.port)
        let client = SMTPClient(host: "127.0.0.1", port: port, timeout: .seconds(5), heloName: "h")
        let outcome = await client.send(AlertMail(from: "a@b", recipients: ["c@d"], subject: "s", body: "b"),
                                        date: Self.date)
        #expect(outcome == .failed("cannot connect to the SMTP server 127.0.0.1:\(port): Connection refused"))
        withExtendedLifetime(closed) {}
    }

    @Test func silentServerTimesOut() async throws {
        // A listening socket nobody accepts from: the kernel completes the handshake, then
        // nothing is ever said.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        try #require(listening)
        let client = SMTPClient(host: "127.0.0.1", port: UInt16(bigEndian: address.sin_port),
                                timeout: .milliseconds(300), heloName: "h")
        let outcome = await client.send(AlertMail(from: "a@b", recipients: ["c@d"], subject: "s", body: "b"),
                                        date: Self.date)
        #expect(outcome == .failed("timeout waiting for the server's reply"))
    }

    @Test func longTextsAreCutAsKeepalivedCutsThem() {
        let mail = AlertMail(from: "a", recipients: ["b"], subject: String(repeating: "s", count: 300),
                             body: String(repeating: "b", count: 600))
        #expect(mail.subject.utf8.count == 255)
        #expect(mail.body.utf8.count == 511)
        let many = AlertMail(from: "a", recipients: Array(repeating: String(repeating: "r", count: 100), count: 12),
                             subject: "s", body: "b")
        // 100 + 9 x 102 = 1018 bytes fit in 1023; for the tenth keepalived still writes the
        // ", " (3 bytes left) and then stops: the header ends with the separator.
        #expect(many.toHeader.utf8.count == 1020)
        #expect(many.toHeader.hasSuffix("r, "))
    }

    @Test func sessionFollowsKeepalivedsStateMachine() {
        let mail = AlertMail(from: "f@x", recipients: ["a@x", "b@x"], subject: "S", body: "B")
        var session = SMTPSession(mail: mail, heloName: "h", date: "D")
        #expect(session.handle(reply: 220) == .send("HELO h\r\n"))
        #expect(session.handle(reply: 250) == .send("MAIL FROM:<f@x>\r\n"))
        #expect(session.handle(reply: 250) == .send("RCPT TO:<a@x>\r\n"))
        #expect(session.handle(reply: 250) == .send("RCPT TO:<b@x>\r\n"))
        #expect(session.handle(reply: 250) == .send("DATA\r\n"))
        #expect(session.handle(reply: 354) == .send(
            "Date: D\r\nFrom: f@x\r\nSubject: S\r\nX-Mailer: Keepalived\r\nTo: a@x, b@x\r\n\r\nB\r\n\r\n.\r\n"))
        #expect(session.handle(reply: 250) == .send("QUIT\r\n"))
        #expect(session.handle(reply: 221) == .close(.sent))

        var refused = SMTPSession(mail: mail, heloName: "h", date: "D")
        #expect(refused.handle(reply: 554) == .send("QUIT\r\n"))
        #expect(refused.handle(reply: 221) == .close(.failed("(E)SMTP answered 554, expected 220")))

        var slow = SMTPSession(mail: mail, heloName: "h", date: "D")
        _ = slow.handle(reply: 220)
        #expect(slow.timedOut() == .send("QUIT\r\n"))
        #expect(slow.timedOut() == .close(.failed("timeout waiting for the server's reply")))
    }

    @Test func replyReaderWaitsForTheLastLineOfAReply() {
        var reader = SMTPReplyReader()
        #expect(reader.consume(Array("220-smtp.test wel".utf8)) == [])
        #expect(reader.consume(Array("come\r\n220 ready\r".utf8)) == [])
        #expect(reader.consume(Array("\n250-a\r\n250-b\r\n250 c\r\n354 go\r\n".utf8)) == [220, 250, 354])
        #expect(reader.consume(Array("xyz\r\n".utf8)) == [0])
    }
}
