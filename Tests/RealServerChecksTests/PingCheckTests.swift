import Glibc
import NIOPosix
import Testing
import TestSupport
@testable import RealServerChecks

/// PING_CHECK by keepalived 2.2.7's rules (keepalived/check/check_ping.c): the echo request
/// bytes, reply classification, real pings of 127.0.0.1 and ::1 through a ping socket and a raw
/// socket, and (in network namespaces the test creates) silence and an unreachable network.
@Suite("PING_CHECK")
struct PingCheckTests {
    // MARK: the messages

    @Test func echoRequestBytes() {
        let v4 = ICMPEcho.request(ipv6: false, identifier: 0x1234, sequence: 7, payload: [0x61, 0x62])
        // Checksum: ~(0x0800 + 0x1234 + 0x0007 + 0x6162) = ~0x7b9d = 0x8462.
        #expect(v4 == [8, 0, 0x84, 0x62, 0x12, 0x34, 0, 7, 0x61, 0x62])
        #expect(ICMPEcho.checksum(v4) == 0)  // a packet with its checksum sums to zero
        let v6 = ICMPEcho.request(ipv6: true, identifier: 0x1234, sequence: 7, payload: [])
        #expect(v6 == [128, 0, 0, 0, 0x12, 0x34, 0, 7])  // the kernel fills ICMPv6's checksum
        #expect(PingProbeTarget.payload.count == 128)
        #expect(Array(PingProbeTarget.payload.prefix(22)) == Array("keepalived check - kee".utf8))
    }

    @Test(arguments: [
        // ping socket: no IP header; any echo reply passes, anything else fails.
        ([0, 0, 0, 0, 0, 1, 0, 1] as [UInt8], false, false, ICMPEcho.Received.echoReply),
        ([3, 3, 0, 0, 0, 0, 0, 0], false, false, .other(type: 3)),
        ([0, 0, 0], false, false, .short(length: 3)),
        ([129, 0, 0, 0, 0, 9, 0, 9], true, false, .echoReply),
        ([128, 0, 0, 0, 0, 9, 0, 9], true, false, .other(type: 128)),
        // raw IPv4: a 20-byte IP header first; only our identifier (0x0102) and sequence (3) count.
        ([0x45] + [UInt8](repeating: 0, count: 19) + [0, 0, 0, 0, 1, 2, 0, 3], false, true, .echoReply),
        ([0x45] + [UInt8](repeating: 0, count: 19) + [0, 0, 0, 0, 1, 2, 0, 4], false, true, .ignored),
        ([0x45] + [UInt8](repeating: 0, count: 19) + [8, 0, 0, 0, 1, 2, 0, 3], false, true, .ignored),
        ([0x46] + [UInt8](repeating: 0, count: 19) + [0, 0, 0, 0, 1, 2, 0, 3], false, true, .ignored),  // 24-byte header: short
        ([129, 0, 0, 0, 1, 2, 0, 3], true, true, .echoReply),
        ([], false, true, .ignored),
    ])
    func classification(packet: [UInt8], ipv6: Bool, raw: Bool, expected: ICMPEcho.Received) {
        #expect(ICMPEcho.classify(packet, ipv6: ipv6, raw: raw, identifier: 0x0102, sequence: 3) == expected)
    }

    // MARK: real pings on loopback

    let prober = LiveProber(group: MultiThreadedEventLoopGroup.singleton)

    @Test(arguments: ["127.0.0.1", "::1"])
    func pingSocket(address: String) async throws {
        #expect(try await prober.probe(CheckSpec(.ping(PingCheck(address: address, connectTimeout: .seconds(2))))) == .healthy)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func rawSocket(address: String) async throws {
        try #require(geteuid() == 0, "raw sockets need CAP_NET_RAW: the tests run as root")
        let connector = TCPConnector(time: .continuous())
        defer { connector.stop() }
        let target = try #require(PingProbeTarget(PingCheck(address: address, connectTimeout: .seconds(2)), forceRaw: true))
        #expect(await connector.probe(target, key: 0) == .healthy)
    }

    @Test func hostNamesAreAConfigurationError() async {
        await #expect(throws: CheckConfigurationError(.invalidEndpoint, "PING_CHECK needs an IP address, not 'localhost'")) {
            try await prober.probe(CheckSpec(.ping(PingCheck(address: "localhost"))))
        }
    }

    // MARK: the binary in network namespaces of its own

    /// A network namespace for one test, deleted by `deinit`. A new namespace's
    /// ping_group_range is "1 0" (nobody), so lvsctl falls back to a raw socket there.
    final class Namespace {
        let name: String
        init(_ name: String) throws {
            self.name = "\(name)-\(getpid())"
            try #require(run(["/usr/sbin/ip", "netns", "add", self.name]) == 0, "ip netns add \(self.name)")
        }
        func exec(_ arguments: [String]) -> [String] { ["/usr/sbin/ip", "netns", "exec", name] + arguments }
        deinit { run(["/usr/sbin/ip", "netns", "delete", name]) }
    }

    @Test func silenceAndUnreachableFailInNamespaces() async throws {
        try #require(geteuid() == 0, "network namespaces need root")
        let silent = try Namespace("lvs-ping-silent")
        #expect(run(silent.exec(["/usr/sbin/ip", "link", "set", "lo", "up"])) == 0)
        #expect(run(silent.exec(["/usr/sbin/sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=1"])) == 0)
        #expect(await CLITests.command(silent.exec([CLITests.binary, "probe", "ping", "127.0.0.1", "--timeout", "0.3"]))
            == (1, "unhealthy: no echo reply within 300 ms\n"))
        // The raw fallback works there when the host answers.
        #expect(run(silent.exec(["/usr/sbin/sysctl", "-qw", "net.ipv4.icmp_echo_ignore_all=0"])) == 0)
        #expect(await CLITests.command(silent.exec([CLITests.binary, "probe", "ping", "127.0.0.1", "--timeout", "2"]))
            == (0, "healthy\n"))
        // Without CAP_NET_RAW no socket is permitted: the check cannot run (exit status 3).
        let noRaw = ["/usr/bin/setpriv", "--bounding-set=-net_raw", "--inh-caps=-net_raw", "--"]
        #expect(await CLITests.command(silent.exec(noRaw + [CLITests.binary, "probe", "ping", "127.0.0.1", "--timeout", "0.3"]))
            == (3, "not run: ICMP sockets not permitted: our group is outside net.ipv4.ping_group_range and raw sockets need CAP_NET_RAW\n"))

        let down = try Namespace("lvs-ping-down")  // loopback down: no route at all
        #expect(await CLITests.command(down.exec([CLITests.binary, "probe", "ping", "127.0.0.1", "--timeout", "0.3"]))
            == (1, "unhealthy: send failed: network unreachable\n"))
    }
}
