import NIOPosix
import TestSupport
import Testing
@testable import RealServerChecks

/// SMTP_CHECK: keepalived's dialogue as a pure state machine, then the probe against aiosmtpd and
/// against purpose-built servers made of plain sockets.
@Suite("SMTP_CHECK")
struct SMTPCheckTests {
    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    static let helo = Array("HELO smtpchecker.keepalived.org\r\n".utf8)
    static let quit = Array("QUIT\r\n".utf8)

    struct Transcript: Sendable, CustomTestStringConvertible {
        var name: String
        var server: String
        var expected: [SMTPConversation.Action]
        var testDescription: String { name }
    }

    static let transcripts: [Transcript] = [
        Transcript(name: "a good server", server: "220 mail ESMTP\r\n250 mail\r\n221 bye\r\n",
                   expected: [.send(helo), .startStep(.heloReply), .send(quit), .startStep(.quitReply), .succeed]),
        Transcript(name: "bare codes", server: "220\n250\n\n",
                   expected: [.send(helo), .startStep(.heloReply), .send(quit), .startStep(.quitReply), .succeed]),
        Transcript(name: "wrong banner code", server: "554 no service\r\n",
                   expected: [.fail("bad greeting banner: '554 no service\\r'")]),
        // keepalived's smtp_get_status: the code must be followed by a space or the end of the line.
        Transcript(name: "CR right after the code", server: "220\r\n",
                   expected: [.fail("bad greeting banner: '220\\r'")]),
        Transcript(name: "multi-line banner", server: "220-first\r\n220 second\r\n",
                   expected: [.fail("bad greeting banner: '220-first\\r'")]),
        Transcript(name: "four digits", server: "2200 x\r\n",
                   expected: [.fail("bad greeting banner: '2200 x\\r'")]),
        Transcript(name: "HELO refused", server: "220 mail\r\n550 go away\r\n",
                   expected: [.send(helo), .startStep(.heloReply), .fail("bad HELO response: '550 go away\\r'")]),
        Transcript(name: "EHLO-style reply", server: "220 mail\r\n250-mail\r\n250 OK\r\n",
                   expected: [.send(helo), .startStep(.heloReply), .fail("bad HELO response: '250-mail\\r'")]),
        // A NUL hides the LF behind it: keepalived's strchr never sees the end of that line.
        Transcript(name: "NUL in the banner", server: "220 a\u{0}b\r\n",
                   expected: []),
    ]

    @Test(arguments: transcripts)
    func conversation(_ transcript: Transcript) {
        // A byte per read, and a line per read: the same actions.
        let bytes = Array(transcript.server.utf8)
        var byByte = SMTPConversation(heloName: SMTPCheck.defaultHeloName)
        var actions: [SMTPConversation.Action] = []
        for index in bytes.indices { actions += byByte.receive(bytes[index...index]) }
        #expect(actions == transcript.expected)
        var byLine = SMTPConversation(heloName: SMTPCheck.defaultHeloName)
        let lines = bytes.split(separator: 0x0a, omittingEmptySubsequences: false)
        var lineActions: [SMTPConversation.Action] = []
        for (index, line) in lines.enumerated() {
            lineActions += byLine.receive(Array(line) + (index < lines.count - 1 ? [0x0a] : []))
        }
        #expect(lineActions == transcript.expected)
    }

    @Test func restOfAReadAfterTheLineIsDropped() {
        // keepalived reads the greeting and the next line in one read: only the greeting counts,
        // and the reply to HELO must come in a later read.
        var conversation = SMTPConversation(heloName: "me")
        #expect(conversation.receive(Array("220 a\r\n250 early\r\n".utf8)) == [.send(Array("HELO me\r\n".utf8)), .startStep(.heloReply)])
        #expect(conversation.receive(Array("250 ok\r\n".utf8)) == [.send(Self.quit), .startStep(.quitReply)])
    }

    @Test func longLinesWrapAt511Bytes() {
        // 511 bytes without LF are dropped, as keepalived clears its full buffer: the code is read
        // from what follows.
        var conversation = SMTPConversation(heloName: "me")
        #expect(conversation.receive(Array(repeating: UInt8(ascii: "x"), count: 511)) == [])
        #expect(conversation.receive(Array("220 after the wrap\n".utf8)) == [.send(Array("HELO me\r\n".utf8)), .startStep(.heloReply)])
        var longer = SMTPConversation(heloName: "me")
        #expect(longer.receive(Array(("220 " + String(repeating: "y", count: 600) + "\n").utf8)) == [.fail("bad greeting banner: '" + String(repeating: "y", count: 80) + "'...")])
    }

    @Test func endOfStreamAndTimeoutNameTheStep() {
        var closed = SMTPConversation(heloName: "me")
        _ = closed.receive(Array("220 a\n250 b\n".utf8))
        #expect(closed.endOfStream() == [.fail("connection closed while waiting for the reply to HELO")])
        #expect(closed.endOfStream() == [])
        var slow = SMTPConversation(heloName: "me")
        #expect(slow.timeOut(after: .seconds(2)) == [.fail("timeout after 2 s waiting for the greeting banner")])
        #expect(slow.receive(Array("220 late\n".utf8)) == [])
    }

    @Test(arguments: ["", "a\r\nMAIL FROM:<x>", "a\nb", "a\u{0}"])
    func heloNamesThatAreNotOneLineAreRefused(name: String) async {
        let spec = CheckSpec(.smtp(SMTPCheck(target: CheckEndpoint(host: "127.0.0.1", port: 25), heloName: name)))
        await #expect(throws: CheckConfigurationError.self) { try await prober.probe(spec) }
    }

    // MARK: against aiosmtpd

    static func spec(port: Int, helo: String = SMTPCheck.defaultHeloName, timeout: Duration = .seconds(5)) -> CheckSpec {
        CheckSpec(.smtp(SMTPCheck(target: CheckEndpoint(host: "127.0.0.1", port: port), connectTimeout: timeout, heloName: helo)))
    }

    @Test func aiosmtpdIsHealthyAndGetsTheHeloName() async throws {
        let server = try await AioSMTPServer()
        #expect(try await prober.probe(Self.spec(port: server.port)) == .healthy)
        #expect(try await prober.probe(Self.spec(port: server.port, helo: "director.example")) == .healthy)
        #expect(server.helos() == [SMTPCheck.defaultHeloName, "director.example"])
    }

    @Test func aiosmtpdRefusingHELO() async throws {
        let server = try await AioSMTPServer(heloReply: "550 not you")
        #expect(try await prober.probe(Self.spec(port: server.port))
            == .unhealthy(reason: "bad HELO response: '550 not you\\r'"))
        #expect(server.helos() == [SMTPCheck.defaultHeloName])
    }

    @Test func connectionRefused() async throws {
        let closed = ClosedPort()
        #expect(try await prober.probe(Self.spec(port: closed.port)) == .unhealthy(reason: "connect failed: connection refused"))
    }

    // MARK: against purpose-built servers

    struct BadServer: Sendable, CustomTestStringConvertible {
        var name: String
        var script: [ScriptedTCPServer.Step]
        var expected: ProbeOutcome
        /// The lines the server read.
        var lines: [String]
        var testDescription: String { name }
    }

    static let badServers: [BadServer] = [
        BadServer(name: "a good server by hand", script: [.send("220 hand ESMTP\r\n"), .readLine, .send("250 hand\r\n"), .readLine, .send("221 bye\r\n")],
                  expected: .healthy, lines: ["HELO smtpchecker.keepalived.org", "QUIT"]),
        BadServer(name: "wrong banner code", script: [.send("421 busy\r\n")],
                  expected: .unhealthy(reason: "bad greeting banner: '421 busy\\r'"), lines: []),
        BadServer(name: "no banner", script: [],
                  expected: .unhealthy(reason: "timeout after 500 ms waiting for the greeting banner"), lines: []),
        BadServer(name: "5xx to HELO", script: [.send("220 x\r\n"), .readLine, .send("501 syntax\r\n")],
                  expected: .unhealthy(reason: "bad HELO response: '501 syntax\\r'"), lines: ["HELO smtpchecker.keepalived.org"]),
        BadServer(name: "no reply to HELO", script: [.send("220 x\r\n"), .readLine],
                  expected: .unhealthy(reason: "timeout after 500 ms waiting for the reply to HELO"), lines: ["HELO smtpchecker.keepalived.org"]),
        BadServer(name: "closes after the banner", script: [.send("220 x\r\n"), .readLine, .close],
                  expected: .unhealthy(reason: "connection closed while waiting for the reply to HELO"), lines: ["HELO smtpchecker.keepalived.org"]),
        BadServer(name: "closes without a reply to QUIT", script: [.send("220 x\r\n"), .readLine, .send("250 x\r\n"), .readLine, .close],
                  expected: .unhealthy(reason: "connection closed while waiting for the reply to QUIT"), lines: ["HELO smtpchecker.keepalived.org", "QUIT"]),
        BadServer(name: "accepts and closes", script: [.close],
                  expected: .unhealthy(reason: "connection closed while waiting for the greeting banner"), lines: []),
    ]

    @Test(arguments: badServers)
    func badServer(_ c: BadServer) async throws {
        let server = ScriptedTCPServer(c.script)
        // Only the silent servers wait for the timeout; the others get a long one, so that a loaded
        // machine cannot turn their verdict into a timeout.
        let timeout: Duration = c.expected.description.contains("timeout") ? .milliseconds(500) : .seconds(10)
        let outcome = try await prober.probe(Self.spec(port: server.port, timeout: timeout))
        #expect(outcome == c.expected)
        #expect(await server.lines() == c.lines)
    }
}
