import Testing
import TestSupport
@testable import IPVSNetlink

@Suite("Service key text")
struct ServiceKeyTests {
    /// What `description` prints parses back to the same key.
    @Test(arguments: 0..<300 as Range<UInt64>)
    func descriptionParsesBack(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let key = Random.key(&rng)
        #expect(try IPVSServiceKey(parsing: key.description) == key, "seed \(seed): \(key)")
    }

    @Test(arguments: [
        ("tcp:10.0.0.1:80", IPVSServiceKey.address(.tcp, IPAddress("10.0.0.1")!, port: 80)),
        ("UDP:[2001:db8::1]:53", .address(.udp, IPAddress("2001:db8::1")!, port: 53)),
        ("sctp:10.0.0.1:3868", .address(.sctp, IPAddress("10.0.0.1")!, port: 3868)),
        ("tcp:0.0.0.0:0", .address(.tcp, IPAddress("0.0.0.0")!, port: 0)),
        ("fwmark:5", .firewallMark(5, family: .inet)),
        ("fwm:4294967295:ipv6", .firewallMark(4_294_967_295, family: .inet6)),
        ("fwmark:7:IPv4", .firewallMark(7, family: .inet)),
    ])
    func parses(_ text: String, _ key: IPVSServiceKey) throws {
        #expect(try IPVSServiceKey(parsing: text) == key)
    }

    @Test(arguments: [
        ("10.0.0.1:80", 0, "expected KIND:..., with KIND tcp, udp, sctp or fwmark"),
        ("[2001:db8::1]:80", 0, "expected KIND:..., with KIND tcp, udp, sctp or fwmark"),
        ("icmp:10.0.0.1:80", 0, "unknown kind `icmp': expected tcp, udp, sctp or fwmark"),
        ("tcp:10.0.0.1", 4, "expected ADDRESS:PORT"),
        ("tcp:10.0.0.1:http", 13, "the port must be a number from 0 to 65535"),
        ("tcp:10.0.0.1:65536", 13, "the port must be a number from 0 to 65535"),
        ("tcp:10.0.0.1:+80", 13, "the port must be a number from 0 to 65535"),
        ("tcp:10.0.0.1:", 13, "the port must be a number from 0 to 65535"),
        ("tcp:host.example:80", 4, "`host.example' is not a numeric IP address"),
        ("tcp:2001:db8::1:80", 4, "an IPv6 address goes in brackets: [ADDRESS]:PORT"),
        ("tcp:[2001:db8::1:80", 4, "missing ] after the IPv6 address"),
        ("tcp:[2001:db8::1]80", 17, "expected :PORT after ]"),
        ("tcp:[10.0.0.1]:80", 5, "only an IPv6 address goes in brackets"),
        ("fwmark:0", 7, "the firewall mark must be a number from 1 to 4294967295"),
        ("fwmark:4294967296", 7, "the firewall mark must be a number from 1 to 4294967295"),
        ("fwmark:5:ipv7", 9, "expected ipv4 or ipv6 after the firewall mark"),
    ])
    func refusesWithThePosition(_ text: String, _ offset: Int, _ message: String) {
        #expect(throws: IPVSServiceKeyParseError(input: text, offset: offset, message: message)) {
            try IPVSServiceKey(parsing: text)
        }
    }

    @Test func errorDescriptionNamesInputAndOffset() {
        let error = IPVSServiceKeyParseError(input: "tcp:10.0.0.1:http", offset: 13,
                                             message: "the port must be a number from 0 to 65535")
        #expect(error.description
            == "bad service `tcp:10.0.0.1:http' at offset 13: the port must be a number from 0 to 65535")
    }
}
