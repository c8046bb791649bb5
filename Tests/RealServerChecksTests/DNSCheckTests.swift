import NIOPosix
import Testing
@testable import RealServerChecks

/// DNS_CHECK against Debian's dnsmasq started by the test, and against purpose-built responders
/// made of a plain UDP socket.
@Suite("DNS_CHECK")
struct DNSCheckTests {
    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    static func check(port: Int, type: DNSRecordType = .soa, name: String = ".", timeout: Duration = .seconds(5)) throws -> DNSCheck {
        DNSCheck(target: CheckEndpoint(host: "127.0.0.1", port: port), connectTimeout: timeout, type: type,
                 name: try DNSName(parsing: name))
    }

    struct Query: Sendable, CustomTestStringConvertible {
        var type: DNSRecordType
        var name: String
        var expected: ProbeOutcome
        var testDescription: String { "\(type) \(name)" }
    }

    static let dnsmasqQueries: [Query] = [
        Query(type: .a, name: "x.test", expected: .healthy),
        Query(type: .txt, name: "x.test.", expected: .healthy),
        Query(type: .soa, name: "zone.test", expected: .healthy),
        Query(type: .a, name: "www.zone.test", expected: .healthy),
        // An empty answer is still NOERROR: keepalived does not look at the answer count.
        Query(type: .aaaa, name: "www.zone.test", expected: .healthy),
        Query(type: .a, name: "nothere.zone.test", expected: .unhealthy(reason: "reply with RCODE 3 (NXDOMAIN)")),
        // keepalived's default query (SOA of the root) to a server without upstreams.
        Query(type: .soa, name: ".", expected: .unhealthy(reason: "reply with RCODE 5 (REFUSED)")),
    ]

    @Test(arguments: dnsmasqQueries)
    func dnsmasq(_ query: Query) async throws {
        let server = try await DNSMasq()
        let spec = CheckSpec(.dns(try Self.check(port: server.port, type: query.type, name: query.name)))
        #expect(try await prober.probe(spec) == query.expected)
    }

    @Test func closedPortIsRefused() async throws {
        // Nothing bound to the port: the kernel answers with an ICMP port unreachable, which the
        // connected socket reports as ECONNREFUSED (keepalived: "failed to read socket").
        let closed = try Self.check(port: ScriptedDNSResponder.unusedPort(), timeout: .seconds(3))
        #expect(try await prober.probe(CheckSpec(.dns(closed))) == .unhealthy(reason: "receive failed: connection refused"))
    }

    struct Responder: Sendable, CustomTestStringConvertible {
        var name: String
        var replies: @Sendable ([UInt8]) -> [[UInt8]]
        var expected: ProbeOutcome
        var testDescription: String { name }
    }

    static let responders: [Responder] = [
        Responder(name: "a good reply", replies: { [ScriptedDNSResponder.reply(to: $0)] }, expected: .healthy),
        Responder(name: "wrong ID, then the right one",
                  replies: { [ScriptedDNSResponder.reply(to: $0, id: 0x4321), ScriptedDNSResponder.reply(to: $0)] }, expected: .healthy),
        Responder(name: "wrong ID only", replies: { [ScriptedDNSResponder.reply(to: $0, id: 0x4321)] },
                  expected: .unhealthy(reason: "timeout after 500 ms waiting for the reply (ignored: a reply with ID 17185, not 4660)")),
        Responder(name: "the query echoed (no QR)", replies: { [$0] },
                  expected: .unhealthy(reason: "timeout after 500 ms waiting for the reply (ignored: a message without QR)")),
        Responder(name: "truncated to 6 bytes", replies: { [Array(ScriptedDNSResponder.reply(to: $0).prefix(6))] },
                  expected: .unhealthy(reason: "timeout after 500 ms waiting for the reply (ignored: a datagram of 6 bytes, shorter than a DNS header)")),
        // keepalived reads the header only: a reply cut after it still passes.
        Responder(name: "header only", replies: { [Array(ScriptedDNSResponder.reply(to: $0).prefix(12))] }, expected: .healthy),
        Responder(name: "SERVFAIL", replies: { [ScriptedDNSResponder.reply(to: $0, flags: 0x8182)] },
                  expected: .unhealthy(reason: "reply with RCODE 2 (SERVFAIL)")),
        Responder(name: "REFUSED", replies: { [ScriptedDNSResponder.reply(to: $0, flags: 0x8105)] },
                  expected: .unhealthy(reason: "reply with RCODE 5 (REFUSED)")),
        Responder(name: "silent", replies: { _ in [] },
                  expected: .unhealthy(reason: "timeout after 500 ms waiting for the reply")),
    ]

    @Test(arguments: responders)
    func badResponder(_ r: Responder) async throws {
        let responder = ScriptedDNSResponder(r.replies)
        // Only the responders that never decide wait for the timeout.
        let timeout: Duration = r.expected.description.contains("timeout") ? .milliseconds(500) : .seconds(10)
        let check = try Self.check(port: responder.port, type: .mx, name: "mail.example", timeout: timeout)
        let outcome = try await DNSProbe(group: MultiThreadedEventLoopGroup.singleton).run(check, id: 0x1234)
        #expect(outcome == r.expected)
        // keepalived's query, exactly.
        let queries = await responder.queries()
        #expect(queries == [check.query(id: 0x1234)])
        let query = try DNSMessage.decode(queries.first ?? [])
        #expect(query.header.flags == 0x0100)
        #expect(query.questions == [DNSQuestion(name: try DNSName(parsing: "mail.example"), type: .mx, recordClass: 1)])
    }
}
