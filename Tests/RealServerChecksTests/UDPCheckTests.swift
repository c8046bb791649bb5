import Glibc
import NIOPosix
import Testing
@testable import RealServerChecks

/// UDP_CHECK by keepalived 2.2.7's rules (keepalived/check/check_udp.c; udp_bind_connect,
/// udp_socket_state in keepalived/core/layer4.c; read_hex_str in lib/parser.c), against UDP
/// servers on loopback started by the tests.
@Suite("UDP_CHECK")
struct UDPCheckTests {
    // MARK: hex strings as keepalived reads them

    @Test(arguments: [
        ("01 02 ff", [0x01, 0x02, 0xff] as [UInt8], [0, 0, 0] as [UInt8]),
        ("0102FF", [0x01, 0x02, 0xff], [0, 0, 0]),
        ("1 23 456", [0x01, 0x23, 0x45, 0x06], [0, 0, 0, 0]),
        ("  aB\t", [0xab], [0]),
        ("xX 1x", [0x00, 0x10], [0xff, 0x0f]),
    ])
    func hexAsKeepalived(text: String, bytes: [UInt8], wildcards: [UInt8]) throws {
        let pattern = try HexPattern(parsing: text, allowWildcards: true, keyword: "require_reply")
        #expect(pattern.bytes == bytes)
        #expect(pattern.wildcards == wildcards)
    }

    @Test(arguments: [
        ("", true, "require_reply needs a hex string"),
        ("  ", true, "require_reply needs a hex string"),
        ("0g", true, "invalid hex string for require_reply at character 2: 'g'"),
        ("a\tb", true, "invalid hex string for require_reply at character 2: '\t'"),
        ("xx", false, "invalid hex string for payload at character 1: 'x'"),
    ])
    func badHex(text: String, wildcards: Bool, message: String) {
        let keyword = wildcards ? "require_reply" : "payload"
        #expect(throws: CheckConfigurationError(.invalidHex, message)) {
            try HexPattern(parsing: text, allowWildcards: wildcards, keyword: keyword)
        }
    }

    // MARK: judging a reply (check_udp_reply)

    static func check(_ reply: String?, min: Int = 0, max: Int = 255) -> UDPCheck {
        UDPCheck(
            target: CheckEndpoint(host: "127.0.0.1", port: 1), requireReply: true,
            reply: reply.map { try! HexPattern(parsing: $0, allowWildcards: true, keyword: "require_reply") },
            minReplyLength: min, maxReplyLength: max)
    }

    @Test(arguments: [
        (nil as String?, 0, 255, [] as [UInt8], nil as String?),  // any reply, lengths unchecked
        (nil, 4, 5, [1], nil),
        ("0102", 0, 255, [1, 2, 3], nil),  // the first bytes must match
        ("0102", 0, 255, [1], nil),  // only as many bytes as both have
        ("0102", 0, 255, [1, 3], "reply does not match 0102 at byte 2"),
        ("x1 Ax", 0, 255, [0xf1, 0xaf], nil),
        ("x1 Ax", 0, 255, [0xf2, 0xaf], "reply does not match x1ax at byte 1"),
        ("01", 2, 255, [1], "reply of 1 bytes, expected 2 to 255"),
        ("01", 0, 3, [1, 2, 3, 4], "reply of more than 3 bytes, expected 0 to 3"),
    ])
    func replyRules(pattern: String?, min: Int, max: Int, reply: [UInt8], failure: String?) {
        #expect(Self.check(pattern, min: min, max: max).failure(ofReply: reply) == failure)
    }

    @Test func defaultPayloadIsKeepalivedsSetBuf() {
        #expect(UDPCheck.defaultPayload == Array("keepalived check - keepalived ch".utf8))
    }

    // MARK: against servers on loopback

    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    func probe(_ check: UDPCheck) async throws -> ProbeOutcome {
        try await prober.probe(CheckSpec(.udp(check)))
    }

    static func udp(
        _ port: Int, host: String = "127.0.0.1", payload: [UInt8]? = nil, requireReply: Bool = false, reply: String? = nil,
        min: Int = 0, max: Int = 255
    ) -> UDPCheck {
        UDPCheck(
            target: CheckEndpoint(host: host, port: port), connectTimeout: .milliseconds(300), payload: payload,
            requireReply: requireReply,
            reply: reply.map { try! HexPattern(parsing: $0, allowWildcards: true, keyword: "require_reply") },
            minReplyLength: min, maxReplyLength: max)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func aReplyPassesAndThePayloadArrives(host: String) async throws {
        let server = try await UDPResponder(host: host, reply: [0x50, 0x4f, 0x4e, 0x47])
        defer { Task { try? await server.close() } }
        #expect(try await probe(Self.udp(server.port, host: host, payload: [0xde, 0xad], reply: "504f")) == .healthy)
        #expect(try await probe(Self.udp(server.port, host: host, reply: "5041")) == .unhealthy(reason: "reply does not match 5041 at byte 2"))
        #expect(try await probe(Self.udp(server.port, host: host, reply: "50", min: 5)) == .unhealthy(reason: "reply of 4 bytes, expected 5 to 255"))
        #expect(try await probe(Self.udp(server.port, host: host, reply: "50", max: 3)) == .unhealthy(reason: "reply of more than 3 bytes, expected 0 to 3"))
        #expect(server.datagrams.first == [0xde, 0xad])
        #expect(server.datagrams.dropFirst().allSatisfy { $0 == UDPCheck.defaultPayload })
        #expect(server.datagrams.count == 4)
    }

    @Test func silenceIsHealthyUnlessAReplyIsRequired() async throws {
        let server = try await UDPResponder(reply: nil)
        defer { Task { try? await server.close() } }
        #expect(try await probe(Self.udp(server.port)) == .healthy)
        #expect(try await probe(Self.udp(server.port, requireReply: true)) == .unhealthy(reason: "no reply within 300 ms"))
        #expect(server.datagrams.count == 2)
    }

    /// Nothing listens: the kernel answers with ICMP port unreachable, which fails the check
    /// even without require_reply. In a network namespace of the test's own (lvsctl run there):
    /// nothing else listens on its ports, and its ICMP error rate limit (net.ipv4.icmp_msgs_per_sec,
    /// per namespace) is not spent by other processes, which on the host's namespace can suppress
    /// the port unreachable and turn the failure into silence.
    @Test func portUnreachableFails() async throws {
        try #require(geteuid() == 0, "network namespaces need root")
        let namespace = try PingCheckTests.Namespace("lvs-udp-refused")
        #expect(run(namespace.exec(["/usr/sbin/ip", "link", "set", "lo", "up"])) == 0)
        for target in ["127.0.0.1:9", "[::1]:9"] {
            #expect(await CLITests.command(namespace.exec([CLITests.binary, "probe", "udp", target, "--timeout", "2"]))
                == (1, "unhealthy: no reply: connection refused\n"), "\(target)")
        }
    }

    @Test func hostNamesAreAConfigurationError() async {
        await #expect(throws: CheckConfigurationError(.invalidEndpoint, "UDP_CHECK needs IP addresses, not host names: localhost:53")) {
            try await probe(Self.udp(53, host: "localhost"))
        }
    }
}
