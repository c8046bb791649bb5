import Testing
@testable import lvsctl
@testable import RealServerChecks

/// `lvsctl probe smtp` and `lvsctl probe dns`: help, parsing, and the built binary against aiosmtpd
/// and dnsmasq.
@Suite("lvsctl probe smtp / dns")
struct SMTPDNSCLITests {
    @Test func help() {
        #expect(LVSCtl.helpMessage(for: ProbeSMTPCommand.self, columns: 100) == """
            OVERVIEW: SMTP_CHECK: a 220 greeting, 250 to HELO, then QUIT answered, each step within the timeout.

            USAGE: lvsctl probe smtp <target> [--helo <helo>] [--timeout <timeout>] [--bindto <bindto>] [--bind-port <bind-port>]

            ARGUMENTS:
              <target>                The server, HOST[:PORT] or [V6ADDR][:PORT]; the port defaults to 25.

            OPTIONS:
              --helo <helo>           helo_name: the name sent in HELO. (default: smtpchecker.keepalived.org)
              --timeout <timeout>     connect_timeout in seconds, for each step. (default: 5 s)
              --bindto <bindto>       bindto: source address.
              --bind-port <bind-port> bind_port: source port.
              -h, --help              Show help information.

            """)
        let dns = LVSCtl.helpMessage(for: ProbeDNSCommand.self, columns: 100)
        #expect(dns.contains("USAGE: lvsctl probe dns <target> [--type <type>] [--name <name>] [--timeout <timeout>] [--bindto <bindto>] [--bind-port <bind-port>]"))
        #expect(dns.contains("Types as in keepalived.conf: A, NS, CNAME, SOA, MX, TXT, AAAA, RRSIG, DNSKEY (any case)."))
        let probe = LVSCtl.helpMessage(for: ProbeCommand.self, columns: 100)
        for name in ["smtp", "dns"] { #expect(probe.contains("  \(name) ")) }
    }

    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1:25"), ("127.0.0.1:2525", "127.0.0.1:2525"), ("[::1]", "[::1]:25"),
        ("[::1]:26", "[::1]:26"), ("::1", "[::1]:25"), ("mail.example", "mail.example:25"),
    ])
    func smtpTargets(text: String, expected: String) throws {
        let command = try #require(try LVSCtl.parseAsRoot(["probe", "smtp", text]) as? ProbeSMTPCommand)
        #expect(try command.check().target.description == expected)
        #expect(try command.check().heloName == "smtpchecker.keepalived.org")
    }

    @Test func dnsParsing() throws {
        let command = try #require(try LVSCtl.parseAsRoot(["probe", "dns", "10.0.0.1", "--type", "mx", "--name", "example.com", "--timeout", "2"]) as? ProbeDNSCommand)
        let check = try command.check()
        #expect(check == DNSCheck(target: CheckEndpoint(host: "10.0.0.1", port: 53), connectTimeout: .seconds(2), type: .mx,
                                  name: try DNSName(parsing: "example.com")))
        let defaults = try #require(try LVSCtl.parseAsRoot(["probe", "dns", "[::1]:5353"]) as? ProbeDNSCommand)
        #expect(try defaults.check() == DNSCheck(target: CheckEndpoint(host: "::1", port: 5353)))
    }

    @Test(arguments: [
        ["probe", "smtp", "127.0.0.1:x"],
        ["probe", "smtp", "127.0.0.1", "--helo", ""],
        ["probe", "smtp", "127.0.0.1", "--timeout", "0"],
        ["probe", "dns", "127.0.0.1", "--type", "PTR"],
        ["probe", "dns", "127.0.0.1", "--name", "a..b"],
        ["probe", "dns", "127.0.0.1:0"],
    ])
    func usageErrors(arguments: [String]) {
        #expect(throws: (any Error).self) { try LVSCtl.parseAsRoot(arguments) }
    }

    @Test func binaryAgainstAiosmtpd() async throws {
        let server = try await AioSMTPServer()
        #expect(await CLITests.lvsctl(["probe", "smtp", "127.0.0.1:\(server.port)", "--helo", "cli.example"]) == (0, "healthy\n"))
        #expect(server.helos() == ["cli.example"])
        let refusing = try await AioSMTPServer(heloReply: "554 no")
        #expect(await CLITests.lvsctl(["probe", "smtp", "127.0.0.1:\(refusing.port)"]) == (1, "unhealthy: bad HELO response: '554 no\\r'\n"))
        #expect(await CLITests.lvsctl(["probe", "smtp", "127.0.0.1", "--helo", "a\nb"]).status == 2)
    }

    @Test func binaryAgainstDnsmasq() async throws {
        let server = try await DNSMasq()
        #expect(await CLITests.lvsctl(["probe", "dns", "127.0.0.1:\(server.port)", "--type", "a", "--name", "x.test"]) == (0, "healthy\n"))
        #expect(await CLITests.lvsctl(["probe", "dns", "127.0.0.1:\(server.port)"]) == (1, "unhealthy: reply with RCODE 5 (REFUSED)\n"))
        #expect(await CLITests.lvsctl(["probe", "dns", "127.0.0.1:\(server.port)", "--type", "PTR"]).status == 2)
    }
}
